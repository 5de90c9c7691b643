import { ProviderCallError, type ProviderFailure } from '../failures.js';
import type {
  BucketFacts,
  FirewallFacts,
  InspectionCapability,
  InspectionGap,
  InspectionResult,
  InspectionTarget,
  LogGroupFacts,
  PolicyStatementFacts,
  ResourceFacts,
  RoleFacts,
  TableFacts,
  VolumeFacts,
} from '../inspection.js';
import { isAwsManagedPolicy } from './arn.js';
import { createAwsClient } from './clients.js';
import { call } from './errors.js';

interface Session {
  profile: string;
  region: string;
  env: NodeJS.ProcessEnv;
}

/** Error codes that mean "this setting is not configured", which is a fact, not a failure. */
const NOT_CONFIGURED = new Set(['NoSuchPublicAccessBlockConfiguration', 'NoSuchBucketPolicy', 'ServerSideEncryptionConfigurationNotFoundError']);
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
/** How many resources are read at once. */
const CONCURRENCY = 8;

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** A principal element as a list, `*` for everyone (`"*"` or `{"AWS": "*"}`). */
function principalsOf(principal: unknown): string[] {
  if (principal === undefined) return [];
  if (principal === '*') return ['*'];
  if (principal && typeof principal === 'object') return Object.values(principal as Record<string, unknown>).flatMap(list).map((p) => (p === '*' ? '*' : p));
  return list(principal);
}

/** An IAM or resource policy document (JSON, possibly URL-encoded as IAM returns it). */
export function parsePolicyDocument(text: string): PolicyStatementFacts[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = JSON.parse(decodeURIComponent(text));
  }
  const raw = (doc as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return statements.map((s: Record<string, unknown>) => ({
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    principals: principalsOf(s.Principal ?? (s.NotPrincipal !== undefined ? '*' : undefined)),
    actions: list(s.Action ?? s.NotAction),
    notAction: s.NotAction !== undefined,
    resources: list(s.Resource ?? s.NotResource),
    hasCondition: s.Condition !== undefined && s.Condition !== null && Object.keys(s.Condition as object).length > 0,
    ...(typeof s.Sid === 'string' ? { sid: s.Sid } : {}),
  }));
}

async function inBatches<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(fn));
}

/**
 * The SDK packages inspection reads with, each with its client. Types only: the packages
 * themselves are imported on first use, so commands that never inspect never load them.
 */
interface Sdks {
  s3: { sdk: typeof import('@aws-sdk/client-s3'); client: import('@aws-sdk/client-s3').S3Client };
  dynamodb: { sdk: typeof import('@aws-sdk/client-dynamodb'); client: import('@aws-sdk/client-dynamodb').DynamoDBClient };
  ec2: { sdk: typeof import('@aws-sdk/client-ec2'); client: import('@aws-sdk/client-ec2').EC2Client };
  iam: { sdk: typeof import('@aws-sdk/client-iam'); client: import('@aws-sdk/client-iam').IAMClient };
  'cloudwatch-logs': { sdk: typeof import('@aws-sdk/client-cloudwatch-logs'); client: import('@aws-sdk/client-cloudwatch-logs').CloudWatchLogsClient };
}

const LOADERS: { [K in keyof Sdks]: (session: Session) => Promise<Sdks[K]> } = {
  s3: async (session) => {
    const sdk = await import('@aws-sdk/client-s3');
    return { sdk, client: createAwsClient(sdk.S3Client, session) };
  },
  dynamodb: async (session) => {
    const sdk = await import('@aws-sdk/client-dynamodb');
    return { sdk, client: createAwsClient(sdk.DynamoDBClient, session) };
  },
  ec2: async (session) => {
    const sdk = await import('@aws-sdk/client-ec2');
    return { sdk, client: createAwsClient(sdk.EC2Client, session) };
  },
  iam: async (session) => {
    const sdk = await import('@aws-sdk/client-iam');
    return { sdk, client: createAwsClient(sdk.IAMClient, session) };
  },
  'cloudwatch-logs': async (session) => {
    const sdk = await import('@aws-sdk/client-cloudwatch-logs');
    return { sdk, client: createAwsClient(sdk.CloudWatchLogsClient, session) };
  },
};

/** Reads the live configuration audits look at: S3, DynamoDB, EBS, IAM roles, security groups, log groups. */
export class AwsInspection implements InspectionCapability {
  readonly inspectedTypes = ['aws_s3_bucket', 'aws_dynamodb_table', 'aws_ebs_volume', 'aws_iam_role', 'aws_security_group', 'aws_cloudwatch_log_group'] as const;
  private readonly clients = new Map<keyof Sdks, Promise<Sdks[keyof Sdks]>>();

  constructor(private readonly session: Session) {}

  /** One client per SDK package, imported on first use. */
  private client<K extends keyof Sdks>(pkg: K): Promise<Sdks[K]> {
    // The map holds, under each key, what LOADERS[key] made: the entry is that key's type.
    let made = this.clients.get(pkg) as Promise<Sdks[K]> | undefined;
    if (!made) {
      made = LOADERS[pkg](this.session);
      this.clients.set(pkg, made);
    }
    return made;
  }

  async inspect(targets: readonly InspectionTarget[]): Promise<InspectionResult> {
    const result: InspectionResult = { facts: [], gaps: [] };
    const inspected = new Set<string>(this.inspectedTypes);
    await inBatches(
      targets.filter((t) => inspected.has(t.type)),
      async (target) => {
        const gaps: InspectionGap[] = [];
        const read = async <T>(check: string, fn: () => Promise<T>): Promise<T | undefined> => {
          try {
            return await fn();
          } catch (error) {
            const failure: ProviderFailure =
              error instanceof ProviderCallError ? error.failure : { reason: 'error', action: check, message: (error as Error).message };
            gaps.push({ address: target.address, check, failure });
            return undefined;
          }
        };
        const facts = await this.inspectOne(target, read);
        if (facts) result.facts.push({ ...facts, address: target.address });
        result.gaps.push(...gaps);
      },
    );
    result.facts.sort((a, b) => a.address.localeCompare(b.address));
    result.gaps.sort((a, b) => a.address.localeCompare(b.address) || a.check.localeCompare(b.check));
    return result;
  }

  private inspectOne(target: InspectionTarget, read: Reader): Promise<ResourceFacts | undefined> {
    const id = target.id ?? target.arn?.split(/[:/]/).pop() ?? '';
    switch (target.type) {
      case 'aws_s3_bucket':
        return this.bucket(id, read);
      case 'aws_dynamodb_table':
        return this.table(id, read);
      case 'aws_ebs_volume':
        return this.volume(id, read);
      case 'aws_iam_role':
        return this.role(id, read);
      case 'aws_security_group':
        return this.firewall(id, read);
      case 'aws_cloudwatch_log_group':
        return this.logGroup(id, read);
      default:
        return Promise.resolve(undefined);
    }
  }

  /** A bucket setting that may be absent: its absence is `fallback`, not an error. */
  private async optional<T>(action: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await call(action, fn);
    } catch (error) {
      if (error instanceof ProviderCallError && error.failure.code && NOT_CONFIGURED.has(error.failure.code)) return null;
      throw error;
    }
  }

  private async bucket(Bucket: string, read: Reader): Promise<BucketFacts | undefined> {
    const { sdk, client } = await this.client('s3');
    const [block, acl, policy, encryption] = await Promise.all([
      read('public access block', () => this.optional('s3:GetBucketPublicAccessBlock', () => client.send(new sdk.GetPublicAccessBlockCommand({ Bucket })))),
      read('bucket ACL', () => call('s3:GetBucketAcl', () => client.send(new sdk.GetBucketAclCommand({ Bucket })))),
      read('bucket policy', () => this.optional('s3:GetBucketPolicy', () => client.send(new sdk.GetBucketPolicyCommand({ Bucket })))),
      read('default encryption', () => this.optional('s3:GetEncryptionConfiguration', () => client.send(new sdk.GetBucketEncryptionCommand({ Bucket })))),
    ]);
    if (block === undefined && acl === undefined && policy === undefined && encryption === undefined) return undefined;
    const config = block?.PublicAccessBlockConfiguration;
    const grants: BucketFacts['publicGrants'] = [];
    for (const g of acl?.Grants ?? []) {
      const uri = g.Grantee?.URI;
      if (uri === ALL_USERS || uri === AUTHENTICATED_USERS) grants.push({ grantee: uri === ALL_USERS ? 'everyone' : 'authenticated-users', permission: g.Permission ?? 'UNKNOWN' });
    }
    const rule = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
    return {
      kind: 'bucket',
      name: Bucket,
      publicAccessBlock: config
        ? {
            blockPublicAcls: Boolean(config.BlockPublicAcls),
            ignorePublicAcls: Boolean(config.IgnorePublicAcls),
            blockPublicPolicy: Boolean(config.BlockPublicPolicy),
            restrictPublicBuckets: Boolean(config.RestrictPublicBuckets),
          }
        : null,
      publicGrants: grants,
      policyStatements: policy?.Policy ? parsePolicyDocument(policy.Policy) : [],
      defaultEncryption: rule?.SSEAlgorithm ?? null,
    };
  }

  private async table(TableName: string, read: Reader): Promise<TableFacts | undefined> {
    const { sdk, client } = await this.client('dynamodb');
    const out = await read('table encryption', () => call('dynamodb:DescribeTable', () => client.send(new sdk.DescribeTableCommand({ TableName }))));
    if (!out) return undefined;
    const sse = out.Table?.SSEDescription;
    // No SSEDescription: DynamoDB encrypts with an AWS owned key (every table is encrypted at rest).
    const encryption: TableFacts['encryption'] = !sse ? 'provider-owned' : sse.Status === 'DISABLED' || sse.Status === 'DISABLING' ? 'disabled' : 'managed-key';
    return { kind: 'table', name: TableName, encryption };
  }

  private async volume(id: string, read: Reader): Promise<VolumeFacts | undefined> {
    const { sdk, client } = await this.client('ec2');
    const out = await read('volume encryption', () => call('ec2:DescribeVolumes', () => client.send(new sdk.DescribeVolumesCommand({ VolumeIds: [id] }))));
    const volume = out?.Volumes?.[0];
    return volume ? { kind: 'volume', id, encrypted: Boolean(volume.Encrypted) } : undefined;
  }

  private async role(RoleName: string, read: Reader): Promise<RoleFacts | undefined> {
    const { sdk, client } = await this.client('iam');
    const attached = await read('attached policies', async () => {
      const arns: { name: string; arn: string }[] = [];
      let Marker: string | undefined;
      do {
        const page = await call('iam:ListAttachedRolePolicies', () => client.send(new sdk.ListAttachedRolePoliciesCommand({ RoleName, ...(Marker ? { Marker } : {}) })));
        for (const p of page.AttachedPolicies ?? []) arns.push({ name: p.PolicyName ?? '', arn: p.PolicyArn ?? '' });
        Marker = page.IsTruncated ? page.Marker : undefined;
      } while (Marker);
      return arns;
    });
    if (!attached) return undefined;
    const policies: RoleFacts['policies'] = [];
    // AWS managed policies (arn:aws:iam::aws:policy/…) are AWS's to maintain, not the project's.
    for (const p of attached.filter((a) => !isAwsManagedPolicy(a.arn))) {
      const document = await read(`policy ${p.name}`, async () => {
        const policy = await call('iam:GetPolicy', () => client.send(new sdk.GetPolicyCommand({ PolicyArn: p.arn })));
        const version = await call('iam:GetPolicyVersion', () =>
          client.send(new sdk.GetPolicyVersionCommand({ PolicyArn: p.arn, VersionId: policy.Policy?.DefaultVersionId ?? 'v1' })),
        );
        return String(version.PolicyVersion?.Document ?? '{}');
      });
      if (document !== undefined) policies.push({ ...p, statements: parsePolicyDocument(document) });
    }
    return { kind: 'role', name: RoleName, policies };
  }

  private async firewall(GroupId: string, read: Reader): Promise<FirewallFacts | undefined> {
    const { sdk, client } = await this.client('ec2');
    const out = await read('ingress rules', () => call('ec2:DescribeSecurityGroups', () => client.send(new sdk.DescribeSecurityGroupsCommand({ GroupIds: [GroupId] }))));
    const group = out?.SecurityGroups?.[0];
    if (!group) return undefined;
    const ingress: FirewallFacts['ingress'] = [];
    for (const p of group.IpPermissions ?? []) {
      const all = p.IpProtocol === '-1';
      const base = { protocol: all ? 'all' : String(p.IpProtocol), fromPort: all ? null : (p.FromPort ?? null), toPort: all ? null : (p.ToPort ?? null) };
      for (const r of p.IpRanges ?? []) if (r.CidrIp) ingress.push({ ...base, source: r.CidrIp });
      for (const r of p.Ipv6Ranges ?? []) if (r.CidrIpv6) ingress.push({ ...base, source: r.CidrIpv6 });
    }
    return { kind: 'firewall', id: GroupId, name: group.GroupName ?? GroupId, ingress };
  }

  private async logGroup(name: string, read: Reader): Promise<LogGroupFacts | undefined> {
    const { sdk, client } = await this.client('cloudwatch-logs');
    const group = await read('retention', async () => {
      let nextToken: string | undefined;
      do {
        const page = await call('logs:DescribeLogGroups', () => client.send(new sdk.DescribeLogGroupsCommand({ logGroupNamePrefix: name, ...(nextToken ? { nextToken } : {}) })));
        const found = (page.logGroups ?? []).find((g) => g.logGroupName === name);
        if (found) return found;
        nextToken = page.nextToken;
      } while (nextToken);
      throw new ProviderCallError({ reason: 'not-found', action: 'logs:DescribeLogGroups', message: `log group ${name} does not exist` });
    });
    if (!group) return undefined;
    return { kind: 'log-group', name, retentionDays: typeof group.retentionInDays === 'number' ? group.retentionInDays : null };
  }
}

type Reader = <T>(check: string, fn: () => Promise<T>) => Promise<T | undefined>;
