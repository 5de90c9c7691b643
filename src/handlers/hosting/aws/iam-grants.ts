import type { IAMClient } from '@aws-sdk/client-iam';
import { NeedsHumanError, OperationError } from '../../../core/errors.js';
import { POLICY_MAX_CHARS, buildPolicyDocuments, resourceAccountCondition, type PolicyDocument } from './policy-document.js';
import type { AppliedPolicy, GrantApplyRequest, GrantApplyResult, GrantPrincipal, GrantSpec } from '../types.js';
import { iamPrincipalOf, parseArn } from './arn.js';
import { createAwsClient } from './clients.js';
import { classifyAwsError } from './errors.js';

/**
 * IAM side of a permission grant (issue 5): the environment's customer-managed deploy
 * policy is created or given a new default version whose document is the MERGE of what it
 * granted before and the new grants (deduplicated, re-packed into documents of at most
 * 6,144 characters: `name`, `name-2`, …), then attached to the deploy principal.
 * Every call uses the profile passed in (the discover profile; the guard checks that).
 */

/** IAM keeps at most five versions of a managed policy. */
const MAX_POLICY_VERSIONS = 5;
/** How many `-N` policies are read back (far beyond what one environment needs). */
const MAX_POLICIES = 20;

type Iam = typeof import('@aws-sdk/client-iam');

/** The IAM principal a caller ARN belongs to: users and roles (assumed-role sessions map to their role). */
export function grantPrincipalOf(callerArn: string): GrantPrincipal {
  const principal = iamPrincipalOf(callerArn);
  if (principal) return principal;
  throw new NeedsHumanError('E_IAM_GRANT_PRINCIPAL', `cannot attach a policy to ${callerArn}: only IAM users and roles (or their assumed-role sessions) can be deploy principals`, {
    hint: 'configure the deploy profile with an IAM user or role, then re-run',
  });
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? '';
}

function iamFailure(what: string, error: unknown): Error {
  const name = errorName(error);
  const message = (error as Error).message ?? String(error);
  if (classifyAwsError(error, 'iam').reason === 'permission-denied') {
    return new NeedsHumanError('E_IAM_GRANT_DENIED', `the discover profile may not ${what}: ${message}`, {
      hint: 'the discover profile needs IAM rights on the deploy policy and the deploy principal; an administrator must grant them',
      cause: error,
    });
  }
  return new OperationError('E_IAM_GRANT_FAILED', `IAM ${what} failed: ${name ? `${name}: ` : ''}${message}`, { cause: error });
}

/** A policy document as IAM returns it (URL-encoded JSON) or as plain JSON. */
function parseDocument(text: string | undefined, policyArn: string): unknown {
  if (!text) return { Statement: [] };
  for (const candidate of [text, (() => { try { return decodeURIComponent(text); } catch { return text; } })()]) {
    try {
      return JSON.parse(candidate);
    } catch {
      // try the decoded form
    }
  }
  throw new OperationError('E_IAM_POLICY_UNREADABLE', `the default version of ${policyArn} is not a JSON policy document`);
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

const accountOfArn = (arn: string) => parseArn(arn)?.accountId ?? '';

/** faber-cloud's only condition: the aws:ResourceAccount pin it writes itself, for this account. */
function ownCondition(s: Record<string, unknown>, policyArn: string): boolean {
  if (!('Condition' in s)) return true;
  const resources = asList(s.Resource).filter((v): v is string => typeof v === 'string');
  const expected = resourceAccountCondition(resources, accountOfArn(policyArn));
  return expected !== undefined && JSON.stringify(s.Condition) === JSON.stringify(expected);
}

/**
 * The grants an existing faber-cloud policy document holds. A statement faber-cloud does not
 * write (Deny, a Condition other than its own aws:ResourceAccount pin, NotAction, Principal, …)
 * means a person edited the policy: merging around it could change its meaning, so the grant
 * stops there (nothing is dropped).
 */
export function grantsOfDocument(document: unknown, policyArn: string): GrantSpec[] {
  const statements = asList((document as { Statement?: unknown } | null)?.Statement);
  const out: GrantSpec[] = [];
  for (const statement of statements) {
    const s = statement as Record<string, unknown>;
    const keys = s && typeof s === 'object' ? Object.keys(s) : [];
    const simple =
      keys.length > 0 &&
      keys.every((k) => k === 'Sid' || k === 'Effect' || k === 'Action' || k === 'Resource' || k === 'Condition') &&
      s.Effect === 'Allow' &&
      asList(s.Action).length > 0 &&
      asList(s.Resource).length > 0 &&
      [...asList(s.Action), ...asList(s.Resource)].every((v) => typeof v === 'string') &&
      ownCondition(s, policyArn);
    if (!simple) {
      throw new NeedsHumanError('E_IAM_POLICY_FOREIGN', `${policyArn} holds a statement faber-cloud does not manage: ${JSON.stringify(statement)}`, {
        hint: 'faber-cloud writes only Allow statements with Action and Resource; move hand-written statements to another policy, then re-run',
      });
    }
    for (const action of asList(s.Action) as string[]) out.push({ action, resources: asList(s.Resource) as string[] });
  }
  return out;
}

/** Existing and new grants, one entry per action with the union of its resources. */
export function mergeGrants(...lists: GrantSpec[][]): GrantSpec[] {
  const byAction = new Map<string, Set<string>>();
  for (const list of lists) {
    for (const g of list) {
      const set = byAction.get(g.action) ?? new Set<string>();
      for (const r of g.resources) set.add(r);
      byAction.set(g.action, set);
    }
  }
  return [...byAction.entries()].map(([action, resources]) => ({ action, resources: [...resources] }));
}

/** Same permissions and conditions, whatever the statement order and grouping. */
function canonical(document: unknown): string {
  const entries = new Set<string>();
  for (const statement of asList((document as { Statement?: unknown } | null)?.Statement)) {
    const s = statement as Record<string, unknown>;
    const condition = JSON.stringify(s.Condition ?? null);
    for (const action of asList(s.Action)) for (const resource of asList(s.Resource)) entries.add(JSON.stringify([action, resource, condition]));
  }
  return JSON.stringify([...entries].sort());
}

interface ExistingPolicy {
  name: string;
  arn: string;
  defaultVersion: string;
  grants: GrantSpec[];
  document: unknown;
}

async function readPolicy(sdk: Iam, client: IAMClient, arn: string, name: string): Promise<ExistingPolicy | undefined> {
  let defaultVersion: string | undefined;
  try {
    const out = await client.send(new sdk.GetPolicyCommand({ PolicyArn: arn }));
    defaultVersion = out.Policy?.DefaultVersionId;
  } catch (error) {
    if (classifyAwsError(error, 'iam:GetPolicy').reason === 'not-found') return undefined;
    throw iamFailure(`read policy ${arn}`, error);
  }
  if (!defaultVersion) throw new OperationError('E_IAM_GRANT_FAILED', `IAM returned no default version for ${arn}`);
  let document: string | undefined;
  try {
    const out = await client.send(new sdk.GetPolicyVersionCommand({ PolicyArn: arn, VersionId: defaultVersion }));
    document = out.PolicyVersion?.Document;
  } catch (error) {
    throw iamFailure(`read version ${defaultVersion} of ${arn}`, error);
  }
  const parsed = parseDocument(document, arn);
  return { name, arn, defaultVersion, grants: grantsOfDocument(parsed, arn), document: parsed };
}

/** Make room for one more version: delete the oldest non-default one when IAM's five are used. */
async function pruneVersions(sdk: Iam, client: IAMClient, arn: string): Promise<string[]> {
  let versions;
  try {
    versions = (await client.send(new sdk.ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions ?? [];
  } catch (error) {
    throw iamFailure(`list the versions of ${arn}`, error);
  }
  if (versions.length < MAX_POLICY_VERSIONS) return [];
  const oldest = versions
    .filter((v) => !v.IsDefaultVersion && v.VersionId)
    .sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0) || versionNumber(a.VersionId) - versionNumber(b.VersionId))[0];
  if (!oldest?.VersionId) return [];
  try {
    await client.send(new sdk.DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: oldest.VersionId }));
  } catch (error) {
    throw iamFailure(`delete version ${oldest.VersionId} of ${arn}`, error);
  }
  return [oldest.VersionId];
}

const versionNumber = (id: string | undefined) => Number(/^v(\d+)$/.exec(id ?? '')?.[1] ?? 0);

async function writePolicy(sdk: Iam, client: IAMClient, name: string, arn: string, document: PolicyDocument, existing: ExistingPolicy | undefined): Promise<Omit<AppliedPolicy, 'attached'>> {
  const text = JSON.stringify(document);
  if (!existing) {
    try {
      const out = await client.send(
        new sdk.CreatePolicyCommand({
          PolicyName: name,
          PolicyDocument: text,
          Description: 'Deploy permissions granted by faber-cloud (audited in deployments/iam-audit.json)',
        }),
      );
      return { name, arn: out.Policy?.Arn ?? arn, version: out.Policy?.DefaultVersionId ?? 'v1', change: 'created', prunedVersions: [] };
    } catch (error) {
      throw iamFailure(`create policy ${name}`, error);
    }
  }
  // A document from before the aws:ResourceAccount pin gets a new version with it.
  if (canonical(existing.document) === canonical(document)) {
    return { name, arn, version: existing.defaultVersion, change: 'unchanged', prunedVersions: [] };
  }
  const prunedVersions = await pruneVersions(sdk, client, arn);
  try {
    const out = await client.send(new sdk.CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: text, SetAsDefault: true }));
    return { name, arn, version: out.PolicyVersion?.VersionId ?? '?', change: 'updated', prunedVersions };
  } catch (error) {
    throw iamFailure(`create a new version of ${arn}`, error);
  }
}

async function attachedArns(sdk: Iam, client: IAMClient, principal: GrantPrincipal): Promise<Set<string>> {
  const arns = new Set<string>();
  let marker: string | undefined;
  try {
    do {
      const out =
        principal.type === 'user'
          ? await client.send(new sdk.ListAttachedUserPoliciesCommand({ UserName: principal.name, ...(marker ? { Marker: marker } : {}) }))
          : await client.send(new sdk.ListAttachedRolePoliciesCommand({ RoleName: principal.name, ...(marker ? { Marker: marker } : {}) }));
      for (const p of out.AttachedPolicies ?? []) if (p.PolicyArn) arns.add(p.PolicyArn);
      marker = out.IsTruncated ? out.Marker : undefined;
    } while (marker);
  } catch (error) {
    throw iamFailure(`list the policies attached to ${principal.type} ${principal.name}`, error);
  }
  return arns;
}

export async function applyGrant(request: GrantApplyRequest, env: NodeJS.ProcessEnv): Promise<GrantApplyResult> {
  const principal = grantPrincipalOf(request.principalArn);
  const sdk = await import('@aws-sdk/client-iam');
  const client = createAwsClient(sdk.IAMClient, { profile: request.profile, region: request.region, env });
  try {
    const nameOf = (i: number) => (i === 0 ? request.policyName : `${request.policyName}-${i + 1}`);
    const arnOf = (name: string) => `arn:${request.partition}:iam::${request.accountId}:policy/${name}`;

    // What the policies grant today (policy, policy-2, … while they exist).
    const existing: ExistingPolicy[] = [];
    for (let i = 0; i < MAX_POLICIES; i++) {
      const policy = await readPolicy(sdk, client, arnOf(nameOf(i)), nameOf(i));
      if (!policy) break;
      existing.push(policy);
    }

    const merged = mergeGrants(...existing.map((p) => p.grants), request.grants);
    const documents = buildPolicyDocuments(merged, POLICY_MAX_CHARS, { resourceAccount: request.accountId });
    const written: Omit<AppliedPolicy, 'attached'>[] = [];
    for (const [i, document] of documents.entries()) {
      const name = nameOf(i);
      written.push(await writePolicy(sdk, client, name, arnOf(name), document, existing[i]));
    }
    // A policy the re-packing no longer needs keeps its grants (they are in the earlier
    // documents too); it stays attached, so nothing is ever taken away.
    for (const extra of existing.slice(documents.length)) {
      written.push({ name: extra.name, arn: extra.arn, version: extra.defaultVersion, change: 'unchanged', prunedVersions: [] });
    }

    const attached = await attachedArns(sdk, client, principal);
    const policies: AppliedPolicy[] = [];
    for (const policy of written) {
      let newlyAttached = false;
      if (!attached.has(policy.arn)) {
        try {
          if (principal.type === 'user') await client.send(new sdk.AttachUserPolicyCommand({ UserName: principal.name, PolicyArn: policy.arn }));
          else await client.send(new sdk.AttachRolePolicyCommand({ RoleName: principal.name, PolicyArn: policy.arn }));
        } catch (error) {
          throw iamFailure(`attach ${policy.arn} to ${principal.type} ${principal.name}`, error);
        }
        newlyAttached = true;
      }
      policies.push({ ...policy, attached: newlyAttached });
    }
    return { principal, policies };
  } finally {
    client.destroy();
  }
}
