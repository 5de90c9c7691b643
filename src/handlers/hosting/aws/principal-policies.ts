import { NeedsHumanError, OperationError } from '../../../core/errors.js';
import type { PrincipalPolicies, PrincipalPolicy } from '../types.js';
import { iamPrincipalOf } from './arn.js';
import { createAwsClient } from './clients.js';
import { classifyAwsError } from './errors.js';

/**
 * The identity policies of a deploy principal, read from IAM (issue 16, preflight): inline and
 * attached managed policies of the user or role, and for a user those of each of its groups;
 * the permissions boundary when the principal has one. Read-only calls, made with the profile
 * passed in (the discover profile: the deploy profile usually may not read IAM).
 */

type Iam = typeof import('@aws-sdk/client-iam');
type Client = InstanceType<Iam['IAMClient']>;

/** A policy document as IAM returns it (URL-encoded JSON). */
function documentOf(text: string | undefined, where: string): unknown {
  if (!text) return { Statement: [] };
  for (const candidate of [text, (() => { try { return decodeURIComponent(text); } catch { return text; } })()]) {
    try {
      return JSON.parse(candidate);
    } catch {
      // the decoded form next
    }
  }
  throw new OperationError('E_PREFLIGHT_POLICY_UNREADABLE', `${where} is not a JSON policy document`);
}

async function pages<T>(fetch: (marker: string | undefined) => Promise<{ items: T[]; marker?: string | undefined; truncated?: boolean | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await fetch(marker);
    out.push(...page.items);
    if (!page.truncated || !page.marker) break;
    marker = page.marker;
  }
  return out;
}

async function managedPolicy(sdk: Iam, client: Client, arn: string, cache: Map<string, PrincipalPolicy>): Promise<PrincipalPolicy> {
  const known = cache.get(arn);
  if (known) return known;
  const policy = (await client.send(new sdk.GetPolicyCommand({ PolicyArn: arn }))).Policy;
  const version = policy?.DefaultVersionId;
  const text = version ? (await client.send(new sdk.GetPolicyVersionCommand({ PolicyArn: arn, VersionId: version }))).PolicyVersion?.Document : undefined;
  const read: PrincipalPolicy = { name: policy?.PolicyName ?? arn, arn, kind: 'managed', document: documentOf(text, arn) };
  cache.set(arn, read);
  return read;
}

async function readUserPolicies(sdk: Iam, client: Client, user: string, cache: Map<string, PrincipalPolicy>): Promise<{ identity: PrincipalPolicy[]; boundaryArn: string | undefined }> {
  const identity: PrincipalPolicy[] = [];
  const inline = await pages((m) => client.send(new sdk.ListUserPoliciesCommand({ UserName: user, Marker: m })).then((o) => ({ items: o.PolicyNames ?? [], marker: o.Marker, truncated: o.IsTruncated })));
  for (const name of inline) {
    const out = await client.send(new sdk.GetUserPolicyCommand({ UserName: user, PolicyName: name }));
    identity.push({ name, kind: 'inline', document: documentOf(out.PolicyDocument, `inline policy ${name} of user ${user}`) });
  }
  const attached = await pages((m) => client.send(new sdk.ListAttachedUserPoliciesCommand({ UserName: user, Marker: m })).then((o) => ({ items: o.AttachedPolicies ?? [], marker: o.Marker, truncated: o.IsTruncated })));
  for (const a of attached) if (a.PolicyArn) identity.push(await managedPolicy(sdk, client, a.PolicyArn, cache));
  const groups = await pages((m) => client.send(new sdk.ListGroupsForUserCommand({ UserName: user, Marker: m })).then((o) => ({ items: o.Groups ?? [], marker: o.Marker, truncated: o.IsTruncated })));
  for (const g of groups) {
    const group = g.GroupName;
    if (!group) continue;
    const names = await pages((m) => client.send(new sdk.ListGroupPoliciesCommand({ GroupName: group, Marker: m })).then((o) => ({ items: o.PolicyNames ?? [], marker: o.Marker, truncated: o.IsTruncated })));
    for (const name of names) {
      const out = await client.send(new sdk.GetGroupPolicyCommand({ GroupName: group, PolicyName: name }));
      identity.push({ name: `${group}/${name}`, kind: 'group-inline', document: documentOf(out.PolicyDocument, `inline policy ${name} of group ${group}`) });
    }
    const groupAttached = await pages((m) => client.send(new sdk.ListAttachedGroupPoliciesCommand({ GroupName: group, Marker: m })).then((o) => ({ items: o.AttachedPolicies ?? [], marker: o.Marker, truncated: o.IsTruncated })));
    for (const a of groupAttached) if (a.PolicyArn) identity.push({ ...(await managedPolicy(sdk, client, a.PolicyArn, cache)), kind: 'group-managed' });
  }
  const boundaryArn = (await client.send(new sdk.GetUserCommand({ UserName: user }))).User?.PermissionsBoundary?.PermissionsBoundaryArn;
  return { identity, boundaryArn };
}

async function readRolePolicies(sdk: Iam, client: Client, role: string, cache: Map<string, PrincipalPolicy>): Promise<{ identity: PrincipalPolicy[]; boundaryArn: string | undefined }> {
  const identity: PrincipalPolicy[] = [];
  const inline = await pages((m) => client.send(new sdk.ListRolePoliciesCommand({ RoleName: role, Marker: m })).then((o) => ({ items: o.PolicyNames ?? [], marker: o.Marker, truncated: o.IsTruncated })));
  for (const name of inline) {
    const out = await client.send(new sdk.GetRolePolicyCommand({ RoleName: role, PolicyName: name }));
    identity.push({ name, kind: 'inline', document: documentOf(out.PolicyDocument, `inline policy ${name} of role ${role}`) });
  }
  const attached = await pages((m) => client.send(new sdk.ListAttachedRolePoliciesCommand({ RoleName: role, Marker: m })).then((o) => ({ items: o.AttachedPolicies ?? [], marker: o.Marker, truncated: o.IsTruncated })));
  for (const a of attached) if (a.PolicyArn) identity.push(await managedPolicy(sdk, client, a.PolicyArn, cache));
  const boundaryArn = (await client.send(new sdk.GetRoleCommand({ RoleName: role }))).Role?.PermissionsBoundary?.PermissionsBoundaryArn;
  return { identity, boundaryArn };
}

export async function principalPolicies(request: { profile: string; region: string; principalArn: string }, env: NodeJS.ProcessEnv): Promise<PrincipalPolicies> {
  const principal = iamPrincipalOf(request.principalArn);
  if (!principal) {
    throw new NeedsHumanError('E_PREFLIGHT_PRINCIPAL', `cannot read the policies of ${request.principalArn}: only IAM users and roles (or their assumed-role sessions) are supported`, {
      hint: 'configure the deploy profile with an IAM user or role',
    });
  }
  const sdk = await import('@aws-sdk/client-iam');
  const client = createAwsClient(sdk.IAMClient, { profile: request.profile, region: request.region, env });
  const cache = new Map<string, PrincipalPolicy>();
  try {
    const read = principal.type === 'user' ? await readUserPolicies(sdk, client, principal.name, cache) : await readRolePolicies(sdk, client, principal.name, cache);
    const out: PrincipalPolicies = { principal, identity: read.identity, boundary: null, notes: [] };
    if (read.boundaryArn) {
      try {
        out.boundary = await managedPolicy(sdk, client, read.boundaryArn, cache);
      } catch (error) {
        // A boundary that cannot be read is named, not ignored: the evaluation is then incomplete.
        out.notes.push(`permissions boundary ${read.boundaryArn} could not be read (${(error as Error).name ?? 'error'}): results ignore it`);
      }
    }
    return out;
  } catch (error) {
    if (error instanceof OperationError || error instanceof NeedsHumanError) throw error;
    if (classifyAwsError(error, 'iam').reason === 'permission-denied') {
      throw new NeedsHumanError('E_PREFLIGHT_IAM_DENIED', `profile ${request.profile} may not read the policies of ${principal.arn}: ${(error as Error).message}`, {
        hint: 'preflight reads IAM with the discover profile, which needs iam:Get*/List* on the deploy principal, its groups and its policies',
        cause: error,
      });
    }
    throw new OperationError('E_PREFLIGHT_IAM_FAILED', `reading the policies of ${principal.arn} failed: ${(error as Error).message}`, { cause: error });
  }
}
