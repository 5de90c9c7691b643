/**
 * A CDK cloud assembly's manifest (manifest.json): which stacks the app synthesised and what
 * each needs, and the stack's asset manifest (`cdk:asset-manifest`): the files to publish to the
 * bootstrap bucket. Pure; the CDK handler reads the files.
 */

export interface CloudAssemblyManifest {
  artifacts?: Record<string, { type?: string; displayName?: string; properties?: { templateFile?: string; file?: string }; dependencies?: string[] }>;
}

/** One destination of a file asset, as the manifest writes it (placeholders unresolved). */
export interface AssetDestination {
  bucketName: string;
  objectKey: string;
  /** The synthesizer's publishing role; faber-cloud publishes as the deploy profile (docs/DECISIONS.md). */
  assumeRoleArn?: string;
  region?: string;
}

/** A file asset of the stack: a file uploaded as is, or a directory uploaded as a zip. */
export interface FileAsset {
  /** The asset's id in the manifest (its source hash). */
  id: string;
  /** The construct path CDK names it by (`Fn/Code`), else the id. */
  name: string;
  /** Relative to the cloud assembly directory (or absolute, when the app disabled staging). */
  path: string;
  packaging: 'file' | 'zip';
  destinations: AssetDestination[];
}

export interface StackAssets {
  files: FileAsset[];
  /** Docker image assets' names: not published here (no Docker). */
  images: string[];
}

interface AssetManifestJson {
  files?: Record<string, { displayName?: unknown; source?: { path?: unknown; packaging?: unknown; executable?: unknown }; destinations?: Record<string, Partial<Record<keyof AssetDestination, unknown>>> }>;
  dockerImages?: Record<string, { displayName?: unknown }>;
}

/**
 * The stack to deploy: the one named, or the only one. Refused (a message) when the app has
 * several and none is named.
 */
export function pickStack(manifest: CloudAssemblyManifest, wanted: string | undefined): { id: string; templateFile: string } | string {
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(([, a]) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile);
  if (stacks.length === 0) return 'the CDK app synthesised no stack';
  const chosen = wanted ? stacks.find(([id, a]) => id === wanted || a.displayName === wanted) : stacks.length === 1 ? stacks[0] : undefined;
  if (!chosen) {
    const names = stacks.map(([id]) => id).join(', ');
    return wanted ? `the CDK app has no stack '${wanted}' (it has ${names})` : `the CDK app has ${stacks.length} stacks (${names}); one environment deploys one`;
  }
  const [id, artifact] = chosen;
  return { id, templateFile: artifact.properties!.templateFile! };
}

/** The asset manifest files a stack depends on (relative to the cloud assembly directory). */
export function assetManifestFiles(manifest: CloudAssemblyManifest, stackId: string): string[] {
  const files: string[] = [];
  for (const dependency of manifest.artifacts?.[stackId]?.dependencies ?? []) {
    const artifact = manifest.artifacts?.[dependency];
    if (artifact?.type === 'cdk:asset-manifest') files.push(artifact.properties?.file ?? `${dependency}.json`);
  }
  return files;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The assets a stack needs published, from its asset manifests (by file name). The template
 * itself is listed as an asset and left out: the CloudFormation handler sends it inline.
 * Returns a message for a manifest faber-cloud cannot read (an executable source: a build
 * command it would have to run).
 */
export function stackAssets(templateFile: string, manifests: readonly { file: string; json: unknown }[]): StackAssets | string {
  const files: FileAsset[] = [];
  const images: string[] = [];
  for (const { file, json } of manifests) {
    const manifest = (json && typeof json === 'object' ? json : {}) as AssetManifestJson;
    for (const [id, asset] of Object.entries(manifest.files ?? {})) {
      const name = str(asset?.displayName) ?? id;
      const source = asset?.source ?? {};
      if (source.executable !== undefined) return `${file}: asset ${name} is built by a command (executable source), which faber-cloud does not run`;
      const sourcePath = str(source.path);
      if (!sourcePath) return `${file}: asset ${name} has no source path`;
      if (sourcePath === templateFile) continue;
      const packaging = source.packaging ?? 'file';
      if (packaging !== 'file' && packaging !== 'zip') return `${file}: asset ${name} has packaging ${JSON.stringify(packaging)} (file or zip expected)`;
      const destinations: AssetDestination[] = [];
      for (const [key, d] of Object.entries(asset?.destinations ?? {})) {
        const bucketName = str(d?.bucketName);
        const objectKey = str(d?.objectKey);
        if (!bucketName || !objectKey) return `${file}: destination ${key} of asset ${name} lacks a bucket or object key`;
        const assumeRoleArn = str(d?.assumeRoleArn);
        const region = str(d?.region);
        destinations.push({ bucketName, objectKey, ...(assumeRoleArn ? { assumeRoleArn } : {}), ...(region ? { region } : {}) });
      }
      files.push({ id, name, path: sourcePath, packaging, destinations });
    }
    for (const [id, image] of Object.entries(manifest.dockerImages ?? {})) images.push(str(image?.displayName) ?? id);
  }
  return { files, images };
}

/** Where a destination's placeholders are resolved: the deploy identity's account and partition, the environment's region. */
export interface AssetScope {
  accountId: string;
  region: string;
  partition: string;
}

/** `${AWS::AccountId}`, `${AWS::Region}` and `${AWS::Partition}` replaced, as the CDK CLI does. */
export function resolvePlaceholders(text: string, scope: AssetScope): string {
  return text.replaceAll('${AWS::AccountId}', scope.accountId).replaceAll('${AWS::Region}', scope.region).replaceAll('${AWS::Partition}', scope.partition);
}

/** One upload: an asset to one bucket and key, placeholders resolved. */
export interface ResolvedUpload {
  asset: FileAsset;
  bucket: string;
  key: string;
  region: string;
  /** The account the destination's publishing role is in (the account the app targets), when it names one. */
  account?: string;
}

export function resolveUploads(assets: readonly FileAsset[], scope: AssetScope): ResolvedUpload[] {
  return assets.flatMap((asset) =>
    asset.destinations.map((d) => {
      const region = d.region ? resolvePlaceholders(d.region, scope) : scope.region;
      const at = { ...scope, region };
      const account = d.assumeRoleArn ? /^arn:[^:]+:iam::(\d{12}):/.exec(resolvePlaceholders(d.assumeRoleArn, at))?.[1] : undefined;
      return { asset, bucket: resolvePlaceholders(d.bucketName, at), key: resolvePlaceholders(d.objectKey, at), region, ...(account ? { account } : {}) };
    }),
  );
}
