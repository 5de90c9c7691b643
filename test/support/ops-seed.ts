import { crc32 } from 'node:zlib';
import { CloudWatchLogsClient, CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketAclCommand, PutBucketEncryptionCommand, PutBucketPolicyCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MOTO_ACCOUNT_ID, MOTO_REGION } from './moto.js';
import { writeRegistryFile } from './ops-monitor-seed.js';

/**
 * Resources of one environment created directly in moto with the SDK (faster than the aws
 * provider), and the registry.json a deploy would have written for them.
 */

const config = () => ({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' } });
export const clients = () => ({
  ecs: new ECSClient(config()),
  lambda: new LambdaClient(config()),
  sqs: new SQSClient(config()),
  s3: new S3Client({ ...config(), forcePathStyle: true }),
  iam: new IAMClient(config()),
  ec2: new EC2Client(config()),
  logs: new CloudWatchLogsClient(config()),
});

/** A zip archive holding one stored (uncompressed) file: enough for Lambda's CreateFunction. */
export function tinyZip(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const file = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(file.length, 28);
  const centralOffset = local.length + file.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + file.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, file, data, central, file, end]);
}

export interface SeededResource {
  address: string;
  type: string;
  id: string;
  arn: string | null;
}

export interface Seeded {
  resources: SeededResource[];
  serviceArn: string;
  cluster: string;
  functionName: string;
  dlqUrl: string;
  sourceUrl: string;
  otherUrl: string;
}

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

/** Everything the ops-respond tests plant, named `{prefix}-…` (e.g. life-core-test). */
export async function seedEnvironment(prefix: string, dlqMessages: number): Promise<Seeded> {
  const c = clients();
  const resources: SeededResource[] = [];
  const add = (address: string, id: string, arn: string | null) => resources.push({ address, type: address.split('.')[0]!, id, arn });

  // ECS: a cluster and a service with 2 tasks.
  const cluster = `${prefix}-cluster`;
  const clusterArn = (await c.ecs.send(new CreateClusterCommand({ clusterName: cluster }))).cluster!.clusterArn!;
  const td = await c.ecs.send(new RegisterTaskDefinitionCommand({ family: `${prefix}-api`, containerDefinitions: [{ name: 'api', image: 'nginx', memory: 128 }] }));
  const service = await c.ecs.send(new CreateServiceCommand({ cluster, serviceName: `${prefix}-api`, taskDefinition: td.taskDefinition!.taskDefinitionArn!, desiredCount: 2 }));
  const serviceArn = service.service!.serviceArn!;
  add('aws_ecs_cluster.main', clusterArn, clusterArn);
  add('aws_ecs_service.api', serviceArn, serviceArn);

  // IAM: a role with an admin wildcard policy, a clean role with a scoped one.
  const wild = await c.iam.send(new CreateRoleCommand({ RoleName: `${prefix}-app`, AssumeRolePolicyDocument: TRUST }));
  const wildPolicy = await c.iam.send(
    new CreatePolicyCommand({ PolicyName: `${prefix}-app-policy`, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' }] }) }),
  );
  await c.iam.send(new AttachRolePolicyCommand({ RoleName: `${prefix}-app`, PolicyArn: wildPolicy.Policy!.Arn! }));
  const clean = await c.iam.send(new CreateRoleCommand({ RoleName: `${prefix}-worker`, AssumeRolePolicyDocument: TRUST }));
  const cleanPolicy = await c.iam.send(
    new CreatePolicyCommand({
      PolicyName: `${prefix}-worker-policy`,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${prefix}-private/*` },
          { Effect: 'Allow', Action: ['logs:DescribeLogGroups'], Resource: '*' },
        ],
      }),
    }),
  );
  await c.iam.send(new AttachRolePolicyCommand({ RoleName: `${prefix}-worker`, PolicyArn: cleanPolicy.Policy!.Arn! }));
  // An AWS managed policy is AWS's to maintain: never a finding.
  await c.iam.send(new AttachRolePolicyCommand({ RoleName: `${prefix}-worker`, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })).catch(() => undefined);
  add('aws_iam_role.app', `${prefix}-app`, wild.Role!.Arn!);
  add('aws_iam_role.worker', `${prefix}-worker`, clean.Role!.Arn!);

  // Lambda (moto stores it; nothing is ever invoked).
  const functionName = `${prefix}-worker`;
  const fn = await c.lambda.send(
    new CreateFunctionCommand({ FunctionName: functionName, Runtime: 'python3.12', Handler: 'index.handler', Role: clean.Role!.Arn!, Code: { ZipFile: tinyZip('index.py', 'def handler(e, c):\n    return 1\n') } }),
  );
  add('aws_lambda_function.worker', functionName, fn.FunctionArn!);

  // SQS: a source queue whose dead-letter queue holds messages, and an unrelated queue.
  const dlqUrl = (await c.sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-events-dlq` }))).QueueUrl!;
  const dlqArn = (await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const sourceUrl = (
    await c.sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-events`, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) } }))
  ).QueueUrl!;
  const otherUrl = (await c.sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-other` }))).QueueUrl!;
  for (let i = 0; i < dlqMessages; i += 10) {
    const n = Math.min(10, dlqMessages - i);
    await c.sqs.send(new SendMessageBatchCommand({ QueueUrl: dlqUrl, Entries: Array.from({ length: n }, (_, k) => ({ Id: String(k), MessageBody: `failed-${i + k}` })) }));
  }
  const queueArn = (name: string) => `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:${name}`;
  add('aws_sqs_queue.events_dlq', dlqUrl, queueArn(`${prefix}-events-dlq`));
  add('aws_sqs_queue.events', sourceUrl, queueArn(`${prefix}-events`));
  add('aws_sqs_queue.other', otherUrl, queueArn(`${prefix}-other`));

  // S3: one public bucket (ACL, policy, no block, no encryption), one locked down.
  const pub = `${prefix}-public`;
  await c.s3.send(new CreateBucketCommand({ Bucket: pub }));
  await c.s3.send(new PutBucketAclCommand({ Bucket: pub, ACL: 'public-read' }));
  await c.s3.send(
    new PutBucketPolicyCommand({
      Bucket: pub,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${pub}/*` }] }),
    }),
  );
  const priv = `${prefix}-private`;
  await c.s3.send(new CreateBucketCommand({ Bucket: priv }));
  await c.s3.send(new PutPublicAccessBlockCommand({ Bucket: priv, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }));
  await c.s3.send(new PutBucketEncryptionCommand({ Bucket: priv, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
  // A policy statement for everyone, but limited by a condition: not public.
  await c.s3.send(
    new PutBucketPolicyCommand({
      Bucket: priv,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${priv}/*`, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1234' } } }],
      }),
    }),
  );
  add('aws_s3_bucket.public', pub, `arn:aws:s3:::${pub}`);
  add('aws_s3_bucket.private', priv, `arn:aws:s3:::${priv}`);

  // Security groups: SSH open to the world, HTTPS open to the world (fine).
  const ssh = await c.ec2.send(new CreateSecurityGroupCommand({ GroupName: `${prefix}-ssh`, Description: 'ssh' }));
  await c.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: ssh.GroupId!, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const web = await c.ec2.send(new CreateSecurityGroupCommand({ GroupName: `${prefix}-web`, Description: 'web' }));
  await c.ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: web.GroupId!,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
      ],
    }),
  );
  add('aws_security_group.ssh', ssh.GroupId!, `arn:aws:ec2:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:security-group/${ssh.GroupId}`);
  add('aws_security_group.web', web.GroupId!, `arn:aws:ec2:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:security-group/${web.GroupId}`);

  // Log groups: one kept forever, one with 30 days.
  await c.logs.send(new CreateLogGroupCommand({ logGroupName: `/app/${prefix}-forever` }));
  await c.logs.send(new CreateLogGroupCommand({ logGroupName: `/app/${prefix}-kept` }));
  await c.logs.send(new PutRetentionPolicyCommand({ logGroupName: `/app/${prefix}-kept`, retentionInDays: 30 }));
  add('aws_cloudwatch_log_group.forever', `/app/${prefix}-forever`, `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:log-group:/app/${prefix}-forever`);
  add('aws_cloudwatch_log_group.kept', `/app/${prefix}-kept`, `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:log-group:/app/${prefix}-kept`);

  return { resources, serviceArn, cluster, functionName, dlqUrl, sourceUrl, otherUrl };
}

/** registry.json for the seeded resources, as a deploy writes it. */
export async function writeRegistry(file: string, env: string, resources: SeededResource[]): Promise<void> {
  await writeRegistryFile(file, env, resources.map((r) => ({ address: r.address, type: r.type, id: r.id, arn: r.arn, deployment_id: 'd-seeded' })));
}
