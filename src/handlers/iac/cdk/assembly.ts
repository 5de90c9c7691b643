/**
 * A CDK cloud assembly's manifest (manifest.json): which stacks the app synthesised and what
 * each needs. Pure; the CDK handler reads the files.
 */

export interface CloudAssemblyManifest {
  artifacts?: Record<string, { type?: string; displayName?: string; properties?: { templateFile?: string }; dependencies?: string[] }>;
}

interface AssetManifest {
  files?: Record<string, { source?: { path?: string } }>;
  dockerImages?: Record<string, unknown>;
}

/**
 * The stack to deploy: the one named, or the only one. Refused (a message) when the app has
 * several and none is named, or when the stack needs assets published (Lambda code, Docker
 * images): that needs the bootstrap bucket and is not done here. The template itself is listed
 * as an asset and does not count.
 */
export function pickStack(manifest: CloudAssemblyManifest, wanted: string | undefined, assetManifests: Record<string, unknown>): { id: string; templateFile: string } | string {
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(([, a]) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile);
  if (stacks.length === 0) return 'the CDK app synthesised no stack';
  const chosen = wanted ? stacks.find(([id, a]) => id === wanted || a.displayName === wanted) : stacks.length === 1 ? stacks[0] : undefined;
  if (!chosen) {
    const names = stacks.map(([id]) => id).join(', ');
    return wanted ? `the CDK app has no stack '${wanted}' (it has ${names})` : `the CDK app has ${stacks.length} stacks (${names}); one environment deploys one`;
  }
  const [id, artifact] = chosen;
  const templateFile = artifact.properties!.templateFile!;
  for (const dependency of artifact.dependencies ?? []) {
    const file = manifest.artifacts?.[dependency]?.type === 'cdk:asset-manifest' ? `${dependency}.json` : undefined;
    const assets = (file ? assetManifests[file] : undefined) as AssetManifest | undefined;
    const files = Object.values(assets?.files ?? {}).filter((f) => f.source?.path !== templateFile);
    const images = Object.keys(assets?.dockerImages ?? {});
    if (files.length > 0 || images.length > 0) {
      return `stack ${id} needs ${files.length} file and ${images.length} image asset(s) published to the CDK bootstrap bucket, which faber-cloud does not do yet`;
    }
  }
  return { id, templateFile };
}
