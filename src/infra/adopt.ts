import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { validateBeforeMutation } from '../artifacts/catalogue.js';
import { resourceNamePrefix } from '../core/config/schema.js';
import { ConfigError, GuardError, NeedsHumanError, OperationError } from '../core/errors.js';
import { step, warning, type EventSink } from '../core/events.js';
import { writeTextAtomic } from '../core/files/atomic.js';
import { withLock } from '../core/files/lock.js';
import { checkWritePath, directoryScope, ensureDirectory, type WriteScope } from '../core/files/safe-path.js';
import { authorize } from '../core/guard.js';
import { isProviderCallError } from '../handlers/hosting/failures.js';
import type { AdoptionListing, CallerIdentity, DiscoveredResource } from '../handlers/hosting/types.js';
import type { IacAdoption, PlanDigest, PlannedChange, StateResource } from '../handlers/iac/types.js';
import { iacSource } from '../handlers/load.js';
import { checkEnvironmentWrites, iacDirectory, loadEnvironment, openEnvironment, type EnvironmentConfigView } from './environment.js';
import { identify, preview } from './lifecycle.js';

/**
 * `infra adopt`: resources of an environment that exist in the account but not in its state
 * (found by the environment's tags and by its naming prefix) are written as import blocks, with
 * configuration the IaC tool generates, into two marked files of the IaC directory; a preview
 * then shows that the plan only imports them. Nothing in the cloud is changed here, and
 * `infra deploy` imports them through the guarded path. Both files are scoped to the
 * environment (by a variable the IaC handler sets on every run, declared once in a third
 * marked file) so the other environments sharing the directory plan as before, whether they
 * have workspaces of their own or a backend key each in one workspace.
 */

// ---------------------------------------------------------------------------------------------
// Pure mapping: a found resource -> Terraform type, import id, address

/** A resource to adopt: what the import block says. */
export interface AdoptionTarget {
  /** Resource address without instance key (the resource is `count`-scoped: it lives at `[0]`). */
  address: string;
  type: string;
  /** What the provider imports it by (bucket name, table name, topic ARN, queue URL, ...). */
  import_id: string;
  arn: string;
  name: string;
  via: ('name' | 'tags')[];
}

/** A resource found but not adopted, and why. */
export interface NotAdopted {
  arn: string;
  reason: string;
}

interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string): ArnParts | undefined {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  return m ? { partition: m[1]!, service: m[2]!, region: m[3]!, account: m[4]!, resource: m[5]! } : undefined;
}

/** The Terraform type, the name and the import id of a resource the engineer templates write, from its ARN. */
export function terraformTypeOf(found: Pick<DiscoveredResource, 'arn'>): { type: string; name: string; importId: string } | { unsupported: string } {
  const arn = parseArn(found.arn);
  if (!arn) return { unsupported: 'not an ARN' };
  const r = arn.resource;
  switch (arn.service) {
    case 's3':
      return r.includes('/') ? { unsupported: 'an S3 object, not a bucket' } : { type: 'aws_s3_bucket', name: r, importId: r };
    case 'dynamodb': {
      const table = /^table\/([^/]+)$/.exec(r);
      return table ? { type: 'aws_dynamodb_table', name: table[1]!, importId: table[1]! } : { unsupported: 'a DynamoDB resource other than a table' };
    }
    case 'sns':
      return r.includes(':') ? { unsupported: 'an SNS subscription, not a topic' } : { type: 'aws_sns_topic', name: r, importId: found.arn };
    case 'sqs':
      // The provider imports a queue by its URL, and accepts only the service's own form (not an endpoint override's).
      return { type: 'aws_sqs_queue', name: r, importId: `https://sqs.${arn.region}.${arn.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'}/${arn.account}/${r}` };
    case 'lambda': {
      const fn = /^function:([^:]+)$/.exec(r);
      return fn ? { type: 'aws_lambda_function', name: fn[1]!, importId: fn[1]! } : { unsupported: 'a Lambda resource other than a function (or a function version)' };
    }
    case 'iam': {
      const role = /^role\/(?:.*\/)?([^/]+)$/.exec(r);
      return role ? { type: 'aws_iam_role', name: role[1]!, importId: role[1]! } : { unsupported: 'an IAM resource other than a role' };
    }
    case 'logs': {
      const group = /^log-group:(.+?)(?::\*)?$/.exec(r);
      return group ? { type: 'aws_cloudwatch_log_group', name: group[1]!, importId: group[1]! } : { unsupported: 'a log resource other than a log group' };
    }
    default:
      return { unsupported: `${arn.service} resources are not adopted (only the types the engineer templates write)` };
  }
}

/** The Terraform name of an adopted resource: `adopted_<env>_<name without the environment's prefix>`, a valid identifier. */
export function adoptedName(env: string, name: string, prefix: string | undefined): string {
  const rest = prefix && name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : name;
  return `adopted_${env}_${rest}`.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/_+$/g, '');
}

/** Tags that say another tool manages the resource: adopting it would give it two owners. */
function managedElsewhere(tags: Record<string, string> | null): string | undefined {
  const stack = tags?.['aws:cloudformation:stack-name'];
  return stack ? `managed by the CloudFormation stack ${stack}` : undefined;
}

/** The id a state resource is known by, per type (what `import_id` is compared with). */
function stateIds(resource: StateResource): string[] {
  const v = resource.values;
  return [v.id, v.arn, v.name, v.bucket, v.function_name, v.url].filter((x): x is string => typeof x === 'string' && x !== '');
}

/**
 * Split what was found: already in state (by type and id/ARN), already written to the imports
 * file (pending a deploy), not adoptable (another type, another owner), and the new targets,
 * named uniquely against every address already taken.
 */
export function classifyFound(
  found: readonly DiscoveredResource[],
  state: readonly StateResource[],
  written: readonly { type: string; importId: string }[],
  env: string,
  prefix: string | undefined,
  takenAddresses: ReadonlySet<string>,
): { targets: AdoptionTarget[]; managed: string[]; pending: string[]; notAdopted: NotAdopted[] } {
  const inState = new Set(state.flatMap((r) => stateIds(r).map((id) => `${r.type} ${id}`)));
  const inFile = new Set(written.map((w) => `${w.type} ${w.importId}`));
  const taken = new Set(takenAddresses);
  const out = { targets: [] as AdoptionTarget[], managed: [] as string[], pending: [] as string[], notAdopted: [] as NotAdopted[] };
  for (const f of found) {
    const mapped = terraformTypeOf(f);
    if ('unsupported' in mapped) {
      out.notAdopted.push({ arn: f.arn, reason: mapped.unsupported });
      continue;
    }
    if (inState.has(`${mapped.type} ${mapped.importId}`) || inState.has(`${mapped.type} ${f.arn}`)) {
      out.managed.push(f.arn);
      continue;
    }
    if (inFile.has(`${mapped.type} ${mapped.importId}`)) {
      out.pending.push(f.arn);
      continue;
    }
    const elsewhere = managedElsewhere(f.tags);
    if (elsewhere) {
      out.notAdopted.push({ arn: f.arn, reason: elsewhere });
      continue;
    }
    const base = adoptedName(env, mapped.name, prefix);
    let name = base;
    for (let n = 2; taken.has(`${mapped.type}.${name}`); n++) name = `${base}_${n}`;
    taken.add(`${mapped.type}.${name}`);
    out.targets.push({ address: `${mapped.type}.${name}`, type: mapped.type, import_id: mapped.importId, arn: f.arn, name: mapped.name, via: [...f.via] });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The two generated files

export const ADOPT_MARKER = '# Generated by faber-cloud infra adopt';

export interface AdoptFiles {
  imports: string;
  config: string;
  /** What every environment's files share (the scoping variable's declaration): one per directory. */
  shared: string;
}

export function adoptFiles(directory: string, env: string): AdoptFiles {
  return {
    imports: path.join(directory, `faber-cloud-adopt-${env}.tf`),
    config: path.join(directory, `faber-cloud-adopt-${env}.generated.tf`),
    shared: path.join(directory, 'faber-cloud-adopt.tf'),
  };
}

/** The shared file: the declarations every environment's adopted resources are scoped by. */
export function renderShared(declarations: string): string {
  return (
    `${ADOPT_MARKER} (shared by every environment's adopted resources). faber-cloud rewrites this file;\n` +
    `# keep it while any faber-cloud-adopt-<env> file, or a resource moved out of one, uses what it declares.\n\n` +
    declarations
  );
}

function header(env: string, what: string): string {
  return (
    `${ADOPT_MARKER} for environment '${env}' (${what}). faber-cloud rewrites this file;\n` +
    `# move a resource into your own files (and its import block out) once it is deployed, if you like.\n`
  );
}

/**
 * One import block. Scoped (`for_each` on the environment's condition, the target at `[0]` of a
 * `count`-scoped resource) so that other environments planning this directory import nothing;
 * unscoped only for the moment the tool generates configuration (it cannot for an instance key).
 */
export function importBlock(target: Pick<AdoptionTarget, 'address' | 'import_id'>, condition: string | undefined): string {
  const id = JSON.stringify(target.import_id);
  if (condition === undefined) return `import {\n  to = ${target.address}\n  id = ${id}\n}\n`;
  return `import {\n  for_each = ${condition} ? toset(["0"]) : toset([])\n  to       = ${target.address}[0]\n  id       = ${id}\n}\n`;
}

export function renderImports(env: string, blocks: readonly string[]): string {
  return `${header(env, 'import blocks')}\n${blocks.join('\n')}`;
}

/** The import blocks of a file faber-cloud wrote: what is already pending. */
export function parseImports(text: string): { type: string; address: string; importId: string; block: string }[] {
  const out: { type: string; address: string; importId: string; block: string }[] = [];
  for (const m of text.matchAll(/^import \{\n[\s\S]*?^\}\n/gm)) {
    const block = m[0];
    const to = /^\s*to\s*=\s*([a-z0-9_]+)\.([a-z0-9_]+)(?:\[0\])?\s*$/m.exec(block);
    const id = /^\s*id\s*=\s*("(?:[^"\\]|\\.)*")\s*$/m.exec(block);
    if (to && id) out.push({ type: to[1]!, address: `${to[1]}.${to[2]}`, importId: JSON.parse(id[1]!) as string, block });
  }
  return out;
}

const ZERO_VALUE = /^\s+[A-Za-z0-9_]+\s+=\s+(?:""|0|false|null)$/;

/**
 * The tool's generated configuration made valid and environment-scoped: it writes every
 * attribute, defaults included, and some defaults fail the provider's own validation (an empty
 * `name_prefix` beside `name`, `signature_version = 0`). So top-level attributes at their zero
 * value, nested blocks holding nothing but zero values, the computed `tags_all` and the
 * provider-level `region` are dropped (each then takes its default, which is what it was), and
 * each resource gets `count` on the environment's condition. Whatever still differs shows in
 * the preview as a difference to resolve.
 */
export function cleanGeneratedConfig(text: string, condition: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^# __generated__ by|^# Please review these resources/.test(line)) continue;
    const open = /^ {2}([A-Za-z0-9_]+)( = \{| \{)$/.exec(line);
    if (open) {
      let end = i + 1;
      while (end < lines.length && lines[end] !== '  }') end++;
      const body = lines.slice(i + 1, end);
      const drop = open[1] === 'tags_all' || (open[2] === ' {' && body.length > 0 && body.every((l) => ZERO_VALUE.test(l)));
      if (!drop) out.push(...lines.slice(i, end + 1));
      i = end;
      continue;
    }
    if (/^ {2}[A-Za-z0-9_]+\s+=\s+(?:""|0|false|null)$/.test(line) || /^ {2}region\s+=/.test(line)) continue;
    out.push(line);
    if (/^resource "[^"]+" "[^"]+" \{$/.test(line)) out.push(`  count = ${condition} ? 1 : 0`);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
}

/** A file faber-cloud may rewrite: absent, or marked as its own on the first line. */
async function ownFile(file: string, display: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text !== undefined && !text.startsWith(ADOPT_MARKER)) {
    throw new ConfigError('E_CONFIG_ADOPT_FILE_CONFLICT', `${display} exists and was not written by faber-cloud infra adopt; it is left as it is`, {
      hint: 'rename or move that file (faber-cloud never overwrites a file of yours), then run infra adopt again',
    });
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// The command

export interface AdoptRequest {
  env: string;
  /** List what would be adopted; write nothing, plan nothing. */
  dryRun?: boolean;
  confirm?: string;
  profile?: string;
}

export interface AdoptResult {
  env: string;
  dry_run: boolean;
  /** New resources to adopt (written to the imports file unless dry run). */
  adopted: AdoptionTarget[];
  /** Found, already written by an earlier adopt, not deployed yet. */
  pending: string[];
  /** Found and already in state. */
  managed: number;
  not_adopted: NotAdopted[];
  /** Service listings that could not be read. */
  skipped: { service: string; reason: string }[];
  /** The files written, relative to the project root (none when nothing was written). */
  files: string[];
  /** The preview of the plan with the imports (null when nothing was written). */
  plan: { plan_id: string; digest: PlanDigest } | null;
  /** Addresses the plan imports. */
  imports: string[];
  /** Changes to adopted resources besides the import, and adopted resources the plan does not import: to resolve before deploying. */
  differences: PlannedChange[];
  not_imported: string[];
  /** Changes of other resources the same plan would make (code not deployed yet). */
  other_changes: PlannedChange[];
  identity: CallerIdentity;
  next_command: string | null;
}

function guardWrite(view: EnvironmentConfigView, production: boolean, request: AdoptRequest): void {
  if (request.dryRun || !(production || view.environment.require_confirmation)) return;
  if (request.confirm === undefined) {
    throw new GuardError('E_GUARD_CONFIRMATION_REQUIRED', `adopting into '${view.name}' writes import blocks for it: it needs --confirm ${view.name}`, {
      hint: `list the candidates first with faber-cloud infra adopt --env ${view.name} --dry-run`,
    });
  }
  if (request.confirm !== view.name) {
    throw new GuardError('E_GUARD_CONFIRMATION_MISMATCH', `--confirm ${request.confirm} does not name the environment '${view.name}'`, { hint: `pass --confirm ${view.name}` });
  }
}

export async function adopt(cwd: string, request: AdoptRequest, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<AdoptResult> {
  const view = await loadEnvironment(cwd, request.env, processEnv);
  const directory = await iacDirectory(view);
  await checkEnvironmentWrites(view, 'preview');
  const authorization = authorize(view.config, { operation: 'preview', env: request.env, ...(request.profile ? { profile: request.profile } : {}) });
  guardWrite(view, authorization.production, request);
  await validateBeforeMutation('infra adopt', view.paths, view.name);
  const open = await openEnvironment(view, authorization.profile, processEnv);
  const adoption = open.iac.adoption;
  if (!adoption) {
    throw new ConfigError('E_CONFIG_ADOPT_UNSUPPORTED', `infra adopt writes Terraform import blocks; '${view.name}' deploys with ${open.iac.name}`, {
      hint: 'import existing resources into a CloudFormation stack with a resource import change set (outside faber-cloud for now)',
    });
  }
  const source = iacSource(view.config, view.name);
  const scope = await directoryScope(view.paths.root, source.directory, source.allowOutsideProject, `${source.what} (${source.configKey})`);
  const files = adoptFiles(directory, view.name);
  let scoped: { condition: string; declarations: string } | undefined;
  if (!request.dryRun) {
    scoped = await writableScope(adoption);
    for (const file of [files.imports, files.config, files.shared]) await checkWritePath(scope, file, 'file');
  }
  const existingImports = await ownFile(files.imports, view.display(files.imports));
  const existingConfig = await ownFile(files.config, view.display(files.config));
  const existingShared = await ownFile(files.shared, view.display(files.shared));
  const identity = await identify(open, authorization, report);
  const namePrefix = resourceNamePrefix(view.config.resource_naming.pattern, { project: view.config.project.name, subsystem: view.config.project.subsystem, environment: view.name });
  if (!namePrefix) report(warning('LIFECYCLE_WARNING', 'the naming pattern does not end with {resource}: resources are found by their tags only'));

  const found = await withLock(open.envPaths.lockFile, 'infra adopt', open.paths, async () => {
    await ensureDirectory(open.paths, open.envPaths.plansDir);
    report(step('LIFECYCLE_STEP', 'initialising'));
    await open.iac.init();
    const state = await open.iac.showState();
    const tags = { Project: view.config.project.name, Environment: view.name };
    report(step('LIFECYCLE_STEP', `looking for resources tagged Project=${tags.Project}, Environment=${tags.Environment}${namePrefix ? ` or named ${namePrefix}*` : ''}`));
    const listing: AdoptionListing = await open.hosting
      .adoptionCandidates({ profile: authorization.profile, region: open.region, account: identity.account, partition: identity.partition, tags, namePrefix })
      .catch((error: unknown) => {
        throw listingError(error, view.name);
      });
    for (const s of listing.skipped) report(warning('LIFECYCLE_WARNING', `not listed: ${s.service} (${s.reason})`));
    const written = parseImports(existingImports ?? '');
    const taken = new Set([...state.map((r) => r.address.replace(/\[[^\]]*\]$/, '')), ...written.map((w) => w.address)]);
    const classified = classifyFound(listing.resources, state, written, view.name, namePrefix, taken);
    if (request.dryRun || classified.targets.length === 0) return { ...classified, skipped: listing.skipped, files: [] as string[], written };
    report(step('LIFECYCLE_STEP', `writing import blocks for ${classified.targets.length} resource(s) and generating their configuration`));
    const wrote = await writeAdoption(open.envPaths.plansDir, scope, files, view.name, scoped!, adoption, classified.targets, { imports: existingImports, config: existingConfig, shared: existingShared }, written);
    return { ...classified, skipped: listing.skipped, files: wrote.map((f) => view.display(f)), written };
  });

  const base = {
    env: view.name,
    dry_run: request.dryRun === true,
    adopted: found.targets,
    pending: found.pending,
    managed: found.managed.length,
    not_adopted: found.notAdopted,
    skipped: found.skipped,
    files: found.files,
    identity,
  };
  const confirm = authorization.production || view.environment.require_confirmation ? ` --confirm ${view.name}` : '';
  if (found.files.length === 0) {
    const next = request.dryRun && found.targets.length > 0 ? `faber-cloud infra adopt --env ${view.name}${confirm}` : found.pending.length > 0 ? `faber-cloud infra preview --env ${view.name}` : null;
    return { ...base, plan: null, imports: [], differences: [], not_imported: [], other_changes: [], next_command: next };
  }

  // The proof: a preview of the plan with the imports, saved like any preview (deployable by its id).
  const previewed = await preview(cwd, { env: view.name, ...(request.profile ? { profile: request.profile } : {}) }, processEnv, report).catch((error: unknown) => {
    // The files stay (they are what needs fixing): the error names them.
    if (error instanceof OperationError && error.code === 'E_IAC_FAILED') {
      throw new OperationError('E_IAC_FAILED', `the preview with the adopted resources failed: ${error.message}`, {
        hint: `fix the generated configuration in ${found.files.join(' and ')} (or delete both files), then run faber-cloud infra preview --env ${view.name}`,
        cause: error,
        ...(error.details !== undefined ? { details: error.details as Record<string, unknown> } : {}),
      });
    }
    throw error;
  });
  const adoptedAddresses = new Set([...found.targets.map((t) => `${t.address}[0]`), ...found.written.map((w) => `${w.address}[0]`)]);
  const { imports, differences, notImported, otherChanges } = judgePlan(previewed.digest, adoptedAddresses);
  const clean = differences.length === 0 && notImported.length === 0 && otherChanges.length === 0;
  return {
    ...base,
    plan: { plan_id: previewed.planId, digest: previewed.digest },
    imports,
    differences,
    not_imported: notImported,
    other_changes: otherChanges,
    next_command: clean ? previewed.nextCommand : null,
  };
}

/** The tag index could not be read: a denial or rejected credentials need a person; anything else failed. */
function listingError(error: unknown, env: string): Error {
  if (!isProviderCallError(error)) return error instanceof Error ? error : new OperationError('E_AWS_TAGGING', String(error));
  const { failure } = error;
  if (failure.reason === 'permission-denied') {
    return new NeedsHumanError('E_PERMISSION_DENIED', `finding the resources of '${env}' needs ${failure.action}, which the deploy profile may not call: ${failure.message}`, {
      hint: `grant ${failure.action} (read-only) to the deploy profile, or list with a profile that has it (--profile)`,
      details: { failure },
    });
  }
  if (failure.reason === 'credentials') return new NeedsHumanError('E_AWS_CREDENTIALS', `the credentials were rejected listing resources: ${failure.message}`, { details: { failure } });
  return new OperationError('E_AWS_TAGGING', `listing the resources of '${env}' by tag failed: ${failure.message}`, { cause: error, details: { failure } });
}

/** Why this binary cannot scope import blocks (refused before anything is written), or the environment's scope. */
async function writableScope(adoption: IacAdoption): Promise<{ condition: string; declarations: string }> {
  const unsupported = await adoption.unsupported();
  if (unsupported) throw new ConfigError('E_CONFIG_ADOPT_UNSUPPORTED', unsupported, { hint: 'use OpenTofu or Terraform 1.7 or later (faber-cloud infra adopt --dry-run still lists the candidates)' });
  return adoption.scope();
}

/** What the plan does to the adopted addresses (only an import is expected) and to everything else. */
export function judgePlan(digest: PlanDigest, adopted: ReadonlySet<string>): { imports: string[]; differences: PlannedChange[]; notImported: string[]; otherChanges: PlannedChange[] } {
  const imports = digest.changes.filter((c) => c.importing && adopted.has(c.address)).map((c) => c.address).sort();
  const differences = digest.changes.filter((c) => adopted.has(c.address) && c.action !== 'no-op');
  const notImported = [...adopted].filter((a) => !imports.includes(a)).sort();
  const otherChanges = digest.changes.filter((c) => !adopted.has(c.address) && (c.action !== 'no-op' || c.importing));
  return { imports, differences, notImported, otherChanges };
}

/**
 * Write the shared declarations (when missing or different) and the import blocks, let the tool
 * generate configuration for the new ones (into a fresh file under the plans directory: the tool
 * refuses to overwrite one), clean and scope it, and write the marked files. A failure puts the
 * imports and shared files back as they were.
 */
async function writeAdoption(
  plansDir: string,
  scope: WriteScope,
  files: AdoptFiles,
  env: string,
  scoped: { condition: string; declarations: string },
  adoption: IacAdoption,
  targets: readonly AdoptionTarget[],
  existing: { imports: string | undefined; config: string | undefined; shared: string | undefined },
  written: readonly { block: string }[],
): Promise<string[]> {
  const kept = written.map((w) => w.block);
  const shared = renderShared(scoped.declarations);
  const restore = async (file: string, text: string | undefined) => (text === undefined ? rm(file, { force: true }) : writeTextAtomic(file, text, scope));
  if (existing.shared !== shared) await writeTextAtomic(files.shared, shared, scope);
  // Unscoped for the generation only: the tool generates configuration for a plain address.
  await writeTextAtomic(files.imports, renderImports(env, [...kept, ...targets.map((t) => importBlock(t, undefined))]), scope);
  const generated = path.join(plansDir, `.adopt-${randomBytes(4).toString('hex')}.tf`);
  let config: string;
  try {
    await adoption.generateConfig(generated);
    config = await readFile(generated, 'utf8');
  } catch (error) {
    await restore(files.imports, existing.imports);
    if (existing.shared !== shared) await restore(files.shared, existing.shared);
    throw error;
  } finally {
    await rm(generated, { force: true });
  }
  const previous = existing.config ? existing.config.trimEnd() + '\n\n' : `${header(env, 'configuration generated by the IaC tool, then cleaned')}\n`;
  await writeTextAtomic(files.config, previous + cleanGeneratedConfig(config, scoped.condition), scope);
  await writeTextAtomic(files.imports, renderImports(env, [...kept, ...targets.map((t) => importBlock(t, scoped.condition))]), scope);
  return existing.shared === shared ? [files.imports, files.config] : [files.shared, files.imports, files.config];
}
