/**
 * Permission preflight (issue 16): from a saved plan (the IaC tool's JSON plan), the IAM
 * actions x resources the apply will need, and which of them the deploy principal's identity
 * policies already allow, evaluated with @cloud-copilot/iam-simulate (explicit denies and a
 * permissions boundary honoured). Pure: the policies are read by the caller (the hosting
 * handler), nothing here calls AWS or writes a file.
 *
 * What an apply needs per resource change: create = the map's create (+ its create_if actions
 * of each attribute the plan sets: settings the provider applies only when given, tag-on-create,
 * iam:PassRole; + the update actions of each attribute the plan sets, for types whose create
 * calls their update) + read (the provider
 * reads back what it made); update = the map's update `*` + the actions of each changed attribute
 * + read; delete = delete; replace = both. No-op and data-source reads need nothing at apply.
 * Resources: the plan's own ARN where the plan knows it and the action's resource type fits it
 * (else the ARN of a resource it refers to that fits: PassRole on a function's role), else
 * where a grant would be scoped (the environment's name pattern), `*` only for actions AWS
 * authorizes on `*` alone. Resource types the map does not know are listed, never guessed.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { PrincipalPolicies } from '../handlers/hosting/types.js';
import { parseArn } from '../handlers/hosting/aws/arn.js';
import { iamCatalogue } from '../handlers/hosting/aws/iam-catalogue.js';
import { actionMap as bundledMap, type ActionMap, type ActionMapEntry } from './action-map.js';
import { arnMatches, environmentNamePattern, grantScopeFor, type GrantContext } from './grant-plan.js';

export type ChangeKind = 'create' | 'update' | 'delete';

/** What a resource change needs, learned from auto-fix grants (see ./learned.ts). */
export interface LearnedAction {
  type: string;
  change: ChangeKind;
  action: string;
}

export interface NeededPermission {
  action: string;
  /** The ARN (or pattern, or `*`) evaluated and, when missing, granted on. */
  resource: string;
  /** plan-arn: the plan names it; environment-pattern: where a grant is scoped; wildcard-only: the action supports only `*`. */
  scope: 'plan-arn' | 'environment-pattern' | 'wildcard-only';
  /** `type:change` pairs that need it. */
  needed_by: string[];
  addresses: string[];
  /** map: the generated action map; learned: an earlier auto-fix grant for the same type and change. */
  source: 'map' | 'learned';
  status: 'held' | 'missing' | 'denied';
  /** Why it cannot be granted within the environment's scope (it is still listed as missing). */
  out_of_scope?: string;
}

export interface UnknownType {
  type: string;
  addresses: string[];
  /** not-in-map: the map has no such type; unmapped-operations: some of its operations have no known IAM action. */
  why: 'not-in-map' | 'unmapped-operations';
  operations?: string[];
}

export interface PreflightReport {
  principal: string;
  needed: NeededPermission[];
  summary: { needed: number; held: number; missing: number; denied: number; resource_changes: number };
  unknown_types: UnknownType[];
  /** What the evaluation could not take into account (an unreadable boundary, …). */
  notes: string[];
  map: { provider: string; version: string };
}

/** One resource change as preflight reads it. */
export interface PreflightChange {
  address: string;
  type: string;
  kinds: ChangeKind[];
  /** create: the attributes the plan sets; update: the attributes that change. */
  attributes: string[];
  /** Planned values where known (for the resource's own ARN). */
  values?: Record<string, unknown>;
  /** Attribute -> addresses it refers to (a bucket's companion resources name their bucket this way). */
  references?: Record<string, string[]>;
  /** The actions the IaC handler states this change needs (a CloudFormation stack's own), instead of the map's. */
  needs?: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The change kinds a plan action list stands for (replace = delete + create). */
function kindsOf(actions: unknown): ChangeKind[] {
  if (!Array.isArray(actions)) return [];
  const kinds = new Set<ChangeKind>();
  for (const a of actions) if (a === 'create' || a === 'update' || a === 'delete') kinds.add(a);
  return [...kinds];
}

/**
 * Top-level attributes a create sets: a planned value that is not null or empty, or a value
 * known only after apply that the configuration gives (it refers to something). A computed
 * attribute the configuration does not set is unknown too, but the provider does not write it.
 */
export function attributesSet(values: Record<string, unknown>, unknown: readonly string[] = [], references: Record<string, string[]> = {}): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(values)) if (v !== null && v !== false && v !== '' && !(Array.isArray(v) && v.length === 0) && !(isObject(v) && Object.keys(v).length === 0)) out.add(k);
  for (const path of unknown) {
    const top = path.split('.')[0] as string;
    if ((references[top] ?? []).length > 0) out.add(top);
  }
  return [...out].sort();
}

/**
 * The managed AWS resource changes of a saved plan record (the redacted plan: address, type,
 * actions, changed attribute names), with the planned values where the caller has them
 * (`planned`: from the IaC tool's plan, by address; their set attributes replace the record's
 * changed attributes for a create, which count a null as a change).
 */
export function changesOfPlan(plan: unknown, planned?: ReadonlyMap<string, { values: Record<string, unknown>; unknown: readonly string[]; references?: Record<string, string[]> }>): PreflightChange[] {
  const list = isObject(plan) && Array.isArray(plan.resource_changes) ? plan.resource_changes : [];
  const out: PreflightChange[] = [];
  for (const rc of list) {
    if (!isObject(rc) || rc.mode !== 'managed' || typeof rc.type !== 'string' || typeof rc.address !== 'string') continue;
    // The record names no provider: AWS resource types are the aws_ ones (and CloudFormation's
    // AWS:: types the IaC handler has no neutral type for: listed as unknown, never guessed).
    if (!rc.type.startsWith('aws_') && !rc.type.startsWith('AWS::')) continue;
    const change = isObject(rc.change) ? rc.change : undefined;
    const kinds = kindsOf(rc.actions ?? change?.actions);
    if (kinds.length === 0) continue;
    // A change the handler names itself (a stack) carries its name in the record: not a secret.
    const values = planned?.get(rc.address) ?? (typeof rc.name === 'string' ? { values: { name: rc.name }, unknown: [] } : undefined);
    const needs = Array.isArray(rc.needs) ? rc.needs.filter((a): a is string => typeof a === 'string') : undefined;
    const changed = Array.isArray(rc.changed_attributes) ? rc.changed_attributes.filter((a): a is string => typeof a === 'string') : [];
    // A create writes the attributes it sets: from the planned values, else from the record's
    // set_attributes (changed_attributes of a create also counts nulls).
    const recorded = Array.isArray(rc.set_attributes) ? rc.set_attributes.filter((a): a is string => typeof a === 'string') : undefined;
    const attributes = kinds.includes('create') ? (values ? attributesSet(values.values, values.unknown, values.references) : (recorded ?? changed)) : changed;
    out.push({ address: rc.address, type: rc.type, kinds, attributes, ...(values ? { values: values.values } : {}), ...(values?.references ? { references: values.references } : {}), ...(needs ? { needs } : {}) });
  }
  return out;
}

function actionsFor(entry: ActionMapEntry, kind: ChangeKind, change: PreflightChange): string[] {
  const update = entry.update ?? {};
  const byAttributes = (attrs: string[]) => attrs.flatMap((a) => update[a] ?? []);
  if (kind === 'delete') return entry.delete;
  if (kind === 'create') {
    // The update a create calls applies settings; tags went with the create (tag-on-create,
    // create_if) and the map's update.tags are the tag interceptor's, which a create does not run.
    const extra = entry.create_calls_update ? [...(update['*'] ?? []), ...byAttributes(change.attributes.filter((a) => a !== 'tags' && a !== 'tags_all'))] : [];
    const conditional = change.attributes.flatMap((a) => entry.create_if?.[a] ?? []);
    return [...entry.create, ...conditional, ...extra, ...entry.read];
  }
  return [...(update['*'] ?? []), ...byAttributes(change.attributes), ...entry.read];
}

/**
 * The plan's own ARN for a resource, where its planned values give one. With `pattern`, a type
 * whose ARN is built from its name gets that ARN with the environment's name pattern when the
 * name is not known (the resource's own kind of ARN, not every resource type of each action).
 */
function planArn(change: PreflightChange, ctx: GrantContext, pattern?: string): string | undefined {
  const v = change.values ?? {};
  if (typeof v.arn === 'string' && parseArn(v.arn)) return v.arn;
  const type = change.type;
  const p = ctx.partition;
  const name = (key: string) => (typeof v[key] === 'string' && (v[key] as string).length > 0 ? (v[key] as string) : pattern);
  // Types whose ARN follows from a name the plan already knows before the resource exists.
  if (type === 'aws_s3_bucket' || type.startsWith('aws_s3_bucket_')) {
    const bucket = name('bucket');
    return bucket ? `arn:${p}:s3:::${bucket}` : undefined;
  }
  const named: Record<string, (n: string) => string> = {
    aws_iam_role: (n) => `arn:${p}:iam::${ctx.accountId}:role/${n}`,
    aws_iam_policy: (n) => `arn:${p}:iam::${ctx.accountId}:policy/${n}`,
    aws_lambda_function: (n) => `arn:${p}:lambda:${ctx.region}:${ctx.accountId}:function:${n}`,
    aws_dynamodb_table: (n) => `arn:${p}:dynamodb:${ctx.region}:${ctx.accountId}:table/${n}`,
    aws_sqs_queue: (n) => `arn:${p}:sqs:${ctx.region}:${ctx.accountId}:${n}`,
    aws_sns_topic: (n) => `arn:${p}:sns:${ctx.region}:${ctx.accountId}:${n}`,
    aws_cloudwatch_log_group: (n) => `arn:${p}:logs:${ctx.region}:${ctx.accountId}:log-group:${n}`,
    aws_cloudformation_stack: (n) => `arn:${p}:cloudformation:${ctx.region}:${ctx.accountId}:stack/${n}/*`,
  };
  const n = name(type === 'aws_lambda_function' ? 'function_name' : 'name');
  const build = named[type];
  return n && build ? build(n) : undefined;
}

/** Attributes through which a companion resource names the resource it configures. */
const COMPANION_ATTRIBUTES = ['bucket', 'function_name', 'role', 'table_name', 'queue_url', 'topic_arn', 'log_group_name'];

/**
 * A companion resource whose own name is known only after apply (aws_s3_bucket_versioning's
 * bucket = aws_s3_bucket.x.id) acts on the resource it refers to: that resource's ARN.
 */
function referencedArn(change: PreflightChange, byAddress: ReadonlyMap<string, PreflightChange>, ctx: GrantContext): string | undefined {
  for (const attr of COMPANION_ATTRIBUTES) {
    const arn = referencedArns(change, byAddress, ctx, [attr])[0];
    if (arn) return arn;
  }
  return undefined;
}

/**
 * The plan ARNs of the resources a change refers to, through each attribute that names exactly
 * one (a Lambda function's `role` = aws_iam_role.x.arn): where an action acts on one of them
 * rather than on the resource itself (iam:PassRole on the role a function is given).
 */
function referencedArns(change: PreflightChange, byAddress: ReadonlyMap<string, PreflightChange>, ctx: GrantContext, attrs: readonly string[] = Object.keys(change.references ?? {}).sort()): string[] {
  const out: string[] = [];
  for (const attr of attrs) {
    const targets = change.references?.[attr] ?? [];
    if (targets.length !== 1) continue;
    const target = byAddress.get(targets[0] as string);
    const arn = target ? planArn(target, ctx) : undefined;
    if (arn && !out.includes(arn)) out.push(arn);
  }
  return out;
}

/** The action's resource-type ARN formats as patterns (cached: a plan asks the same action for many resources). */
const formatPatterns = new Map<string, Promise<RegExp[]>>();
function patternsOf(action: string): Promise<RegExp[]> {
  let patterns = formatPatterns.get(action);
  if (!patterns) {
    const [service, name] = action.split(':');
    patterns = iamCatalogue.resourceTypes(service ?? '', name ?? '').then((types) =>
      (types ?? []).filter((t) => t.arnFormat !== undefined).map((t) => wildcard((t.arnFormat as string).replace(/\$\{[^}]*\}/g, '*'), '')),
    );
    formatPatterns.set(action, patterns);
  }
  return patterns;
}

/** Whether one of the action's resource types has an ARN format that `arn` fits. */
async function fits(action: string, arn: string): Promise<boolean> {
  return (await patternsOf(action)).some((re) => re.test(arn));
}

export interface NeededInput {
  changes: readonly PreflightChange[];
  ctx: GrantContext;
  learned?: readonly LearnedAction[];
  map?: ActionMap;
}

/** Every permission the plan needs, with where it is evaluated (status `missing` until evaluated). */
export async function neededPermissions(input: NeededInput): Promise<{ needed: NeededPermission[]; unknownTypes: UnknownType[]; resourceChanges: number }> {
  const map = input.map ?? bundledMap;
  const changes = input.changes;
  const needed = new Map<string, NeededPermission>();
  const unknown = new Map<string, UnknownType>();
  const scopeCache = new Map<string, Awaited<ReturnType<typeof grantScopeFor>>>();
  const fitCache = new Map<string, boolean>();
  let counted = 0;

  const fitsCached = async (action: string, arn: string) => {
    const fitKey = `${action} ${arn}`;
    if (!fitCache.has(fitKey)) fitCache.set(fitKey, await fits(action, arn));
    return fitCache.get(fitKey) === true;
  };
  /** `arns`: the resource's own ARN first, then those it refers to; the first the action's resource types fit wins. */
  const add = async (action: string, arns: readonly (string | undefined)[], neededBy: string, address: string, source: 'map' | 'learned') => {
    let targets: { resource: string; scope: NeededPermission['scope']; outOfScope?: string }[];
    const arn = arns[0];
    let fitting: string | undefined;
    for (const candidate of arns) if (candidate !== undefined && fitting === undefined && (await fitsCached(action, candidate))) fitting = candidate;
    if (fitting !== undefined) {
      targets = [{ resource: fitting, scope: fitting.includes('*') ? 'environment-pattern' : 'plan-arn' }];
    } else {
      if (!scopeCache.has(action)) scopeCache.set(action, await grantScopeFor(action, undefined, input.ctx));
      const scoped = scopeCache.get(action);
      if (scoped === undefined) return; // not in the catalogue: the map's generator checks every action, so a learned typo only
      if ('outOfScope' in scoped) targets = [{ resource: arn ?? '*', scope: arn ? 'plan-arn' : 'wildcard-only', outOfScope: scoped.outOfScope }];
      else targets = scoped.resources.map((r) => ({ resource: r, scope: r === '*' ? 'wildcard-only' : 'environment-pattern' }));
    }
    for (const t of targets) {
      const key = `${action} ${t.resource}`;
      const entry = needed.get(key) ?? { action, resource: t.resource, scope: t.scope, needed_by: [], addresses: [], source, status: 'missing' as const, ...(t.outOfScope ? { out_of_scope: t.outOfScope } : {}) };
      if (!entry.needed_by.includes(neededBy)) entry.needed_by.push(neededBy);
      if (!entry.addresses.includes(address)) entry.addresses.push(address);
      if (source === 'map') entry.source = 'map';
      needed.set(key, entry);
    }
  };

  const byAddress = new Map(changes.map((c) => [c.address, c]));
  const namePattern = environmentNamePattern(input.ctx);
  for (const rc of changes) {
    counted++;
    const { address, kinds } = rc;
    // What the handler states a change needs replaces the map's entry for it.
    const entry: ActionMapEntry | undefined = rc.needs ? { create: rc.needs, read: [], update: { '*': rc.needs }, delete: rc.needs } : map.resources[rc.type];
    const learnedHere = (input.learned ?? []).filter((l) => l.type === rc.type && kinds.includes(l.change));
    if (!entry || entry.unmapped) {
      const u = unknown.get(rc.type) ?? { type: rc.type, addresses: [], why: entry ? 'unmapped-operations' : 'not-in-map', ...(entry?.unmapped ? { operations: entry.unmapped } : {}) };
      u.addresses.push(address);
      unknown.set(rc.type, u);
    }
    const arn = planArn(rc, input.ctx) ?? referencedArn(rc, byAddress, input.ctx) ?? planArn(rc, input.ctx, namePattern);
    const arns = [arn, ...referencedArns(rc, byAddress, input.ctx).filter((a) => a !== arn)];
    for (const kind of kinds) {
      const by = `${rc.type}:${kind}`;
      if (entry) for (const action of new Set(actionsFor(entry, kind, rc))) await add(action, arns, by, address, 'map');
      for (const l of learnedHere.filter((x) => x.change === kind)) await add(l.action, arns, by, address, 'learned');
    }
  }
  const list = [...needed.values()].sort((a, b) => (a.action === b.action ? (a.resource < b.resource ? -1 : 1) : a.action < b.action ? -1 : 1));
  return { needed: list, unknownTypes: [...unknown.values()].sort((a, b) => (a.type < b.type ? -1 : 1)), resourceChanges: counted };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wildcard = (pattern: string, flags: string) => new RegExp(`^${escapeRe(pattern).replace(/\\\*/g, '.*').replace(/\\\?/g, '.')}$`, flags);

interface CompiledStatement {
  actions: RegExp[];
  notActions: RegExp[];
  resources: RegExp[];
  notResources: RegExp[];
}

function statementsOf(document: unknown): Statement[] {
  if (!isObject(document)) return [];
  const s = document.Statement;
  return (Array.isArray(s) ? s : s === undefined ? [] : [s]).filter(isObject) as Statement[];
}

function compile(s: Statement): CompiledStatement {
  return {
    actions: list(s.Action).map((a) => wildcard(a, 'i')),
    notActions: list(s.NotAction).map((a) => wildcard(a, 'i')),
    resources: list(s.Resource).map((r) => wildcard(r, '')),
    notResources: list(s.NotResource).map((r) => wildcard(r, '')),
  };
}

/** Whether a statement can apply to `action` at all (by Action or NotAction). */
function actionCanMatch(s: CompiledStatement, action: string): boolean {
  if (s.actions.length) return s.actions.some((re) => re.test(action));
  if (s.notActions.length) return !s.notActions.some((re) => re.test(action));
  return false;
}

/**
 * Evaluate each needed permission against the principal's policies. Two requests whose
 * resource matches exactly the same Resource/NotResource patterns of the statements that can
 * apply to the action get the same answer, so each such class is simulated once (a 500-resource
 * plan needs one simulation per action and pattern class, not per resource).
 */
export async function evaluateNeeded(needed: NeededPermission[], policies: PrincipalPolicies, request: { principalArn: string; accountId: string }): Promise<NeededPermission[]> {
  const identity = policies.identity.map((p) => ({ name: p.name, policy: p.document }));
  const boundary = policies.boundary ? [{ name: policies.boundary.name, policy: policies.boundary.document }] : undefined;
  const compiled = [...policies.identity, ...(policies.boundary ? [policies.boundary] : [])].flatMap((p) => statementsOf(p.document).map(compile));
  const memo = new Map<string, NeededPermission['status']>();
  const relevantFor = new Map<string, CompiledStatement[]>();
  const out: NeededPermission[] = [];
  for (const n of needed) {
    let relevant = relevantFor.get(n.action);
    if (!relevant) {
      relevant = compiled.filter((s) => actionCanMatch(s, n.action));
      relevantFor.set(n.action, relevant);
    }
    // No statement names the action: implicitly denied, no simulation needed.
    if (relevant.length === 0) {
      out.push({ ...n, status: 'missing' });
      continue;
    }
    const signature = `${n.action.toLowerCase()}|${relevant.map((s) => (s.resources.some((re) => re.test(n.resource)) ? '1' : '0') + (s.notResources.some((re) => re.test(n.resource)) ? '1' : '0')).join('')}|${n.resource === '*' ? '*' : n.resource.includes('*') ? 'p' : 'a'}`;
    let status = memo.get(signature);
    if (status === undefined) {
      const simulation: Simulation = {
        request: {
          principal: request.principalArn,
          action: n.action,
          resource: { resource: n.resource, accountId: request.accountId },
          // faber-cloud pins S3 grants to the environment's account with aws:ResourceAccount.
          contextVariables: { 'aws:ResourceAccount': request.accountId, 'aws:PrincipalAccount': request.accountId, 'aws:PrincipalArn': request.principalArn },
        },
        identityPolicies: identity,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(boundary ? { permissionBoundaryPolicies: boundary } : {}),
      };
      const result = await runSimulation(simulation, {});
      status = result.resultType === 'error' ? 'missing' : result.overallResult === 'Allowed' ? 'held' : result.overallResult === 'ExplicitlyDenied' ? 'denied' : 'missing';
      memo.set(signature, status);
    }
    out.push({ ...n, status });
  }
  return out;
}

export function summarize(needed: readonly NeededPermission[], resourceChanges: number): PreflightReport['summary'] {
  return {
    needed: needed.length,
    held: needed.filter((n) => n.status === 'held').length,
    missing: needed.filter((n) => n.status === 'missing').length,
    denied: needed.filter((n) => n.status === 'denied').length,
    resource_changes: resourceChanges,
  };
}

export function mapVersion(map: ActionMap = bundledMap): PreflightReport['map'] {
  return { provider: map.provider.name, version: map.provider.version };
}
