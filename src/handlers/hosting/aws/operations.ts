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

const OPERATION_ACTION: Record<string, Record<string, string>> = {
  s3: S3_OPERATION_ACTION,
  lambda: LAMBDA_OPERATION_ACTION,
};

/**
 * How AWS spells the actions of the services a deploy usually touches (operation names of the
 * AWS SDK for Go v2; for these services the operation and action names agree). Used only to
 * restore case: SQS, for one, writes `sqs:createqueue` in its denial messages.
 */
const CANONICAL_ACTIONS: Record<string, string> = {
  sqs: 'AddPermission CancelMessageMoveTask ChangeMessageVisibility ChangeMessageVisibilityBatch CreateQueue DeleteMessage DeleteMessageBatch DeleteQueue GetQueueAttributes GetQueueUrl ListDeadLetterSourceQueues ListMessageMoveTasks ListQueueTags ListQueues PurgeQueue ReceiveMessage RemovePermission SendMessage SendMessageBatch SetQueueAttributes StartMessageMoveTask TagQueue UntagQueue',
  sns: 'AddPermission CheckIfPhoneNumberIsOptedOut ConfirmSubscription CreatePlatformApplication CreatePlatformEndpoint CreateSMSSandboxPhoneNumber CreateTopic DeleteEndpoint DeletePlatformApplication DeleteSMSSandboxPhoneNumber DeleteTopic GetDataProtectionPolicy GetEndpointAttributes GetPlatformApplicationAttributes GetSMSAttributes GetSMSSandboxAccountStatus GetSubscriptionAttributes GetTopicAttributes ListEndpointsByPlatformApplication ListOriginationNumbers ListPhoneNumbersOptedOut ListPlatformApplications ListSMSSandboxPhoneNumbers ListSubscriptions ListSubscriptionsByTopic ListTagsForResource ListTopics OptInPhoneNumber Publish PublishBatch PutDataProtectionPolicy RemovePermission SetEndpointAttributes SetPlatformApplicationAttributes SetSMSAttributes SetSubscriptionAttributes SetTopicAttributes Subscribe TagResource Unsubscribe UntagResource VerifySMSSandboxPhoneNumber',
  dynamodb: 'BatchExecuteStatement BatchGetItem BatchWriteItem CreateBackup CreateGlobalTable CreateTable DeleteBackup DeleteItem DeleteResourcePolicy DeleteTable DescribeBackup DescribeContinuousBackups DescribeContributorInsights DescribeEndpoints DescribeExport DescribeGlobalTable DescribeGlobalTableSettings DescribeImport DescribeKinesisStreamingDestination DescribeLimits DescribeTable DescribeTableReplicaAutoScaling DescribeTimeToLive DisableKinesisStreamingDestination EnableKinesisStreamingDestination ExecuteStatement ExecuteTransaction ExportTableToPointInTime GetItem GetResourcePolicy ImportTable ListBackups ListContributorInsights ListExports ListGlobalTables ListImports ListTables ListTagsOfResource PutItem PutResourcePolicy Query RestoreTableFromBackup RestoreTableToPointInTime Scan TagResource TransactGetItems TransactWriteItems UntagResource UpdateContinuousBackups UpdateContributorInsights UpdateGlobalTable UpdateGlobalTableSettings UpdateItem UpdateKinesisStreamingDestination UpdateTable UpdateTableReplicaAutoScaling UpdateTimeToLive',
  lambda: 'AddLayerVersionPermission AddPermission CreateAlias CreateCodeSigningConfig CreateEventSourceMapping CreateFunction CreateFunctionUrlConfig DeleteAlias DeleteCodeSigningConfig DeleteEventSourceMapping DeleteFunction DeleteFunctionCodeSigningConfig DeleteFunctionConcurrency DeleteFunctionEventInvokeConfig DeleteFunctionUrlConfig DeleteLayerVersion DeleteProvisionedConcurrencyConfig GetAccountSettings GetAlias GetCodeSigningConfig GetEventSourceMapping GetFunction GetFunctionCodeSigningConfig GetFunctionConcurrency GetFunctionConfiguration GetFunctionEventInvokeConfig GetFunctionRecursionConfig GetFunctionUrlConfig GetLayerVersion GetLayerVersionPolicy GetPolicy GetProvisionedConcurrencyConfig GetRuntimeManagementConfig InvokeAsync InvokeFunction InvokeFunctionUrl ListAliases ListCodeSigningConfigs ListEventSourceMappings ListFunctionEventInvokeConfigs ListFunctionUrlConfigs ListFunctions ListFunctionsByCodeSigningConfig ListLayerVersions ListLayers ListProvisionedConcurrencyConfigs ListTags ListVersionsByFunction PublishLayerVersion PublishVersion PutFunctionCodeSigningConfig PutFunctionConcurrency PutFunctionEventInvokeConfig PutFunctionRecursionConfig PutProvisionedConcurrencyConfig PutRuntimeManagementConfig RemoveLayerVersionPermission RemovePermission TagResource UntagResource UpdateAlias UpdateCodeSigningConfig UpdateEventSourceMapping UpdateFunctionCode UpdateFunctionConfiguration UpdateFunctionEventInvokeConfig UpdateFunctionUrlConfig',
  logs: 'AssociateKmsKey CancelExportTask CreateDelivery CreateExportTask CreateLogAnomalyDetector CreateLogGroup CreateLogStream DeleteAccountPolicy DeleteDataProtectionPolicy DeleteDelivery DeleteDeliveryDestination DeleteDeliveryDestinationPolicy DeleteDeliverySource DeleteDestination DeleteIndexPolicy DeleteLogAnomalyDetector DeleteLogGroup DeleteLogStream DeleteMetricFilter DeleteQueryDefinition DeleteResourcePolicy DeleteRetentionPolicy DeleteSubscriptionFilter DeleteTransformer DescribeAccountPolicies DescribeDeliveries DescribeDeliveryDestinations DescribeDeliverySources DescribeDestinations DescribeExportTasks DescribeFieldIndexes DescribeIndexPolicies DescribeLogGroups DescribeLogStreams DescribeMetricFilters DescribeQueries DescribeQueryDefinitions DescribeResourcePolicies DescribeSubscriptionFilters DisassociateKmsKey FilterLogEvents GetDataProtectionPolicy GetDelivery GetDeliveryDestination GetDeliveryDestinationPolicy GetDeliverySource GetLogAnomalyDetector GetLogEvents GetLogGroupFields GetLogRecord GetQueryResults GetTransformer ListAnomalies ListLogAnomalyDetectors ListLogGroups ListTagsForResource ListTagsLogGroup PutAccountPolicy PutDataProtectionPolicy PutDeliveryDestination PutDeliveryDestinationPolicy PutDeliverySource PutDestination PutDestinationPolicy PutIndexPolicy PutLogEvents PutMetricFilter PutQueryDefinition PutResourcePolicy PutRetentionPolicy PutSubscriptionFilter PutTransformer StartLiveTail StartQuery StopQuery TagLogGroup TagResource TestMetricFilter TestTransformer UntagLogGroup UntagResource UpdateAnomaly UpdateDeliveryConfiguration UpdateLogAnomalyDetector',
  kms: 'CancelKeyDeletion ConnectCustomKeyStore CreateAlias CreateCustomKeyStore CreateGrant CreateKey Decrypt DeleteAlias DeleteCustomKeyStore DeleteImportedKeyMaterial DeriveSharedSecret DescribeCustomKeyStores DescribeKey DisableKey DisableKeyRotation DisconnectCustomKeyStore EnableKey EnableKeyRotation Encrypt GenerateDataKey GenerateDataKeyPair GenerateDataKeyPairWithoutPlaintext GenerateDataKeyWithoutPlaintext GenerateMac GenerateRandom GetKeyPolicy GetKeyRotationStatus GetParametersForImport GetPublicKey ImportKeyMaterial ListAliases ListGrants ListKeyPolicies ListKeyRotations ListKeys ListResourceTags ListRetirableGrants PutKeyPolicy ReEncryptFrom ReEncryptTo ReplicateKey RetireGrant RevokeGrant RotateKeyOnDemand ScheduleKeyDeletion Sign TagResource UntagResource UpdateAlias UpdateCustomKeyStore UpdateKeyDescription UpdatePrimaryRegion Verify VerifyMac',
  sts: 'AssumeRole AssumeRoleWithSAML AssumeRoleWithWebIdentity AssumeRoot DecodeAuthorizationMessage GetAccessKeyInfo GetCallerIdentity GetFederationToken GetServiceBearerToken GetSessionToken SetSourceIdentity TagSession',
  cloudwatch: 'DeleteAlarms DeleteAnomalyDetector DeleteDashboards DeleteInsightRules DeleteMetricStream DescribeAlarmHistory DescribeAlarms DescribeAlarmsForMetric DescribeAnomalyDetectors DescribeInsightRules DisableAlarmActions DisableInsightRules EnableAlarmActions EnableInsightRules GetDashboard GetInsightRuleReport GetMetricData GetMetricStatistics GetMetricStream GetMetricWidgetImage ListDashboards ListManagedInsightRules ListMetricStreams ListMetrics ListTagsForResource PutAnomalyDetector PutCompositeAlarm PutDashboard PutInsightRule PutManagedInsightRules PutMetricAlarm PutMetricData PutMetricStream SetAlarmState StartMetricStreams StopMetricStreams TagResource UntagResource',
  iam: 'AddClientIDToOpenIDConnectProvider AddRoleToInstanceProfile AddUserToGroup AttachGroupPolicy AttachRolePolicy AttachUserPolicy ChangePassword CreateAccessKey CreateAccountAlias CreateGroup CreateInstanceProfile CreateLoginProfile CreateOpenIDConnectProvider CreatePolicy CreatePolicyVersion CreateRole CreateSAMLProvider CreateServiceLinkedRole CreateServiceSpecificCredential CreateUser CreateVirtualMFADevice DeactivateMFADevice DeleteAccessKey DeleteAccountAlias DeleteAccountPasswordPolicy DeleteGroup DeleteGroupPolicy DeleteInstanceProfile DeleteLoginProfile DeleteOpenIDConnectProvider DeletePolicy DeletePolicyVersion DeleteRole DeleteRolePermissionsBoundary DeleteRolePolicy DeleteSAMLProvider DeleteSSHPublicKey DeleteServerCertificate DeleteServiceLinkedRole DeleteServiceSpecificCredential DeleteSigningCertificate DeleteUser DeleteUserPermissionsBoundary DeleteUserPolicy DeleteVirtualMFADevice DetachGroupPolicy DetachRolePolicy DetachUserPolicy EnableMFADevice GenerateCredentialReport GenerateOrganizationsAccessReport GenerateServiceLastAccessedDetails GetAccessKeyLastUsed GetAccountAuthorizationDetails GetAccountPasswordPolicy GetAccountSummary GetContextKeysForCustomPolicy GetContextKeysForPrincipalPolicy GetCredentialReport GetGroup GetGroupPolicy GetInstanceProfile GetLoginProfile GetMFADevice GetOpenIDConnectProvider GetOrganizationsAccessReport GetPolicy GetPolicyVersion GetRole GetRolePolicy GetSAMLProvider GetSSHPublicKey GetServerCertificate GetServiceLastAccessedDetails GetServiceLastAccessedDetailsWithEntities GetServiceLinkedRoleDeletionStatus GetUser GetUserPolicy ListAccessKeys ListAccountAliases ListAttachedGroupPolicies ListAttachedRolePolicies ListAttachedUserPolicies ListEntitiesForPolicy ListGroupPolicies ListGroups ListGroupsForUser ListInstanceProfileTags ListInstanceProfiles ListInstanceProfilesForRole ListMFADeviceTags ListMFADevices ListOpenIDConnectProviderTags ListOpenIDConnectProviders ListPolicies ListPoliciesGrantingServiceAccess ListPolicyTags ListPolicyVersions ListRolePolicies ListRoleTags ListRoles ListSAMLProviderTags ListSAMLProviders ListSSHPublicKeys ListServerCertificateTags ListServerCertificates ListServiceSpecificCredentials ListSigningCertificates ListUserPolicies ListUserTags ListUsers ListVirtualMFADevices PassRole PutGroupPolicy PutRolePermissionsBoundary PutRolePolicy PutUserPermissionsBoundary PutUserPolicy RemoveClientIDFromOpenIDConnectProvider RemoveRoleFromInstanceProfile RemoveUserFromGroup ResetServiceSpecificCredential ResyncMFADevice SetDefaultPolicyVersion SetSecurityTokenServicePreferences SimulateCustomPolicy SimulatePrincipalPolicy TagInstanceProfile TagMFADevice TagOpenIDConnectProvider TagPolicy TagRole TagSAMLProvider TagServerCertificate TagUser UntagInstanceProfile UntagMFADevice UntagOpenIDConnectProvider UntagPolicy UntagRole UntagSAMLProvider UntagServerCertificate UntagUser UpdateAccessKey UpdateAccountPasswordPolicy UpdateAssumeRolePolicy UpdateGroup UpdateLoginProfile UpdateOpenIDConnectProviderThumbprint UpdateRole UpdateRoleDescription UpdateSAMLProvider UpdateSSHPublicKey UpdateServerCertificate UpdateServiceSpecificCredential UpdateSigningCertificate UpdateUser UploadSSHPublicKey UploadServerCertificate UploadSigningCertificate',
  ec2: 'AllocateAddress AssociateRouteTable AttachInternetGateway AuthorizeSecurityGroupEgress AuthorizeSecurityGroupIngress CreateInternetGateway CreateKeyPair CreateLaunchTemplate CreateNatGateway CreateRoute CreateRouteTable CreateSecurityGroup CreateSubnet CreateTags CreateVolume CreateVpc DeleteSecurityGroup DeleteSubnet DeleteTags DeleteVpc DescribeAvailabilityZones DescribeImages DescribeInstanceAttribute DescribeInstanceTypes DescribeInstances DescribeSecurityGroups DescribeSubnets DescribeVpcs ModifyInstanceAttribute RunInstances StartInstances StopInstances TerminateInstances',
  s3: 'AbortMultipartUpload CreateBucket DeleteBucket DeleteBucketPolicy DeleteBucketWebsite DeleteObject DeleteObjectTagging DeleteObjectVersion GetAccelerateConfiguration GetAnalyticsConfiguration GetBucketAcl GetBucketCORS GetBucketLocation GetBucketLogging GetBucketNotification GetBucketObjectLockConfiguration GetBucketOwnershipControls GetBucketPolicy GetBucketPolicyStatus GetBucketPublicAccessBlock GetBucketRequestPayment GetBucketTagging GetBucketVersioning GetBucketWebsite GetEncryptionConfiguration GetIntelligentTieringConfiguration GetInventoryConfiguration GetLifecycleConfiguration GetMetricsConfiguration GetObject GetObjectAcl GetObjectAttributes GetObjectRetention GetObjectTagging GetObjectVersion GetReplicationConfiguration ListAllMyBuckets ListBucket ListBucketMultipartUploads ListBucketVersions ListMultipartUploadParts PutAccelerateConfiguration PutAnalyticsConfiguration PutBucketAcl PutBucketCORS PutBucketLogging PutBucketNotification PutBucketObjectLockConfiguration PutBucketOwnershipControls PutBucketPolicy PutBucketPublicAccessBlock PutBucketRequestPayment PutBucketTagging PutBucketVersioning PutBucketWebsite PutEncryptionConfiguration PutIntelligentTieringConfiguration PutInventoryConfiguration PutLifecycleConfiguration PutMetricsConfiguration PutObject PutObjectAcl PutObjectRetention PutObjectTagging PutReplicationConfiguration',
};

let canonicalIndex: Map<string, string> | undefined;
/** "service:lowercased" -> canonical action name. */
function canonical(): Map<string, string> {
  if (!canonicalIndex) {
    canonicalIndex = new Map();
    for (const [service, names] of Object.entries(CANONICAL_ACTIONS)) {
      for (const name of names.split(' ')) canonicalIndex.set(`${service}:${name.toLowerCase()}`, name);
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
    for (const [service, names] of Object.entries(CANONICAL_ACTIONS)) for (const name of names.split(' ')) add(name, service);
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
