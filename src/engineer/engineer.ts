import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { loadProjectConfig } from '../core/config/load.js';
import { ConfigError, GuardError, UsageError } from '../core/errors.js';
import { writeTextAtomic } from '../core/files/atomic.js';
import { checkWritePaths, directoryScope, type PlannedWrite } from '../core/files/safe-path.js';
import { readDesign } from '../design/architect.js';
import { loadCatalogue, withDefaults, type Catalogue } from '../design/catalogue.js';
import { declarations } from './declarations.js';
import { inspectGenerated, withHeader, type ExistingState } from './generated-file.js';
import { placeholderPackage } from './placeholder-zip.js';
import { renderResourceFile, renderSharedFiles, SHARED_FILES, type RenderedFile } from './render.js';

export type FileStatus = 'created' | 'updated' | 'unchanged' | 'overwritten' | 'removed' | 'kept' | 'skipped';

export interface FileReport {
  /** Path relative to the project root. */
  file: string;
  status: FileStatus;
  reason?: string;
}

export interface EngineerResult {
  design: string;
  design_file: string;
  directory: string;
  files: FileReport[];
  /** Lambda packages: a placeholder is created where none exists yet. */
  packages: { file: string; status: 'created' | 'exists' | 'missing'; function: string }[];
  changed: boolean;
  /** The first environment deployed with the test profile: where to validate and preview next. */
  next_env: string;
}

interface PlannedFile {
  name: string;
  status: FileStatus;
  reason?: string;
  /** Full text to write (created/updated/overwritten). */
  text?: string;
}

async function readTerraformFiles(dir: string): Promise<Map<string, string>> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const files = new Map<string, string>();
  for (const name of names.filter((n) => n.endsWith('.tf')).sort()) {
    // A dangling link reads as absent; a link at a name the engineer writes is refused later.
    const text = await readFile(path.join(dir, name), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text !== undefined) files.set(name, text);
  }
  return files;
}

function originLabel(state: ExistingState): string {
  if (!state.generated) return 'yours';
  return state.origin.kind === 'design' ? `designs/${state.origin.slug}.md` : 'the shared files';
}

/**
 * Generate the design's Terraform into the project's terraform directory: the shared files
 * once, one file per resource. Every decision is made before anything is written: a
 * generated file edited by hand (or any clash) stops the run with nothing changed.
 */
export async function engineerDesign(cwd: string, options: { design: string; force: boolean }, processEnv: NodeJS.ProcessEnv): Promise<EngineerResult> {
  const { config, paths } = await loadProjectConfig(cwd, processEnv);
  // The engineer writes Terraform only: files no deploy of this project would read are refused, not written.
  if (config.handlers.iac.active !== 'terraform') {
    throw new ConfigError('E_CONFIG_ENGINEER_TERRAFORM_ONLY', `infra engineer generates Terraform only, and this project deploys with ${config.handlers.iac.active} (handlers.iac.active); nothing was written`, {
      hint: `write the ${config.handlers.iac.active} resources for the design by hand (the design's resource list names them per environment), or switch handlers.iac.active to terraform`,
    });
  }
  const catalogue = await loadCatalogue();
  const { design, file: designFile } = await readDesign(paths, config, options.design);
  const tf = config.handlers.iac.terraform;
  const configured = tf?.directory ?? './infrastructure/terraform';
  const shownDir = path.resolve(paths.root, configured);
  const display = (name: string) => path.relative(paths.root, path.join(shownDir, name));
  // Files are read and written in the directory's real path, which must be inside the project
  // (unless allow_outside_project); below it, no link is ever followed.
  const scope = await directoryScope(paths.root, configured, tf?.allow_outside_project === true, 'terraform directory (handlers.iac.terraform.directory)');
  const dir = scope.root;

  const existing = await readTerraformFiles(dir);
  const states = new Map([...existing].map(([name, text]) => [name, inspectGenerated(text)]));
  const userProvider = [...existing].find(([name, text]) => !states.get(name)?.generated && declarations(text).has('provider.aws'))?.[0];

  const rendered: RenderedFile[] = [
    ...(await renderSharedFiles(config, { provider: !userProvider })),
    ...(await Promise.all(design.resources.map((r) => renderResourceFile(catalogue, r, design.slug)))),
  ];
  // Every name the engineer generates must be a plain file (or absent) in the directory, even
  // when this run would leave it unchanged: a generated file is never a link.
  await checkWritePaths(scope, rendered.map((file) => ({ path: path.join(dir, file.path), kind: 'file' as const })));
  const plans: PlannedFile[] = [];
  const conflicts: string[] = [];
  for (const file of rendered) {
    const current = existing.get(file.path);
    const state = states.get(file.path);
    const text = withHeader(file.origin, file.body);
    if (current === undefined || !state) {
      plans.push({ name: file.path, status: 'created', text });
    } else if (!state.generated) {
      plans.push({ name: file.path, status: 'kept', reason: 'has no faber-cloud header: it is yours and is left alone' });
    } else if (state.origin.kind !== file.origin.kind || (state.origin.kind === 'design' && file.origin.kind === 'design' && state.origin.slug !== file.origin.slug)) {
      conflicts.push(`${display(file.path)} is generated from ${originLabel(state)}`);
    } else if (state.edited) {
      plans.push(options.force ? { name: file.path, status: 'overwritten', text } : { name: file.path, status: 'kept', reason: 'edited by hand' });
    } else {
      plans.push(state.body === file.body ? { name: file.path, status: 'unchanged' } : { name: file.path, status: 'updated', text });
    }
  }
  if (userProvider) plans.push({ name: SHARED_FILES.provider, status: 'skipped', reason: `provider "aws" is configured in ${display(userProvider)}` });
  // Resources dropped from the design: their files go, unless edited by hand.
  const wanted = new Set(rendered.map((f) => f.path));
  for (const [name, state] of states) {
    if (wanted.has(name) || !state.generated || state.origin.kind !== 'design' || state.origin.slug !== design.slug) continue;
    plans.push(state.edited && !options.force ? { name, status: 'kept', reason: 'edited by hand' } : { name, status: 'removed', reason: 'no longer in the design' });
  }
  if (userProvider && states.get(SHARED_FILES.provider)?.generated) {
    conflicts.push(`${display(SHARED_FILES.provider)} (generated) and ${display(userProvider)} both configure provider "aws"`);
  }

  const edited = plans.filter((p) => p.reason === 'edited by hand');
  if (edited.length) {
    throw new GuardError('E_GUARD_HAND_EDITED', `${edited.map((p) => display(p.name)).join(', ')} ${edited.length === 1 ? 'was' : 'were'} generated by faber-cloud and then edited by hand; nothing was written`, {
      hint: `to keep the edits, delete the file's two header lines (it becomes yours and is left alone); to discard them, re-run with --force; to change a resource, edit ${designFile}`,
      details: { files: edited.map((p) => display(p.name)) },
    });
  }
  conflicts.push(...declarationClashes(existing, plans, display));
  if (conflicts.length) {
    throw new UsageError(`${conflicts[0]}${conflicts.length > 1 ? ` (and ${conflicts.length - 1} more clash${conflicts.length > 2 ? 'es' : ''})` : ''}; nothing was written`, {
      code: 'E_ENGINEER_CONFLICT',
      hint: `rename the resource in ${designFile} (names must be unique across designs), or remove the duplicate declaration from your own file`,
      details: { conflicts },
    });
  }

  const packages = await planPackages(dir, design.resources, catalogue, display);
  // Every file this run writes is checked (inside the directory, no link) before the first write.
  const writes: PlannedWrite[] = [
    ...plans.filter((p) => p.text !== undefined || p.status === 'removed').map((p) => ({ path: path.join(dir, p.name), kind: 'file' as const })),
    ...packages.flatMap((p) => (p.write ? [{ path: p.write.path, kind: 'file' as const }] : [])),
  ];
  await checkWritePaths(scope, writes);
  await scope.create();
  for (const plan of plans) {
    if (plan.text !== undefined) await writeTextAtomic(path.join(dir, plan.name), plan.text, scope);
    else if (plan.status === 'removed') await unlink(path.join(dir, plan.name));
  }
  for (const p of packages) if (p.write) await writeTextAtomic(p.write.path, p.write.content, scope);
  const files = plans.map((p) => ({ file: display(p.name), status: p.status, ...(p.reason ? { reason: p.reason } : {}) }));
  return {
    design: design.slug,
    design_file: designFile,
    directory: path.relative(paths.root, dir) || '.',
    files,
    packages: packages.map(({ write: _write, ...p }) => p),
    changed: files.some((f) => ['created', 'updated', 'overwritten', 'removed'].includes(f.status)) || packages.some((p) => p.status === 'created'),
    next_env: Object.entries(config.environments).find(([, e]) => e.profile === 'test')?.[0] ?? Object.keys(config.environments)[0] ?? 'test',
  };
}

/** Names declared by more than one file after this run, where one of them is written by it. */
function declarationClashes(existing: Map<string, string>, plans: PlannedFile[], display: (name: string) => string): string[] {
  const after = new Map(existing);
  const written = new Set<string>();
  for (const plan of plans) {
    if (plan.status === 'removed') after.delete(plan.name);
    else if (plan.text !== undefined || plan.status === 'unchanged') written.add(plan.name);
    if (plan.text !== undefined) after.set(plan.name, plan.text);
  }
  const owners = new Map<string, string[]>();
  for (const [name, text] of after) for (const d of declarations(text)) owners.set(d, [...(owners.get(d) ?? []), name]);
  const clashes: string[] = [];
  for (const [declaration, files] of owners) {
    if (files.length > 1 && files.some((f) => written.has(f))) clashes.push(`${declaration} is declared in both ${files.map(display).sort().join(' and ')}`);
  }
  return clashes;
}

type PlannedPackage = EngineerResult['packages'][number] & { write?: { path: string; content: Uint8Array } };

/** Lambda packages: a placeholder is planned where none exists (inside the terraform directory only). */
async function planPackages(dir: string, resources: { kind: string; name: string; settings: Record<string, unknown> }[], catalogue: Catalogue, display: (name: string) => string) {
  const out: PlannedPackage[] = [];
  for (const resource of resources.filter((r) => r.kind === 'lambda_function')) {
    const kind = catalogue.kinds[resource.kind];
    if (!kind) continue;
    const settings = withDefaults(kind, resource.name, resource.settings);
    const relative = String(settings.package);
    const file = path.resolve(dir, relative);
    // stat follows links: one to an existing file counts as the package (nothing is written);
    // a dangling one is planned, and refused by the path check before anything is written.
    const present = await stat(file).then(() => true, () => false);
    const inside = !path.relative(dir, file).startsWith('..');
    if (present) out.push({ file: display(relative), status: 'exists', function: resource.name });
    else if (!inside) out.push({ file: display(relative), status: 'missing', function: resource.name });
    else {
      const content = placeholderPackage(String(settings.runtime), String(settings.handler), resource.name);
      out.push({ file: display(relative), status: 'created', function: resource.name, write: { path: file, content } });
    }
  }
  return out;
}
