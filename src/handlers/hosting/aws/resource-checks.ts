import type { CheckedResource, ResourceCheck, ResourceCheckRequest } from '../types.js';
import { createAwsClient, createS3Client, type AwsClientOptions } from './clients.js';
import { classifyAwsError } from './errors.js';
import { neutralType } from '../../iac/cloudformation/resource-types.js';

/**
 * Post-deploy checks: one read-only call per resource that says whether it exists and is
 * usable. Each SDK package is imported when a resource of its service is checked.
 * Lambda functions are checked with GetFunction (State Active), never invoked: invoking runs
 * the function's code with its side effects (and moto cannot run functions without Docker).
 */

type Checker = (resource: CheckedResource, options: AwsClientOptions) => Promise<Omit<ResourceCheck, 'address' | 'type'>>;

/** A failed call as a check result: gone, not allowed to look, or another error (./errors.ts classifies). */
function fromError(error: unknown, check: string): Omit<ResourceCheck, 'address' | 'type'> {
  const f = classifyAwsError(error, check);
  if (f.reason === 'permission-denied') return { check, status: 'denied', detail: `${check} was denied: ${f.message}`, action: f.action };
  if (f.reason === 'not-found') return { check, status: 'missing', detail: `not found (${f.code ?? f.status ?? f.message})` };
  return { check, status: 'error', detail: `${check} failed: ${f.code ? `${f.code}: ` : ''}${f.message}` };
}

const nameFromArn = (arn: string | null) => (arn ? arn.slice(arn.lastIndexOf(arn.includes('/') ? '/' : ':') + 1) : undefined);

async function attempt(check: string, call: () => Promise<Omit<ResourceCheck, 'address' | 'type'>>) {
  try {
    return await call();
  } catch (error) {
    return fromError(error, check);
  }
}

const CHECKERS: Record<string, Checker> = {
  aws_s3_bucket: (r, options) =>
    attempt('s3:HeadBucket', async () => {
      const sdk = await import('@aws-sdk/client-s3');
      const client = createS3Client(sdk, options);
      try {
        await client.send(new sdk.HeadBucketCommand({ Bucket: r.id ?? nameFromArn(r.arn) ?? '' }));
        return { check: 's3:HeadBucket', status: 'ok', detail: 'bucket reachable' };
      } finally {
        client.destroy();
      }
    }),
  aws_dynamodb_table: (r, options) =>
    attempt('dynamodb:DescribeTable', async () => {
      const sdk = await import('@aws-sdk/client-dynamodb');
      const client = createAwsClient(sdk.DynamoDBClient, options);
      try {
        const out = await client.send(new sdk.DescribeTableCommand({ TableName: r.id ?? nameFromArn(r.arn) ?? '' }));
        const state = out.Table?.TableStatus ?? 'UNKNOWN';
        return state === 'ACTIVE'
          ? { check: 'dynamodb:DescribeTable', status: 'ok', detail: 'table ACTIVE' }
          : { check: 'dynamodb:DescribeTable', status: 'unhealthy', detail: `table status ${state}, not ACTIVE` };
      } finally {
        client.destroy();
      }
    }),
  aws_sqs_queue: (r, options) =>
    attempt('sqs:GetQueueAttributes', async () => {
      const sdk = await import('@aws-sdk/client-sqs');
      const client = createAwsClient(sdk.SQSClient, options);
      try {
        // The aws provider's id of a queue is its URL.
        const out = await client.send(new sdk.GetQueueAttributesCommand({ QueueUrl: r.id ?? '', AttributeNames: ['QueueArn'] }));
        return { check: 'sqs:GetQueueAttributes', status: 'ok', detail: `queue answers (${out.Attributes?.QueueArn ?? 'attributes read'})` };
      } finally {
        client.destroy();
      }
    }),
  aws_lambda_function: (r, options) =>
    attempt('lambda:GetFunction', async () => {
      const sdk = await import('@aws-sdk/client-lambda');
      const client = createAwsClient(sdk.LambdaClient, options);
      try {
        const out = await client.send(new sdk.GetFunctionCommand({ FunctionName: r.id ?? r.arn ?? '' }));
        const state = out.Configuration?.State ?? 'Unknown';
        const note = 'not invoked: invoking runs the code with its side effects';
        return state === 'Active'
          ? { check: 'lambda:GetFunction', status: 'ok', detail: `State Active (${note})` }
          : { check: 'lambda:GetFunction', status: 'unhealthy', detail: `State ${state}${out.Configuration?.StateReason ? `: ${out.Configuration.StateReason}` : ''} (${note})` };
      } finally {
        client.destroy();
      }
    }),
  aws_iam_role: (r, options) =>
    attempt('iam:GetRole', async () => {
      const sdk = await import('@aws-sdk/client-iam');
      const client = createAwsClient(sdk.IAMClient, options);
      try {
        await client.send(new sdk.GetRoleCommand({ RoleName: r.id ?? nameFromArn(r.arn) ?? '' }));
        return { check: 'iam:GetRole', status: 'ok', detail: 'role exists' };
      } finally {
        client.destroy();
      }
    }),
  aws_cloudwatch_log_group: (r, options) =>
    attempt('logs:DescribeLogGroups', async () => {
      const sdk = await import('@aws-sdk/client-cloudwatch-logs');
      const client = createAwsClient(sdk.CloudWatchLogsClient, options);
      const name = r.id ?? '';
      try {
        const out = await client.send(new sdk.DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
        const found = (out.logGroups ?? []).some((g) => g.logGroupName === name);
        return found ? { check: 'logs:DescribeLogGroups', status: 'ok', detail: 'log group exists' } : { check: 'logs:DescribeLogGroups', status: 'missing', detail: 'no log group of that name' };
      } finally {
        client.destroy();
      }
    }),
  aws_sns_topic: (r, options) =>
    attempt('sns:GetTopicAttributes', async () => {
      const sdk = await import('@aws-sdk/client-sns');
      const client = createAwsClient(sdk.SNSClient, options);
      const arn = r.arn ?? r.id ?? '';
      try {
        await client.send(new sdk.GetTopicAttributesCommand({ TopicArn: arn }));
        return { check: 'sns:GetTopicAttributes', status: 'ok', detail: 'topic exists' };
      } catch (error) {
        if (error instanceof sdk.NotFoundException) return { check: 'sns:GetTopicAttributes', status: 'missing', detail: 'no topic with that ARN' };
        throw error;
      } finally {
        client.destroy();
      }
    }),
};

/** Types the post-deploy tests can check. */
export const CHECKED_TYPES = Object.keys(CHECKERS);

export async function checkResources(request: ResourceCheckRequest, env: NodeJS.ProcessEnv): Promise<ResourceCheck[]> {
  return Promise.all(
    request.resources.map(async (resource) => {
      // A CloudFormation resource (AWS::S3::Bucket, its physical id and ARN) is checked as its neutral type.
      const checker = CHECKERS[resource.type] ?? CHECKERS[neutralType(resource.type)];
      if (!checker) return { address: resource.address, type: resource.type, check: '-', status: 'not-checked' as const, detail: 'no post-deploy check for this type' };
      const options: AwsClientOptions = { profile: request.profile, region: resource.region ?? request.region, env };
      return { address: resource.address, type: resource.type, ...(await checker(resource, options)) };
    }),
  );
}
