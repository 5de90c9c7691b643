import type { AdoptionListing, AdoptionListingRequest, DiscoveredResource } from '../types.js';
import { ProviderCallError } from '../failures.js';
import { createAwsClient } from './clients.js';
import { classifyAwsError } from './errors.js';
import { resourcesByTags } from './tagging.js';

/**
 * What exists in the account for one environment, for `infra adopt`: the tag index by the
 * environment's tags, and names starting with its naming prefix through each service's own
 * listing (the tag index misses IAM, and untagged resources). Read-only calls only. A denied
 * or failed service listing is a note, not a failure: the rest is still worth reporting.
 */
export async function listAdoptable(request: AdoptionListingRequest, env: NodeJS.ProcessEnv): Promise<AdoptionListing> {
  const found = new Map<string, DiscoveredResource>();
  const add = (resource: DiscoveredResource) => {
    const known = found.get(resource.arn);
    if (!known) found.set(resource.arn, resource);
    else found.set(resource.arn, { ...known, via: [...new Set([...known.via, ...resource.via])].sort() as DiscoveredResource['via'], tags: known.tags ?? resource.tags });
  };
  const skipped: AdoptionListing['skipped'] = [];
  // The tag index is the main source: its failure is the command's failure.
  for (const t of await resourcesByTags({ profile: request.profile, region: request.region, tags: request.tags }, env)) add({ arn: t.arn, tags: t.tags, via: ['tags'] });
  if (request.namePrefix) {
    const prefix = request.namePrefix;
    for (const [service, list] of Object.entries(LISTINGS)) {
      try {
        for (const r of await list(request, prefix, env)) add(r);
      } catch (error) {
        const failure = error instanceof ProviderCallError ? error.failure : classifyAwsError(error, service);
        skipped.push({ service, reason: `${failure.action}: ${failure.message}` });
      }
    }
  }
  return { resources: [...found.values()].sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0)), skipped };
}

type Lister = (request: AdoptionListingRequest, prefix: string, env: NodeJS.ProcessEnv) => Promise<DiscoveredResource[]>;

async function call<T>(action: string, region: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new ProviderCallError(classifyAwsError(error, action, { region }), error);
  }
}

const byName = (arn: string): DiscoveredResource => ({ arn, tags: null, via: ['name'] });

/** One listing per resource type the engineer templates write. */
const LISTINGS: Record<string, Lister> = {
  async s3(request, prefix, env) {
    const sdk = await import('@aws-sdk/client-s3');
    const client = createAwsClient(sdk.S3Client, { profile: request.profile, region: request.region, env });
    try {
      const out: DiscoveredResource[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await call('s3:ListAllMyBuckets', request.region, () => client.send(new sdk.ListBucketsCommand({ Prefix: prefix, ...(ContinuationToken ? { ContinuationToken } : {}) })));
        for (const b of page.Buckets ?? []) if (b.Name?.startsWith(prefix)) out.push(byName(`arn:${request.partition}:s3:::${b.Name}`));
        ContinuationToken = page.ContinuationToken || undefined;
      } while (ContinuationToken);
      return out;
    } finally {
      client.destroy();
    }
  },
  async dynamodb(request, prefix, env) {
    const sdk = await import('@aws-sdk/client-dynamodb');
    const client = createAwsClient(sdk.DynamoDBClient, { profile: request.profile, region: request.region, env });
    try {
      const out: DiscoveredResource[] = [];
      let ExclusiveStartTableName: string | undefined;
      do {
        const page = await call('dynamodb:ListTables', request.region, () => client.send(new sdk.ListTablesCommand({ ...(ExclusiveStartTableName ? { ExclusiveStartTableName } : {}) })));
        for (const name of page.TableNames ?? []) if (name.startsWith(prefix)) out.push(byName(`arn:${request.partition}:dynamodb:${request.region}:${request.account}:table/${name}`));
        ExclusiveStartTableName = page.LastEvaluatedTableName;
      } while (ExclusiveStartTableName);
      return out;
    } finally {
      client.destroy();
    }
  },
  async sns(request, prefix, env) {
    const sdk = await import('@aws-sdk/client-sns');
    const client = createAwsClient(sdk.SNSClient, { profile: request.profile, region: request.region, env });
    try {
      const out: DiscoveredResource[] = [];
      let NextToken: string | undefined;
      do {
        const page = await call('sns:ListTopics', request.region, () => client.send(new sdk.ListTopicsCommand({ ...(NextToken ? { NextToken } : {}) })));
        // ListTopics has no name filter: the topic's name is the last segment of its ARN.
        for (const t of page.Topics ?? []) if (t.TopicArn && (t.TopicArn.split(':').pop() ?? '').startsWith(prefix)) out.push(byName(t.TopicArn));
        NextToken = page.NextToken || undefined;
      } while (NextToken);
      return out;
    } finally {
      client.destroy();
    }
  },
  async sqs(request, prefix, env) {
    const sdk = await import('@aws-sdk/client-sqs');
    const client = createAwsClient(sdk.SQSClient, { profile: request.profile, region: request.region, env });
    try {
      const out: DiscoveredResource[] = [];
      let NextToken: string | undefined;
      do {
        const page = await call('sqs:ListQueues', request.region, () => client.send(new sdk.ListQueuesCommand({ QueueNamePrefix: prefix, ...(NextToken ? { NextToken } : {}) })));
        for (const url of page.QueueUrls ?? []) {
          const name = url.split('/').pop() ?? '';
          if (name.startsWith(prefix)) out.push(byName(`arn:${request.partition}:sqs:${request.region}:${request.account}:${name}`));
        }
        NextToken = page.NextToken || undefined;
      } while (NextToken);
      return out;
    } finally {
      client.destroy();
    }
  },
  async lambda(request, prefix, env) {
    const sdk = await import('@aws-sdk/client-lambda');
    const client = createAwsClient(sdk.LambdaClient, { profile: request.profile, region: request.region, env });
    try {
      const out: DiscoveredResource[] = [];
      let Marker: string | undefined;
      do {
        const page = await call('lambda:ListFunctions', request.region, () => client.send(new sdk.ListFunctionsCommand({ ...(Marker ? { Marker } : {}) })));
        for (const f of page.Functions ?? []) if (f.FunctionName?.startsWith(prefix) && f.FunctionArn) out.push(byName(f.FunctionArn));
        Marker = page.NextMarker || undefined;
      } while (Marker);
      return out;
    } finally {
      client.destroy();
    }
  },
  async iam(request, prefix, env) {
    const sdk = await import('@aws-sdk/client-iam');
    const client = createAwsClient(sdk.IAMClient, { profile: request.profile, region: request.region, env });
    try {
      const out: DiscoveredResource[] = [];
      let Marker: string | undefined;
      do {
        const page = await call('iam:ListRoles', request.region, () => client.send(new sdk.ListRolesCommand({ ...(Marker ? { Marker } : {}) })));
        for (const r of page.Roles ?? []) if (r.RoleName?.startsWith(prefix) && r.Arn) out.push(byName(r.Arn));
        Marker = page.IsTruncated ? page.Marker : undefined;
      } while (Marker);
      return out;
    } finally {
      client.destroy();
    }
  },
  async logs(request, prefix, env) {
    const sdk = await import('@aws-sdk/client-cloudwatch-logs');
    const client = createAwsClient(sdk.CloudWatchLogsClient, { profile: request.profile, region: request.region, env });
    try {
      const out: DiscoveredResource[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call('logs:DescribeLogGroups', request.region, () => client.send(new sdk.DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, ...(nextToken ? { nextToken } : {}) })));
        for (const g of page.logGroups ?? []) {
          if (g.logGroupName?.startsWith(prefix)) out.push(byName(`arn:${request.partition}:logs:${request.region}:${request.account}:log-group:${g.logGroupName}`));
        }
        nextToken = page.nextToken || undefined;
      } while (nextToken);
      return out;
    } finally {
      client.destroy();
    }
  },
};
