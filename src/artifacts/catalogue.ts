/**
 * The artifact catalogue: every file a command reads or writes under
 * `.fractary/plugins/faber-cloud/`, with where it lives, its format, how its content is judged,
 * and which commands read or write it. Commands call `validateBeforeMutation` with their name
 * before any mutation (an apply, a grant, an AWS call that changes something, a file write),
 * so a damaged record stops the command with exit 2 before it changes anything, instead of
 * after the change with nothing recorded (issue 13, defect 4).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { checkDesignStructure } from '../design/design-file.js';
import { IssueLogSchema, ISSUE_LOG_SCHEMA_VERSION } from '../debugger/issue-log.js';
import { HistoryEntrySchema, RunningRecordSchema } from '../infra/history.js';
import { PLAN_RECORD_FILE, PlanRecordSchema } from '../infra/plan-record.js';
import { parseTestResult, TEST_RESULT_FILE } from '../infra/testing/results.js';
import { AUDIT_SCHEMA_VERSION, AuditLogSchema } from '../permissions/audit.js';
import { LEARNED_SCHEMA_VERSION, LearnedLogSchema } from '../permissions/learned.js';
import { isRegistryShape, REGISTRY_SCHEMA_VERSION } from '../registry/registry.js';
import { RegistrySchema } from '../registry/schema.js';
import { parseJsonLines, parseJsonRecord, parseJsonText, restoreHint, validateRecord } from '../core/artifact-content.js';
import { ArtifactError } from '../core/errors.js';
import type { ProjectPaths } from '../core/paths.js';

export type ArtifactName =
  | 'registry'
  | 'history'
  | 'iam-audit'
  | 'issue-log'
  | 'running-record'
  | 'lock-holder'
  | 'deployed-md'
  | 'plans'
  | 'designs'
  | 'incidents'
  | 'test-results'
  | 'learned-permissions';

/**
 * How a command uses an artifact:
 * - `read`: reads it (or every file of a collection); bad content is an error of the artifact.
 * - `write`: rewrites or appends to it: validated before the command's first mutation.
 * - `create`: adds new files to a collection and never rewrites existing ones.
 * - `read-named`: reads (or creates) only the file its command line names (`--plan ID`, `--design SLUG`).
 * - `generate`: writes it from other artifacts, replacing whatever is there (DEPLOYED.md).
 */
export type ArtifactAccess = 'read' | 'write' | 'create' | 'read-named' | 'generate';

export interface ArtifactSpec {
  name: ArtifactName;
  /** One file per project, or per environment. */
  scope: 'project' | 'env';
  /** A single file, or a directory of files (one per plan, design, run). */
  kind: 'file' | 'collection';
  format: 'json' | 'jsonl' | 'markdown' | 'markdown+json';
  /** The file, or the collection's directory. */
  path(paths: ProjectPaths, env: string): string;
  /** Collection: which names in the directory are its files. */
  member?: RegExp;
  /** The schema_version this CLI reads, when the record carries one. */
  schemaVersion?: number;
  /** Judge one file's text; throws a FaberError of `errorCode` naming the file (and line). Absent: generated, not judged. */
  validate?(text: string, displayPath: string): unknown;
  /** What bad content gives: E_ARTIFACT_CORRUPT, except for designs (authored by people; E_DESIGN_INVALID lists every problem). */
  errorCode: 'E_ARTIFACT_CORRUPT' | 'E_DESIGN_INVALID';
  /** Which commands use it, and how (command names as in the registry, e.g. `infra deploy`). */
  usedBy: Readonly<Record<string, ArtifactAccess>>;
}

/** `<lock>.json` beside the environment lock directory (see core/files/lock.ts); extra fields are the lock module's. */
export const LockHolderSchema = z.looseObject({
  pid: z.number().int().positive(),
  host: z.string(),
  command: z.string(),
  started_at: z.string(),
  lock_id: z.string().optional(),
});

/** The fields of an incident report (ops/investigate.ts) a reader relies on; the rest is the report. */
const IncidentRecordSchema = z.looseObject({
  schema_version: z.literal(1),
  id: z.string(),
  created_at: z.string(),
  env: z.string(),
  issue: z.string(),
  summary: z.string(),
});

const DEPLOY = { 'infra deploy': 'write', 'infra destroy': 'write' } as const;

export const ARTIFACTS: readonly ArtifactSpec[] = [
  {
    name: 'registry',
    scope: 'env',
    kind: 'file',
    format: 'json',
    path: (p, env) => p.env(env).registryFile,
    schemaVersion: REGISTRY_SCHEMA_VERSION,
    validate: (text, display) => {
      const data = parseJsonText(text, display);
      // The registry's fast structural check first (large registries), zod for the verdict.
      return isRegistryShape(data) ? data : validateRecord(data, display, { what: 'a registry', schema: RegistrySchema, schemaVersion: REGISTRY_SCHEMA_VERSION });
    },
    errorCode: 'E_ARTIFACT_CORRUPT',
    usedBy: { ...DEPLOY, 'infra drift': 'write', 'infra show-resources': 'read', 'infra test': 'read', 'ops check-health': 'read', 'ops investigate': 'read', 'ops audit': 'read', 'ops remediate': 'read' },
  },
  {
    name: 'history',
    scope: 'env',
    kind: 'file',
    format: 'jsonl',
    path: (p, env) => p.env(env).historyFile,
    validate: (text, display) => parseJsonLines(text, display, { what: 'a history entry', schema: HistoryEntrySchema }),
    errorCode: 'E_ARTIFACT_CORRUPT',
    usedBy: { ...DEPLOY, 'infra drift': 'write', 'ops remediate': 'write', 'infra history': 'read', 'infra debug': 'read', 'ops investigate': 'read' },
  },
  {
    name: 'iam-audit',
    scope: 'project',
    kind: 'file',
    format: 'json',
    path: (p) => p.iamAuditFile,
    schemaVersion: AUDIT_SCHEMA_VERSION,
    validate: (text, display) => parseJsonRecord(text, display, { what: 'an IAM audit log', schema: AuditLogSchema, schemaVersion: AUDIT_SCHEMA_VERSION }),
    errorCode: 'E_ARTIFACT_CORRUPT',
    // A deploy's auto-fix grants write it.
    usedBy: { ...DEPLOY, 'permissions grant': 'write', 'permissions audit': 'read' },
  },
  {
    name: 'issue-log',
    scope: 'project',
    kind: 'file',
    format: 'json',
    path: (p) => p.issueLogFile,
    schemaVersion: ISSUE_LOG_SCHEMA_VERSION,
    validate: (text, display) => parseJsonRecord(text, display, { what: 'an issue log', schema: IssueLogSchema, schemaVersion: ISSUE_LOG_SCHEMA_VERSION }),
    errorCode: 'E_ARTIFACT_CORRUPT',
    // A failed deploy is counted in it; a success settles applied solutions.
    usedBy: { ...DEPLOY, 'infra debug': 'write', 'ops investigate': 'read' },
  },
  {
    name: 'learned-permissions',
    scope: 'project',
    kind: 'file',
    format: 'json',
    path: (p) => p.learnedPermissionsFile,
    schemaVersion: LEARNED_SCHEMA_VERSION,
    validate: (text, display) => parseJsonRecord(text, display, { what: 'a learned-permissions log', schema: LearnedLogSchema, schemaVersion: LEARNED_SCHEMA_VERSION }),
    errorCode: 'E_ARTIFACT_CORRUPT',
    // Auto-fix grants add to it; every preflight reads it.
    usedBy: { ...DEPLOY, 'infra preview': 'read', 'permissions preflight': 'read' },
  },
  {
    name: 'running-record',
    scope: 'env',
    kind: 'file',
    format: 'json',
    path: (p, env) => p.env(env).runFile,
    validate: (text, display) => parseJsonRecord(text, display, { what: 'a running-deploy record', schema: RunningRecordSchema }),
    errorCode: 'E_ARTIFACT_CORRUPT',
    usedBy: { ...DEPLOY },
  },
  {
    name: 'lock-holder',
    scope: 'env',
    kind: 'file',
    format: 'json',
    path: (p, env) => `${p.env(env).lockFile}.json`,
    validate: (text, display) => parseJsonRecord(text, display, { what: 'a lock holder record', schema: LockHolderSchema }),
    errorCode: 'E_ARTIFACT_CORRUPT',
    // Every command that takes the environment lock records itself there.
    usedBy: { ...DEPLOY, 'infra drift': 'write', 'infra adopt': 'write', 'infra preview': 'write', 'infra test': 'write', 'ops remediate': 'write' },
  },
  {
    name: 'deployed-md',
    scope: 'env',
    kind: 'file',
    format: 'markdown',
    path: (p, env) => p.env(env).deployedMarkdownFile,
    // Generated from the registry and history (marked so in its first line): replaced, never read.
    errorCode: 'E_ARTIFACT_CORRUPT',
    usedBy: { 'infra deploy': 'generate', 'infra destroy': 'generate', 'infra drift': 'generate' },
  },
  {
    name: 'plans',
    scope: 'env',
    kind: 'collection',
    format: 'json',
    path: (p, env) => p.env(env).plansDir,
    member: PLAN_RECORD_FILE,
    validate: (text, display) => parseJsonRecord(text, display, { what: 'a saved plan record', schema: PlanRecordSchema }),
    errorCode: 'E_ARTIFACT_CORRUPT',
    // --plan ID reads plans/ID.json (what was reviewed) before applying plans/ID.tfplan.
    usedBy: { 'infra preview': 'create', 'infra adopt': 'create', 'infra test': 'read-named', 'infra deploy': 'read-named', 'infra destroy': 'read-named' },
  },
  {
    name: 'designs',
    scope: 'project',
    kind: 'collection',
    format: 'markdown+json',
    path: (p) => p.designsDir,
    member: /^[a-z][a-z0-9-]*\.md$/,
    validate: (text, display) => checkDesignStructure(text, display),
    errorCode: 'E_DESIGN_INVALID',
    usedBy: { 'infra architect': 'create', 'infra engineer': 'read-named' },
  },
  {
    name: 'incidents',
    scope: 'project',
    kind: 'collection',
    format: 'json',
    path: (p) => p.incidentsDir,
    member: /\.json$/,
    schemaVersion: 1,
    validate: (text, display) => parseJsonRecord(text, display, { what: 'an incident report', schema: IncidentRecordSchema, schemaVersion: 1 }),
    errorCode: 'E_ARTIFACT_CORRUPT',
    // Each investigation is a new pair of files; none is read back.
    usedBy: { 'ops investigate': 'create' },
  },
  {
    name: 'test-results',
    scope: 'env',
    kind: 'collection',
    format: 'json',
    path: (p, env) => p.env(env).testsDir,
    member: TEST_RESULT_FILE,
    schemaVersion: 1,
    validate: (text, display) => parseTestResult(text, display),
    errorCode: 'E_ARTIFACT_CORRUPT',
    // A deploy's history entry summarises the results saved since the previous entry.
    usedBy: { 'infra test': 'create', 'infra deploy': 'read', 'infra destroy': 'read' },
  },
];

export function artifact(name: ArtifactName): ArtifactSpec {
  const spec = ARTIFACTS.find((a) => a.name === name);
  if (!spec) throw new Error(`no artifact ${name}`);
  return spec;
}

async function readIfThere(file: string, display: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ArtifactError(`${display} cannot be read: ${(error as Error).message}`, { hint: restoreHint(display), details: { file: display } });
  }
}

/** Judge one file of an artifact; a missing file is fine (nothing recorded yet). */
export async function validateArtifactFile(spec: ArtifactSpec, file: string, display: string): Promise<void> {
  if (!spec.validate) return;
  const text = await readIfThere(file, display);
  if (text === undefined) return;
  spec.validate(text, display);
}

/** Judge an artifact of the project (env-scoped ones need `env`): the file, or every file of the collection. */
export async function validateArtifact(paths: ProjectPaths, name: ArtifactName, env?: string): Promise<void> {
  const spec = artifact(name);
  if (spec.scope === 'env' && env === undefined) return;
  const where = spec.path(paths, env ?? '');
  const display = (file: string) => path.relative(paths.root, file) || '.';
  if (spec.kind === 'file') return validateArtifactFile(spec, where, display(where));
  const names = await readdir(where).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [] as string[];
    throw new ArtifactError(`${display(where)} cannot be read: ${error.message}`, { hint: restoreHint(display(where)) });
  });
  for (const member of names.filter((n) => spec.member?.test(n) ?? true).sort()) {
    await validateArtifactFile(spec, path.join(where, member), display(path.join(where, member)));
  }
}

/** The saved plan record `--plan ID` names, judged before its plan is applied or tested. */
export async function validatePlanRecord(paths: ProjectPaths, env: string, planId: string): Promise<void> {
  const spec = artifact('plans');
  if (!spec.member?.test(`${planId}.json`)) return; // not a plan id: the caller's usage error says so
  const file = path.join(spec.path(paths, env), `${planId}.json`);
  await validateArtifactFile(spec, file, path.relative(paths.root, file));
}

/** The artifacts `command` rewrites, appends to, or reads in the course of a mutation. */
export function artifactsCheckedBefore(command: string): ArtifactName[] {
  return ARTIFACTS.filter((a) => a.validate && (a.usedBy[command] === 'write' || a.usedBy[command] === 'read')).map((a) => a.name);
}

/**
 * The one "validate what I will write" step: every artifact `command` writes or reads, judged
 * before its first mutation. Throws the artifact's error (exit 2) and changes nothing.
 */
export async function validateBeforeMutation(command: string, paths: ProjectPaths, env?: string): Promise<void> {
  const names = artifactsCheckedBefore(command);
  // A command name the catalogue does not know would check nothing: a bug, not a pass.
  if (names.length === 0) throw new Error(`the artifact catalogue lists nothing for '${command}'`);
  for (const name of names) await validateArtifact(paths, name, env);
}
