import type { ChangeAction, PlannedResource } from '../types.js';

/**
 * The one home of the correspondence between CloudFormation resource types and the neutral
 * resource vocabulary faber-cloud's rules, price table, action map and post-deploy checks are
 * keyed by (the hashicorp/aws provider's types and attribute names). A CloudFormation resource
 * becomes one neutral resource of its type, plus one per property that Terraform models as a
 * separate resource: a bucket's `BucketEncryption`, `PublicAccessBlockConfiguration`,
 * `VersioningConfiguration`, `LoggingConfiguration` become the bucket's
 * `aws_s3_bucket_server_side_encryption_configuration`, `_public_access_block`, `_versioning`,
 * `_logging` (addressed `<LogicalId>.<Property>`), each tied to its bucket as Terraform's are.
 *
 * Intrinsic functions are resolved where the template alone decides them (a parameter's value,
 * the region, `Fn::Sub`/`Fn::Join` of those); anything else (`Fn::GetAtt`, a `Ref` to a
 * resource, conditions) is a value known only after apply, as in a Terraform plan, and what it
 * refers to is kept as a reference.
 */

type Props = Record<string, unknown>;
type Values = Record<string, unknown>;

/** A value known only after apply. */
const UNKNOWN: unique symbol = Symbol('known after apply');
/** What an unknown value inside a document (a policy's Resource, a tag) reads as. */
export const UNKNOWN_TEXT = '(known after apply)';

interface Part {
  type: string;
  /** The property it comes from (its address is `<LogicalId>.<suffix>`); none for the resource itself. */
  suffix?: string;
  values: Values;
  /** Neutral attribute -> the CloudFormation property whose references it carries. */
  refs?: Record<string, string>;
  /** Neutral attribute -> the neutral resource of this logical id it refers to (a companion's bucket). */
  own?: Record<string, string>;
}

interface TypeSpec {
  type: string;
  /** The resource and its companions, from resolved properties. */
  parts?: (p: Props) => Part[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const objects = (v: unknown): Props[] => list(v).filter(isObject);
const num = (v: unknown): unknown => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v);
const defined = (values: Values): Values => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));

/** CloudFormation's `Tags: [{Key, Value}]` (or a map, as SSM and a few others take) as a tag map. */
function tagsOf(v: unknown): Values {
  if (isObject(v)) return { ...v };
  const out: Values = {};
  for (const t of objects(v)) if (typeof t.Key === 'string') out[t.Key] = t.Value === UNKNOWN ? UNKNOWN_TEXT : t.Value;
  return out;
}

/** A policy document as Terraform plans carry it: a JSON string. */
function policy(v: unknown): unknown {
  if (v === undefined || v === UNKNOWN) return v;
  return typeof v === 'string' ? v : JSON.stringify(settle(v));
}

const ACLS: Record<string, string> = {
  Private: 'private',
  PublicRead: 'public-read',
  PublicReadWrite: 'public-read-write',
  AuthenticatedRead: 'authenticated-read',
  LogDeliveryWrite: 'log-delivery-write',
  BucketOwnerRead: 'bucket-owner-read',
  BucketOwnerFullControl: 'bucket-owner-full-control',
  AwsExecRead: 'aws-exec-read',
};

function named(type: string, nameProperty?: string, attribute = 'name', extra?: (p: Props) => Values, taggable = true): TypeSpec {
  return {
    type,
    parts: (p) => [
      {
        type,
        values: defined({ ...(nameProperty ? { [attribute]: p[nameProperty] } : {}), ...(taggable ? { tags: tagsOf(p.Tags) } : {}), ...(extra?.(p) ?? {}) }),
        ...(nameProperty ? { refs: { [attribute]: nameProperty } } : {}),
      },
    ],
  };
}

function ingressOf(rule: Props): Values {
  return defined({
    protocol: rule.IpProtocol === undefined ? undefined : String(rule.IpProtocol),
    from_port: num(rule.FromPort),
    to_port: num(rule.ToPort),
    cidr_blocks: rule.CidrIp === undefined ? [] : [rule.CidrIp],
    ipv6_cidr_blocks: rule.CidrIpv6 === undefined ? [] : [rule.CidrIpv6],
  });
}

/** The bucket companions: CloudFormation property -> the Terraform resource that holds the same setting. */
function bucketParts(p: Props): Part[] {
  const bucket = p.BucketName;
  const companion = (suffix: string, type: string, values: Values, refs?: Record<string, string>): Part => ({
    type,
    suffix,
    values: defined({ bucket, ...values }),
    refs: { bucket: 'BucketName', ...refs },
    own: { bucket: 'aws_s3_bucket' },
  });
  const parts: Part[] = [{ type: 'aws_s3_bucket', values: defined({ bucket, tags: tagsOf(p.Tags), object_lock_enabled: p.ObjectLockEnabled }), refs: { bucket: 'BucketName' } }];
  if (p.AccessControl !== undefined) {
    const acl = typeof p.AccessControl === 'string' ? (ACLS[p.AccessControl] ?? p.AccessControl) : p.AccessControl;
    parts.push(companion('AccessControl', 'aws_s3_bucket_acl', { acl }));
  }
  if (isObject(p.BucketEncryption)) {
    const rules = objects(p.BucketEncryption.ServerSideEncryptionConfiguration).map((r) => {
      const d = isObject(r.ServerSideEncryptionByDefault) ? r.ServerSideEncryptionByDefault : {};
      return defined({ apply_server_side_encryption_by_default: [defined({ sse_algorithm: d.SSEAlgorithm, kms_master_key_id: d.KMSMasterKeyID })], bucket_key_enabled: r.BucketKeyEnabled });
    });
    parts.push(companion('BucketEncryption', 'aws_s3_bucket_server_side_encryption_configuration', { rule: rules }));
  }
  if (isObject(p.PublicAccessBlockConfiguration)) {
    const c = p.PublicAccessBlockConfiguration;
    // CloudFormation's flags default to false when left out, as Terraform's do.
    parts.push(
      companion('PublicAccessBlockConfiguration', 'aws_s3_bucket_public_access_block', {
        block_public_acls: c.BlockPublicAcls ?? false,
        block_public_policy: c.BlockPublicPolicy ?? false,
        ignore_public_acls: c.IgnorePublicAcls ?? false,
        restrict_public_buckets: c.RestrictPublicBuckets ?? false,
      }),
    );
  }
  if (isObject(p.VersioningConfiguration)) parts.push(companion('VersioningConfiguration', 'aws_s3_bucket_versioning', { versioning_configuration: [defined({ status: p.VersioningConfiguration.Status })] }));
  if (isObject(p.LoggingConfiguration)) {
    const l = p.LoggingConfiguration;
    parts.push(companion('LoggingConfiguration', 'aws_s3_bucket_logging', defined({ target_bucket: l.DestinationBucketName, target_prefix: l.LogFilePrefix }), { target_bucket: 'LoggingConfiguration' }));
  }
  const simple: [string, string][] = [
    ['LifecycleConfiguration', 'aws_s3_bucket_lifecycle_configuration'],
    ['CorsConfiguration', 'aws_s3_bucket_cors_configuration'],
    ['WebsiteConfiguration', 'aws_s3_bucket_website_configuration'],
    ['OwnershipControls', 'aws_s3_bucket_ownership_controls'],
    ['NotificationConfiguration', 'aws_s3_bucket_notification'],
    ['ReplicationConfiguration', 'aws_s3_bucket_replication_configuration'],
    ['AccelerateConfiguration', 'aws_s3_bucket_accelerate_configuration'],
    ['ObjectLockConfiguration', 'aws_s3_bucket_object_lock_configuration'],
  ];
  for (const [property, type] of simple) if (p[property] !== undefined) parts.push(companion(property, type, {}));
  return parts;
}

/** An inline or attached policy of a role, user or group (AWS::IAM::Policy and the `Policies` property). */
function inlinePolicies(p: Props, kind: 'role' | 'user' | 'group'): Part[] {
  return objects(p.Policies).map((x) => ({
    type: `aws_iam_${kind}_policy`,
    suffix: `Policies.${String(x.PolicyName)}`,
    values: defined({ name: x.PolicyName, policy: policy(x.PolicyDocument) }),
    own: { [kind]: `aws_iam_${kind}` },
  }));
}

function attachments(p: Props, kind: 'user' | 'group'): Part[] {
  return list(p.ManagedPolicyArns).map((arn, i) => ({
    type: `aws_iam_${kind}_policy_attachment`,
    suffix: `ManagedPolicyArns.${i}`,
    values: defined({ policy_arn: arn }),
    own: { [kind]: `aws_iam_${kind}` },
  }));
}

const SPECS: Record<string, TypeSpec> = {
  'AWS::S3::Bucket': { type: 'aws_s3_bucket', parts: bucketParts },
  'AWS::S3::BucketPolicy': { type: 'aws_s3_bucket_policy', parts: (p) => [{ type: 'aws_s3_bucket_policy', values: defined({ bucket: p.Bucket, policy: policy(p.PolicyDocument) }), refs: { bucket: 'Bucket' } }] },
  'AWS::DynamoDB::Table': named('aws_dynamodb_table', 'TableName', 'name', (p) => {
    const t = isObject(p.ProvisionedThroughput) ? p.ProvisionedThroughput : {};
    const sse = isObject(p.SSESpecification) ? p.SSESpecification : undefined;
    return {
      // CloudFormation's default, as Terraform's.
      billing_mode: p.BillingMode ?? 'PROVISIONED',
      read_capacity: num(t.ReadCapacityUnits),
      write_capacity: num(t.WriteCapacityUnits),
      server_side_encryption: sse ? [defined({ enabled: sse.SSEEnabled ?? false, kms_key_arn: sse.KMSMasterKeyId })] : [],
      point_in_time_recovery: isObject(p.PointInTimeRecoverySpecification) ? [{ enabled: p.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled ?? false }] : [],
      stream_enabled: isObject(p.StreamSpecification) ? true : undefined,
      ttl: isObject(p.TimeToLiveSpecification) ? [defined({ attribute_name: p.TimeToLiveSpecification.AttributeName, enabled: p.TimeToLiveSpecification.Enabled })] : [],
      table_class: p.TableClass,
    };
  }),
  'AWS::SNS::Topic': named('aws_sns_topic', 'TopicName', 'name', (p) => ({ kms_master_key_id: p.KmsMasterKeyId, fifo_topic: p.FifoTopic })),
  'AWS::SNS::TopicPolicy': { type: 'aws_sns_topic_policy', parts: (p) => [{ type: 'aws_sns_topic_policy', values: defined({ arn: list(p.Topics)[0], policy: policy(p.PolicyDocument) }), refs: { arn: 'Topics' } }] },
  'AWS::SNS::Subscription': named('aws_sns_topic_subscription', undefined, 'name', (p) => ({ topic_arn: p.TopicArn, protocol: p.Protocol, endpoint: p.Endpoint }), false),
  'AWS::SQS::Queue': named('aws_sqs_queue', 'QueueName', 'name', (p) => ({
    kms_master_key_id: p.KmsMasterKeyId,
    sqs_managed_sse_enabled: p.SqsManagedSseEnabled,
    fifo_queue: p.FifoQueue,
    visibility_timeout_seconds: num(p.VisibilityTimeout),
  })),
  'AWS::SQS::QueuePolicy': { type: 'aws_sqs_queue_policy', parts: (p) => [{ type: 'aws_sqs_queue_policy', values: defined({ queue_url: list(p.Queues)[0], policy: policy(p.PolicyDocument) }), refs: { queue_url: 'Queues' } }] },
  'AWS::IAM::Role': {
    type: 'aws_iam_role',
    parts: (p) => [
      {
        type: 'aws_iam_role',
        values: defined({
          name: p.RoleName,
          path: p.Path,
          description: p.Description,
          assume_role_policy: policy(p.AssumeRolePolicyDocument),
          managed_policy_arns: p.ManagedPolicyArns === undefined ? undefined : list(p.ManagedPolicyArns),
          // Terraform's inline_policy blocks: the rules read each policy there, as for a Terraform role.
          inline_policy: objects(p.Policies).map((x) => defined({ name: x.PolicyName, policy: policy(x.PolicyDocument) })),
          max_session_duration: num(p.MaxSessionDuration),
          permissions_boundary: p.PermissionsBoundary,
          tags: tagsOf(p.Tags),
        }),
        refs: { name: 'RoleName', managed_policy_arns: 'ManagedPolicyArns', permissions_boundary: 'PermissionsBoundary' },
      },
    ],
  },
  'AWS::IAM::Policy': {
    type: 'aws_iam_role_policy',
    parts: (p) => {
      const kinds = (['Roles', 'Users', 'Groups'] as const).filter((k) => list(p[k]).length > 0);
      return (kinds.length > 0 ? kinds : (['Roles'] as const)).map((k) => {
        const kind = k === 'Roles' ? 'role' : k === 'Users' ? 'user' : 'group';
        return { type: `aws_iam_${kind}_policy`, ...(kinds.length > 1 ? { suffix: k } : {}), values: defined({ name: p.PolicyName, policy: policy(p.PolicyDocument), [kind]: list(p[k])[0] }), refs: { [kind]: k } };
      });
    },
  },
  'AWS::IAM::ManagedPolicy': {
    type: 'aws_iam_policy',
    parts: (p) => [
      { type: 'aws_iam_policy', values: defined({ name: p.ManagedPolicyName, path: p.Path, description: p.Description, policy: policy(p.PolicyDocument) }), refs: { name: 'ManagedPolicyName' } },
      ...(['Roles', 'Users', 'Groups'] as const).flatMap((k) => {
        const kind = k === 'Roles' ? 'role' : k === 'Users' ? 'user' : 'group';
        return list(p[k]).map((target, i) => ({
          type: `aws_iam_${kind}_policy_attachment`,
          suffix: `${k}.${i}`,
          values: defined({ [kind]: target }),
          own: { policy_arn: 'aws_iam_policy' },
        }));
      }),
    ],
  },
  'AWS::IAM::User': {
    type: 'aws_iam_user',
    parts: (p) => [{ type: 'aws_iam_user', values: defined({ name: p.UserName, path: p.Path, tags: tagsOf(p.Tags) }), refs: { name: 'UserName' } }, ...inlinePolicies(p, 'user'), ...attachments(p, 'user')],
  },
  'AWS::IAM::Group': {
    type: 'aws_iam_group',
    parts: (p) => [{ type: 'aws_iam_group', values: defined({ name: p.GroupName, path: p.Path }), refs: { name: 'GroupName' } }, ...inlinePolicies(p, 'group'), ...attachments(p, 'group')],
  },
  'AWS::IAM::InstanceProfile': named('aws_iam_instance_profile', 'InstanceProfileName', 'name', (p) => ({ role: list(p.Roles)[0] }), false),
  'AWS::Lambda::Function': {
    type: 'aws_lambda_function',
    parts: (p) => [
      {
        type: 'aws_lambda_function',
        values: defined({
          function_name: p.FunctionName,
          runtime: p.Runtime,
          handler: p.Handler,
          role: p.Role,
          // CloudFormation's default, as Terraform's.
          memory_size: num(p.MemorySize) ?? 128,
          timeout: num(p.Timeout),
          logging_config: isObject(p.LoggingConfig) ? [defined({ log_group: p.LoggingConfig.LogGroup, log_format: p.LoggingConfig.LogFormat })] : [],
          tags: tagsOf(p.Tags),
        }),
        refs: { function_name: 'FunctionName', role: 'Role' },
      },
    ],
  },
  'AWS::Lambda::Permission': named('aws_lambda_permission', undefined, 'name', (p) => ({ function_name: p.FunctionName, principal: p.Principal, action: p.Action }), false),
  'AWS::Lambda::EventSourceMapping': named('aws_lambda_event_source_mapping', undefined, 'name', (p) => ({ function_name: p.FunctionName, event_source_arn: p.EventSourceArn }), false),
  'AWS::Lambda::Alias': named('aws_lambda_alias', 'Name', 'name', (p) => ({ function_name: p.FunctionName }), false),
  'AWS::Logs::LogGroup': named('aws_cloudwatch_log_group', 'LogGroupName', 'name', (p) => ({ retention_in_days: num(p.RetentionInDays), kms_key_id: p.KmsKeyId })),
  'AWS::EC2::SecurityGroup': named('aws_security_group', 'GroupName', 'name', (p) => ({
    description: p.GroupDescription,
    vpc_id: p.VpcId,
    ingress: objects(p.SecurityGroupIngress).map(ingressOf),
    egress: objects(p.SecurityGroupEgress).map(ingressOf),
  })),
  'AWS::EC2::SecurityGroupIngress': named('aws_vpc_security_group_ingress_rule', undefined, 'name', (p) => ({
    security_group_id: p.GroupId,
    ip_protocol: p.IpProtocol === undefined ? undefined : String(p.IpProtocol),
    from_port: num(p.FromPort),
    to_port: num(p.ToPort),
    cidr_ipv4: p.CidrIp,
    cidr_ipv6: p.CidrIpv6,
  }), false),
  'AWS::EC2::SecurityGroupEgress': named('aws_vpc_security_group_egress_rule', undefined, 'name', (p) => ({ security_group_id: p.GroupId, ip_protocol: p.IpProtocol === undefined ? undefined : String(p.IpProtocol), cidr_ipv4: p.CidrIp }), false),
  'AWS::EC2::Volume': named('aws_ebs_volume', undefined, 'name', (p) => ({
    availability_zone: p.AvailabilityZone,
    size: num(p.Size),
    type: p.VolumeType,
    // Left out, it follows the account's EBS encryption default: known only after apply, as in Terraform.
    encrypted: p.Encrypted === undefined ? UNKNOWN : p.Encrypted,
    kms_key_id: p.KmsKeyId,
  })),
  'AWS::EC2::Instance': named('aws_instance', undefined, 'name', (p) => ({
    instance_type: p.InstanceType,
    ami: p.ImageId,
    ebs_block_device: objects(p.BlockDeviceMappings)
      .filter((m) => isObject(m.Ebs))
      .map((m) => {
        const ebs = m.Ebs as Props;
        return defined({ device_name: m.DeviceName, encrypted: ebs.Encrypted, volume_size: num(ebs.VolumeSize), volume_type: ebs.VolumeType });
      }),
  })),
  'AWS::EC2::LaunchTemplate': named('aws_launch_template', 'LaunchTemplateName', 'name', (p) => {
    const data = isObject(p.LaunchTemplateData) ? p.LaunchTemplateData : {};
    return {
      block_device_mappings: objects(data.BlockDeviceMappings).map((m) =>
        defined({ device_name: m.DeviceName, ebs: isObject(m.Ebs) ? [defined({ encrypted: m.Ebs.Encrypted === undefined ? undefined : String(m.Ebs.Encrypted), volume_size: num(m.Ebs.VolumeSize) })] : [] }),
      ),
    };
  }, false),
  'AWS::EC2::VPC': named('aws_vpc', undefined, 'name', (p) => ({ cidr_block: p.CidrBlock })),
  'AWS::EC2::Subnet': named('aws_subnet', undefined, 'name', (p) => ({ cidr_block: p.CidrBlock, vpc_id: p.VpcId })),
  'AWS::EC2::RouteTable': named('aws_route_table', undefined, 'name', (p) => ({ vpc_id: p.VpcId })),
  'AWS::EC2::Route': named('aws_route', undefined, 'name', (p) => ({ route_table_id: p.RouteTableId, destination_cidr_block: p.DestinationCidrBlock }), false),
  'AWS::EC2::SubnetRouteTableAssociation': named('aws_route_table_association', undefined, 'name', (p) => ({ subnet_id: p.SubnetId, route_table_id: p.RouteTableId }), false),
  'AWS::EC2::InternetGateway': named('aws_internet_gateway'),
  'AWS::EC2::VPCGatewayAttachment': named('aws_internet_gateway_attachment', undefined, 'name', (p) => ({ vpc_id: p.VpcId, internet_gateway_id: p.InternetGatewayId }), false),
  'AWS::EC2::NatGateway': named('aws_nat_gateway', undefined, 'name', (p) => ({ subnet_id: p.SubnetId, allocation_id: p.AllocationId })),
  'AWS::EC2::EIP': named('aws_eip', undefined, 'name', (p) => ({ domain: p.Domain })),
  'AWS::RDS::DBInstance': {
    type: 'aws_db_instance',
    parts: (p) => {
      // A member of an Aurora cluster is Terraform's aws_rds_cluster_instance.
      const member = p.DBClusterIdentifier !== undefined;
      const type = member ? 'aws_rds_cluster_instance' : 'aws_db_instance';
      return [
        {
          type,
          values: defined({
            identifier: p.DBInstanceIdentifier,
            instance_class: p.DBInstanceClass,
            engine: p.Engine,
            tags: tagsOf(p.Tags),
            ...(member
              ? { cluster_identifier: p.DBClusterIdentifier }
              : {
                  allocated_storage: num(p.AllocatedStorage),
                  storage_type: p.StorageType,
                  // CloudFormation's default, as Terraform's.
                  storage_encrypted: p.StorageEncrypted ?? false,
                  multi_az: p.MultiAZ ?? false,
                  publicly_accessible: p.PubliclyAccessible,
                  replicate_source_db: p.SourceDBInstanceIdentifier,
                }),
          }),
          refs: { identifier: 'DBInstanceIdentifier' },
        },
      ];
    },
  },
  'AWS::RDS::DBCluster': named('aws_rds_cluster', 'DBClusterIdentifier', 'cluster_identifier', (p) => ({ engine: p.Engine, storage_encrypted: p.StorageEncrypted ?? false })),
  'AWS::RDS::DBSubnetGroup': named('aws_db_subnet_group', 'DBSubnetGroupName'),
  'AWS::ElastiCache::CacheCluster': named('aws_elasticache_cluster', 'ClusterName', 'cluster_id', (p) => ({ node_type: p.CacheNodeType, num_cache_nodes: num(p.NumCacheNodes), engine: p.Engine })),
  'AWS::KMS::Key': named('aws_kms_key', undefined, 'name', (p) => ({ description: p.Description, enable_key_rotation: p.EnableKeyRotation })),
  'AWS::KMS::Alias': named('aws_kms_alias', 'AliasName', 'name', (p) => ({ target_key_id: p.TargetKeyId }), false),
  // Never the secret or parameter value: they may be secret.
  'AWS::SecretsManager::Secret': named('aws_secretsmanager_secret', 'Name', 'name', (p) => ({ kms_key_id: p.KmsKeyId })),
  'AWS::SSM::Parameter': named('aws_ssm_parameter', 'Name', 'name', (p) => ({ type: p.Type })),
  'AWS::CloudFront::Distribution': named('aws_cloudfront_distribution', undefined, 'name', (p) => {
    const c = isObject(p.DistributionConfig) ? p.DistributionConfig : {};
    return { enabled: c.Enabled, logging_config: isObject(c.Logging) ? [defined({ bucket: c.Logging.Bucket, prefix: c.Logging.Prefix, include_cookies: c.Logging.IncludeCookies })] : [] };
  }),
  'AWS::ApiGateway::RestApi': named('aws_api_gateway_rest_api', 'Name'),
  'AWS::ApiGateway::Stage': named('aws_api_gateway_stage', 'StageName', 'stage_name', (p) => ({
    rest_api_id: p.RestApiId,
    access_log_settings: isObject(p.AccessLogSetting) ? [defined({ destination_arn: p.AccessLogSetting.DestinationArn, format: p.AccessLogSetting.Format })] : [],
  })),
  'AWS::ApiGatewayV2::Api': named('aws_apigatewayv2_api', 'Name', 'name', (p) => ({ protocol_type: p.ProtocolType })),
  'AWS::ApiGatewayV2::Stage': named('aws_apigatewayv2_stage', 'StageName', 'name', (p) => ({
    api_id: p.ApiId,
    access_log_settings: isObject(p.AccessLogSettings) ? [defined({ destination_arn: p.AccessLogSettings.DestinationArn, format: p.AccessLogSettings.Format })] : [],
  })),
  'AWS::ECS::Cluster': named('aws_ecs_cluster', 'ClusterName'),
  'AWS::ECS::TaskDefinition': named('aws_ecs_task_definition', 'Family', 'family', (p) => ({ cpu: num(p.Cpu), memory: num(p.Memory), requires_compatibilities: p.RequiresCompatibilities })),
  'AWS::ECS::Service': named('aws_ecs_service', 'ServiceName', 'name', (p) => ({ desired_count: num(p.DesiredCount), cluster: p.Cluster })),
  'AWS::ElasticLoadBalancingV2::LoadBalancer': named('aws_lb', 'Name', 'name', (p) => ({ load_balancer_type: p.Type, internal: p.Scheme === undefined ? undefined : p.Scheme === 'internal' })),
  'AWS::ElasticLoadBalancingV2::TargetGroup': named('aws_lb_target_group', 'Name', 'name', (p) => ({ port: num(p.Port), protocol: p.Protocol })),
  'AWS::ElasticLoadBalancingV2::Listener': named('aws_lb_listener', undefined, 'name', (p) => ({ port: num(p.Port), protocol: p.Protocol })),
  'AWS::Events::Rule': named('aws_cloudwatch_event_rule', 'Name'),
  'AWS::Kinesis::Stream': named('aws_kinesis_stream', 'Name', 'name', (p) => ({ shard_count: num(p.ShardCount) })),
  'AWS::ECR::Repository': named('aws_ecr_repository', 'RepositoryName'),
  'AWS::CloudWatch::Alarm': named('aws_cloudwatch_metric_alarm', 'AlarmName', 'alarm_name', undefined, false),
  'AWS::StepFunctions::StateMachine': named('aws_sfn_state_machine', 'StateMachineName', 'name', (p) => ({ role_arn: p.RoleArn })),
  'AWS::Route53::HostedZone': named('aws_route53_zone', 'Name'),
  'AWS::Route53::RecordSet': named('aws_route53_record', 'Name', 'name', (p) => ({ type: p.Type }), false),
  'AWS::CertificateManager::Certificate': named('aws_acm_certificate', 'DomainName', 'domain_name'),
};

/** CloudFormation type -> the neutral (Terraform) type of the resource itself. */
export const CLOUDFORMATION_TYPES: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(Object.entries(SPECS).map(([cfn, spec]) => [cfn, spec.type])));

/** The neutral type of a resource type of any IaC tool faber-cloud knows (a Terraform type is its own). */
export function neutralType(type: string): string {
  return Object.hasOwn(CLOUDFORMATION_TYPES, type) ? (CLOUDFORMATION_TYPES[type] as string) : type;
}

// ---------------------------------------------------------------------------------- intrinsics

/** What a template's intrinsic functions are resolved against. */
export interface ResolveContext {
  /** Parameter values (NoEcho ones left out: they may be secret). */
  parameters: ReadonlyMap<string, string>;
  region: string;
  partition: string;
  stackName: string;
  /** Logical ids of the template's resources: a `Ref` to one is a reference, not a value. */
  resources: ReadonlySet<string>;
}

const PSEUDO = (ctx: ResolveContext): Record<string, string> => ({
  'AWS::Region': ctx.region,
  'AWS::Partition': ctx.partition,
  'AWS::StackName': ctx.stackName,
  'AWS::URLSuffix': ctx.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
  'AWS::NoValue': '',
});

/** A value with what the template decides resolved; UNKNOWN where only the apply decides. Collects referenced logical ids. */
function resolve(value: unknown, ctx: ResolveContext, refs: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, ctx, refs)).filter((v) => v !== NO_VALUE);
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const key = keys[0] as string;
    const arg = value[key];
    if (key === 'Ref' && typeof arg === 'string') {
      if (arg === 'AWS::NoValue') return NO_VALUE;
      if (ctx.parameters.has(arg)) return ctx.parameters.get(arg);
      const pseudo = PSEUDO(ctx)[arg];
      if (pseudo !== undefined) return pseudo;
      if (ctx.resources.has(arg)) refs.add(arg);
      return UNKNOWN;
    }
    if (key === 'Fn::GetAtt') {
      const target = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
      if (typeof target === 'string' && ctx.resources.has(target)) refs.add(target);
      return UNKNOWN;
    }
    if (key === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg) ? [arg[0], isObject(arg[1]) ? arg[1] : {}] : [arg, {}];
      if (typeof text !== 'string') return UNKNOWN;
      const local = new Map(Object.entries(vars).map(([k, v]) => [k, resolve(v, ctx, refs)]));
      let unknown = false;
      const out = text.replace(/\$\{(!?)([^}]*)\}/g, (whole, bang: string, name: string) => {
        if (bang) return `\${${name}}`;
        const v = local.has(name) ? local.get(name) : ctx.parameters.get(name) ?? PSEUDO(ctx)[name];
        if (typeof v === 'string' || typeof v === 'number') return String(v);
        const target = name.split('.')[0] as string;
        if (ctx.resources.has(target)) refs.add(target);
        unknown = true;
        return whole;
      });
      return unknown ? UNKNOWN : out;
    }
    if (key === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string') {
      const parts = resolve(arg[1], ctx, refs);
      if (!Array.isArray(parts) || parts.some((p) => typeof p !== 'string' && typeof p !== 'number')) return UNKNOWN;
      return parts.join(arg[0]);
    }
    if (key.startsWith('Fn::') || key === 'Condition') {
      // Conditions, lookups and the rest: what they refer to still counts.
      resolve(arg, ctx, refs);
      return UNKNOWN;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = resolve(v, ctx, refs);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** Nested unknown values as readable text (a policy's Resource, a tag's value); top-level ones are reported apart. */
function settle(value: unknown): unknown {
  if (value === UNKNOWN) return UNKNOWN_TEXT;
  if (Array.isArray(value)) return value.map(settle);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, settle(v)]));
  return value;
}

/** One resource of a template, as its Resources section declares it. */
export interface TemplateResource {
  Type?: unknown;
  Properties?: unknown;
}

/**
 * The neutral planned resources of one template resource: the resource and its companions, with
 * resolved values, the attributes known only after apply, and what each attribute refers to (as
 * `<neutral type>.<logical id>`, the way Terraform references read).
 */
export function neutralResources(logicalId: string, declared: TemplateResource, action: ChangeAction, ctx: ResolveContext, typeOf: (logicalId: string) => string | undefined): PlannedResource[] {
  const cfnType = typeof declared.Type === 'string' ? declared.Type : 'unknown';
  const spec = Object.hasOwn(SPECS, cfnType) ? SPECS[cfnType] : undefined;
  if (!spec?.parts) return [{ address: logicalId, type: cfnType, name: logicalId, module: '', action, values: {}, unknown: [], references: {} }];
  const raw = isObject(declared.Properties) ? declared.Properties : {};
  const props: Props = {};
  const propRefs: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(raw)) {
    const refs = new Set<string>();
    const r = resolve(v, ctx, refs);
    if (r !== NO_VALUE) props[k] = r;
    propRefs[k] = [...refs].sort();
  }
  const addressOf = (target: string) => {
    const t = typeOf(target);
    return `${t ? neutralType(t) : 'unknown'}.${target}`;
  };
  return spec.parts(props).map((part) => {
    const values: Values = {};
    const unknown: string[] = [];
    for (const [k, v] of Object.entries(part.values)) {
      if (v === UNKNOWN) unknown.push(k);
      else values[k] = settle(v);
    }
    const references: Record<string, string[]> = {};
    for (const [attribute, property] of Object.entries(part.refs ?? {})) {
      const targets = propRefs[property] ?? [];
      if (targets.length > 0) references[attribute] = targets.map(addressOf);
    }
    for (const [attribute, type] of Object.entries(part.own ?? {})) {
      if (values[attribute] === undefined) {
        references[attribute] = [`${type}.${logicalId}`];
        if (!unknown.includes(attribute)) unknown.push(attribute);
      }
    }
    return { address: part.suffix ? `${logicalId}.${part.suffix}` : logicalId, type: part.type, name: logicalId, module: '', action, values, unknown: unknown.sort(), references };
  });
}
