import type { StateResource } from '../iac/types.js';
import type { InspectionCapability } from './inspection.js';
import type { RemediationCapability } from './remediation.js';
import type { MonitoringApi } from './monitoring.js';

/** Who the credentials of a profile belong to (STS GetCallerIdentity or the provider's twin). */
export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
  partition: string;
  profile: string | null;
  region: string;
}

/**
 * A cloud provider. AWS implements it today; GCP and Azure are further implementations.
 * Domain modules reach the provider only through this interface.
 */
export interface HostingHandler {
  readonly name: string;
  /** Identity of the credentials behind a profile. */
  callerIdentity(profile: string, region: string): Promise<CallerIdentity>;
  /** Provider facts about a resource in IaC state: ARN, console link, region. */
  link(resource: StateResource, region: string): { arn?: string; consoleUrl?: string; region?: string };
  /**
   * Merge `grants` into the environment's customer-managed deploy policy (or policies) and
   * attach it to the deploy principal. Called only with the discover profile (the guard
   * decides that); never removes a permission the policy already grants.
   */
  applyGrant(request: GrantApplyRequest): Promise<GrantApplyResult>;
  /**
   * The provider's explanation of an encoded authorization failure (AWS: EC2's encoded
   * UnauthorizedOperation messages), as JSON text.
   */
  decodeAuthorizationMessage(profile: string, region: string, encoded: string): Promise<string>;
  /** The identity policies (and permissions boundary) of a deploy principal, read with `profile` (preflight). */
  principalPolicies(request: { profile: string; region: string; principalArn: string }): Promise<PrincipalPolicies>;
  /** Resources that carry all of `tags` (e.g. Project and Environment), found through the provider's tag index. */
  resourcesByTags(request: { profile: string; region: string; tags: Record<string, string> }): Promise<TaggedResource[]>;
  /** What exists for one environment (tag index and per-service name listings), read-only: what `infra adopt` compares with state. */
  adoptionCandidates(request: AdoptionListingRequest): Promise<AdoptionListing>;
  /** Read-only live configuration of deployed resources, for audits (loaded on first use). */
  inspection(session: { profile: string; region: string }): Promise<InspectionCapability>;
  /** The few reversible changes `ops remediate` makes (loaded on first use). */
  remediation(session: { profile: string; region: string }): Promise<RemediationCapability>;
  /** Read-only access to alarms, metrics, service state and logs (loaded when first asked for). */
  monitoring(session: { profile: string; region: string }): Promise<MonitoringApi>;
  /**
   * Read-only checks that deployed resources exist and are usable (`infra test --phase post`).
   * One result per resource; a denied or failed call is a result, never a throw.
   */
  checkResources(request: ResourceCheckRequest): Promise<ResourceCheck[]>;
}

/** A deployed resource as the registry knows it. */
export interface CheckedResource {
  address: string;
  type: string;
  id: string | null;
  arn: string | null;
  region: string | null;
  tags: Record<string, string>;
}

export interface ResourceCheckRequest {
  profile: string;
  region: string;
  resources: CheckedResource[];
}

export interface ResourceCheck {
  address: string;
  type: string;
  /** The call that checked it, e.g. `s3:HeadBucket`. */
  check: string;
  /** ok; missing (gone); unhealthy (exists, not usable); denied (no permission to look); error; not-checked (no check for this type). */
  status: 'ok' | 'missing' | 'unhealthy' | 'denied' | 'error' | 'not-checked';
  detail: string;
  /** The IAM action that was denied, when status is denied. */
  action?: string;
}

export interface TaggedResource {
  arn: string;
  tags: Record<string, string>;
}

export interface AdoptionListingRequest {
  profile: string;
  region: string;
  account: string;
  partition: string;
  /** The environment's tags (Project, Environment): the tag index is asked for resources carrying all of them. */
  tags: Record<string, string>;
  /** The environment's resource name prefix (`myapp-core-test-`); no name listing without one. */
  namePrefix: string | undefined;
}

/** One resource found in the account, by tag and/or by name. */
export interface DiscoveredResource {
  arn: string;
  /** Its tags when the tag index returned it; null when found by name only. */
  tags: Record<string, string> | null;
  via: ('name' | 'tags')[];
}

export interface AdoptionListing {
  resources: DiscoveredResource[];
  /** Service listings that could not be read (denied, unavailable), with why. */
  skipped: { service: string; reason: string }[];
}

/** One permission to add: an action on scoped resource patterns. */
export interface GrantSpec {
  action: string;
  resources: string[];
}

export interface GrantApplyRequest {
  /** The discover profile: every IAM call is made with it. */
  profile: string;
  region: string;
  accountId: string;
  partition: string;
  /** The first policy's name (`{project}-{env}-faber-cloud-deploy`); further ones get `-2`, `-3`, … */
  policyName: string;
  grants: GrantSpec[];
  /** The deploy identity's caller ARN (IAM user, IAM role or assumed-role session). */
  principalArn: string;
}

export interface AppliedPolicy {
  name: string;
  arn: string;
  /** The default version after the call (e.g. `v3`). */
  version: string;
  /** created: new policy; updated: new default version; unchanged: already granted all of it. */
  change: 'created' | 'updated' | 'unchanged';
  /** Old versions deleted to stay within IAM's five versions per policy. */
  prunedVersions: string[];
  /** True when this call attached it to the principal. */
  attached: boolean;
}

export interface GrantPrincipal {
  type: 'user' | 'role';
  name: string;
  arn: string;
}

export interface GrantApplyResult {
  principal: GrantPrincipal;
  policies: AppliedPolicy[];
}

/** One identity policy of a principal, as its document. */
export interface PrincipalPolicy {
  name: string;
  /** Managed policies only. */
  arn?: string;
  kind: 'inline' | 'managed' | 'group-inline' | 'group-managed';
  document: unknown;
}

export interface PrincipalPolicies {
  principal: GrantPrincipal;
  identity: PrincipalPolicy[];
  /** The permissions boundary, when the principal has one and it could be read. */
  boundary: PrincipalPolicy | null;
  /** What could not be read (the evaluation ignores it). */
  notes: string[];
}
