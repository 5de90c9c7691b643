/**
 * ARNs: the one home of ARN parsing and of the identity ARNs faber-cloud reasons about.
 *
 * Splitting is `@aws-sdk/util-arn-parser`'s (the resource keeps its colons); this module adds
 * only what faber-cloud needs on top: never throw, and refuse what is not an ARN at all (empty
 * partition or resource). Pure, no I/O.
 */
import { parse, validate } from '@aws-sdk/util-arn-parser';

export interface Arn {
  partition: string;
  service: string;
  /** Empty for global resources (IAM, S3 buckets). */
  region: string;
  /** Empty for account-less resources (S3 buckets); `aws` for AWS managed policies. */
  accountId: string;
  /** Everything after the account, colons included (`function:name:alias`, `role/path/name`). */
  resource: string;
}

/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;

/** The parts of an ARN, or undefined for any value that is not one (never throws). */
export function parseArn(value: unknown): Arn | undefined {
  if (typeof value !== 'string' || !validate(value)) return undefined;
  const arn = parse(value);
  return arn.partition !== '' && arn.resource !== '' ? arn : undefined;
}

export interface IamPrincipal {
  type: 'user' | 'role';
  /** The user or role name (without its IAM path). */
  name: string;
  /** The IAM user or role ARN (for a session: the role's, which carries no path). */
  arn: string;
}

// IAM's own character sets: names and session names `[\w+=,.@-]`, paths printable ASCII.
const IAM_IDENTITY = /^(user|role)\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]+)$/;
const ASSUMED_ROLE = /^assumed-role\/([\w+=,.@-]+)\/[\w+=,.@-]+$/;
const PARTITION = /^[a-z-]+$/;

/**
 * The IAM user or role an identity ARN stands for: an IAM user or role ARN is itself, an STS
 * assumed-role session (`arn:aws:sts::123456789012:assumed-role/deploy/session`) is its role
 * (`arn:aws:iam::123456789012:role/deploy`). Anything else (root, federated users, other
 * services' ARNs, text that is not an ARN) -> undefined.
 */
export function iamPrincipalOf(identityArn: string | undefined): IamPrincipal | undefined {
  const arn = parseArn(identityArn);
  if (!arn || !PARTITION.test(arn.partition) || arn.region !== '' || !ACCOUNT_ID.test(arn.accountId)) return undefined;
  if (arn.service === 'sts') {
    const session = ASSUMED_ROLE.exec(arn.resource);
    if (!session) return undefined;
    const name = session[1] as string;
    return { type: 'role', name, arn: `arn:${arn.partition}:iam::${arn.accountId}:role/${name}` };
  }
  if (arn.service === 'iam') {
    const identity = IAM_IDENTITY.exec(arn.resource);
    if (identity) return { type: identity[1] as 'user' | 'role', name: identity[2] as string, arn: identityArn as string };
  }
  return undefined;
}

/**
 * Cluster and name of an ECS service ARN (`arn:aws:ecs:r:a:service/CLUSTER/NAME`; a Terraform
 * ECS service id is this ARN). The old short format `service/NAME` names no cluster: `cluster`
 * is then undefined (the service is in the default cluster).
 */
export function ecsServiceOf(value: unknown): { cluster?: string; service: string } | undefined {
  const arn = parseArn(value);
  const m = arn?.service === 'ecs' ? /^service\/(?:([^/]+)\/)?([^/]+)$/.exec(arn.resource) : null;
  if (!m) return undefined;
  return m[1] ? { cluster: m[1], service: m[2] as string } : { service: m[2] as string };
}

/** An AWS managed policy (`arn:aws:iam::aws:policy/…`): AWS's to maintain, not the project's. */
export function isAwsManagedPolicy(value: unknown): boolean {
  const arn = parseArn(value);
  return arn?.service === 'iam' && arn.accountId === 'aws' && arn.resource.startsWith('policy/');
}

/** Where a CloudFormation resource lives: from its stack's ARN. */
export interface ArnScope {
  partition: string;
  region: string;
  accountId: string;
}

/**
 * The ARN of a CloudFormation resource from its type and physical id (what `Ref` returns), for
 * the types whose physical id is a name, a URL or already the ARN; undefined for the others
 * (their ARN cannot be built from the physical id alone).
 */
const CFN_ARNS: Record<string, (id: string, s: ArnScope) => string | undefined> = {
  'AWS::S3::Bucket': (id, s) => `arn:${s.partition}:s3:::${id}`,
  'AWS::DynamoDB::Table': (id, s) => `arn:${s.partition}:dynamodb:${s.region}:${s.accountId}:table/${id}`,
  'AWS::IAM::Role': (id, s) => `arn:${s.partition}:iam::${s.accountId}:role/${id}`,
  'AWS::IAM::User': (id, s) => `arn:${s.partition}:iam::${s.accountId}:user/${id}`,
  'AWS::IAM::Group': (id, s) => `arn:${s.partition}:iam::${s.accountId}:group/${id}`,
  'AWS::IAM::InstanceProfile': (id, s) => `arn:${s.partition}:iam::${s.accountId}:instance-profile/${id}`,
  'AWS::Lambda::Function': (id, s) => `arn:${s.partition}:lambda:${s.region}:${s.accountId}:function:${id}`,
  'AWS::Logs::LogGroup': (id, s) => `arn:${s.partition}:logs:${s.region}:${s.accountId}:log-group:${id}`,
  // The physical id is the queue URL; its last segment is the name.
  'AWS::SQS::Queue': (id, s) => {
    const name = id.split('/').pop();
    return name ? `arn:${s.partition}:sqs:${s.region}:${s.accountId}:${name}` : undefined;
  },
  'AWS::KMS::Key': (id, s) => `arn:${s.partition}:kms:${s.region}:${s.accountId}:key/${id}`,
  'AWS::ECS::Cluster': (id, s) => `arn:${s.partition}:ecs:${s.region}:${s.accountId}:cluster/${id}`,
  'AWS::Events::Rule': (id, s) => (id.includes('|') ? undefined : `arn:${s.partition}:events:${s.region}:${s.accountId}:rule/${id}`),
  'AWS::SSM::Parameter': (id, s) => `arn:${s.partition}:ssm:${s.region}:${s.accountId}:parameter/${id.replace(/^\//, '')}`,
  'AWS::Kinesis::Stream': (id, s) => `arn:${s.partition}:kinesis:${s.region}:${s.accountId}:stream/${id}`,
  'AWS::ECR::Repository': (id, s) => `arn:${s.partition}:ecr:${s.region}:${s.accountId}:repository/${id}`,
};

export function cloudFormationResourceArn(type: string, physicalId: string | undefined, scope: ArnScope): string | undefined {
  if (!physicalId) return undefined;
  // SNS topics, managed policies, state machines, load balancers...: the physical id is the ARN.
  if (parseArn(physicalId)) return physicalId;
  const build = Object.hasOwn(CFN_ARNS, type) ? CFN_ARNS[type] : undefined;
  return build?.(physicalId, scope);
}
