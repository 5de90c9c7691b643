import type { ProviderFailure } from './failures.js';

/**
 * Read-only live configuration of deployed resources, for `ops audit`. The provider reads
 * and normalises; the rules that turn facts into findings live in src/ops/audit.ts, so a
 * GCP or Azure inspector only has to produce the same facts.
 */

/** A deployed resource as the registry knows it. */
export interface InspectionTarget {
  address: string;
  /** IaC resource type, e.g. aws_s3_bucket. */
  type: string;
  id: string | null;
  arn: string | null;
  region: string | null;
}

/** One statement of an access policy, normalised. */
export interface PolicyStatementFacts {
  effect: 'Allow' | 'Deny';
  /** `*` stands for everyone (anonymous included). Empty for identity policies. */
  principals: string[];
  actions: string[];
  /** True when the statement uses NotAction (grants everything but the listed actions). */
  notAction: boolean;
  resources: string[];
  hasCondition: boolean;
  sid?: string;
}

export interface BucketFacts {
  kind: 'bucket';
  name: string;
  /** null: no public access block configured on the bucket. */
  publicAccessBlock: { blockPublicAcls: boolean; ignorePublicAcls: boolean; blockPublicPolicy: boolean; restrictPublicBuckets: boolean } | null;
  /** ACL grants to everyone or to every authenticated user of the provider. */
  publicGrants: { grantee: 'everyone' | 'authenticated-users'; permission: string }[];
  /** The bucket policy's statements; empty without a policy. */
  policyStatements: PolicyStatementFacts[];
  /** Default encryption algorithm, null when none is configured. */
  defaultEncryption: string | null;
}

export interface TableFacts {
  kind: 'table';
  name: string;
  /** provider-owned: encrypted with a key the provider owns (the default); disabled only when reported so. */
  encryption: 'provider-owned' | 'managed-key' | 'disabled';
}

export interface VolumeFacts {
  kind: 'volume';
  id: string;
  encrypted: boolean;
}

export interface RoleFacts {
  kind: 'role';
  name: string;
  /** Customer-managed policies attached to the role (provider-managed ones are not read). */
  policies: { name: string; arn: string; statements: PolicyStatementFacts[] }[];
}

export interface IngressRule {
  protocol: string;
  /** null with protocol 'all': every port. */
  fromPort: number | null;
  toPort: number | null;
  /** CIDR (v4 or v6); rules from other security groups are not listed. */
  source: string;
}

export interface FirewallFacts {
  kind: 'firewall';
  id: string;
  name: string;
  ingress: IngressRule[];
}

export interface LogGroupFacts {
  kind: 'log-group';
  name: string;
  /** null: kept forever. */
  retentionDays: number | null;
}

export type ResourceFacts = BucketFacts | TableFacts | VolumeFacts | RoleFacts | FirewallFacts | LogGroupFacts;

/** A check that could not be made, and why. */
export interface InspectionGap {
  address: string;
  /** What was being read, e.g. "bucket policy". */
  check: string;
  failure: ProviderFailure;
}

export interface InspectionResult {
  facts: (ResourceFacts & { address: string })[];
  gaps: InspectionGap[];
}

export interface InspectionCapability {
  /** IaC resource types this provider reads live configuration for. */
  readonly inspectedTypes: readonly string[];
  /** Reads every target of an inspected type; a failed read is a gap, never an exception. */
  inspect(targets: readonly InspectionTarget[]): Promise<InspectionResult>;
}
