import type { AdoptionListing, AdoptionListingRequest, DiscoveredResource } from '../types.js';
import { ProviderCallError } from '../failures.js';
import { createAwsClient, type AwsClientConfig } from './clients.js';
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

/**
 * One service's listing, declared: its client class, how to ask for a page (from the token of
 * the one before; the prefix where the service filters by it), what a page holds, and the name
 * (compared with the prefix) and ARN of an item.
 */
export interface PagedListing<C extends { destroy(): void }, Page, Item> {
  /** The IAM action the listing calls (named in a failure). */
  action: string;
  Client: new (config: AwsClientConfig) => C;
  page(client: C, token: string | undefined, prefix: string): Promise<Page>;
  items(page: Page): { items: readonly Item[] | undefined; next: string | undefined };
  resource(item: Item, request: AdoptionListingRequest): { name: string | undefined; arn: string | undefined };
}

/** Every page of a listing, the items named with the prefix as resources found by name; the client is always closed. */
export async function listPaged<C extends { destroy(): void }, Page, Item>(
  listing: PagedListing<C, Page, Item>,
  request: AdoptionListingRequest,
  prefix: string,
  env: NodeJS.ProcessEnv,
): Promise<DiscoveredResource[]> {
  const client = createAwsClient(listing.Client, { profile: request.profile, region: request.region, env });
  try {
    const out: DiscoveredResource[] = [];
    let token: string | undefined;
    do {
      const page = await call(listing.action, request.region, () => listing.page(client, token, prefix));
      const { items, next } = listing.items(page);
      for (const item of items ?? []) {
        const { name, arn } = listing.resource(item, request);
        if (name?.startsWith(prefix) && arn) out.push({ arn, tags: null, via: ['name'] });
      }
      token = next || undefined;
    } while (token);
    return out;
  } finally {
    client.destroy();
  }
}

async function call<T>(action: string, region: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new ProviderCallError(classifyAwsError(error, action, { region }), error);
  }
}

type AnyListing = PagedListing<{ destroy(): void }, unknown, unknown>;

/** A listing whose SDK package is loaded only when it runs. */
const paged =
  <Sdk>(load: () => Promise<Sdk>, declared: (sdk: Sdk) => AnyListing): Lister =>
  async (request, prefix, env) =>
    listPaged(declared(await load()), request, prefix, env);

/** Types one listing (the client, its pages and items are inferred from each other). */
const listing = <C extends { destroy(): void }, Page, Item>(l: PagedListing<C, Page, Item>): AnyListing => l;

/** One listing per resource type the engineer templates write. */
const LISTINGS: Record<string, Lister> = {
  s3: paged(() => import('@aws-sdk/client-s3'), (sdk) => listing({
    action: 's3:ListAllMyBuckets',
    Client: sdk.S3Client,
    page: (c, token, prefix) => c.send(new sdk.ListBucketsCommand({ Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) })),
    items: (p) => ({ items: p.Buckets, next: p.ContinuationToken }),
    resource: (b, r) => ({ name: b.Name, arn: `arn:${r.partition}:s3:::${b.Name}` }),
  })),
  dynamodb: paged(() => import('@aws-sdk/client-dynamodb'), (sdk) => listing({
    action: 'dynamodb:ListTables',
    Client: sdk.DynamoDBClient,
    page: (c, token) => c.send(new sdk.ListTablesCommand({ ...(token ? { ExclusiveStartTableName: token } : {}) })),
    items: (p) => ({ items: p.TableNames, next: p.LastEvaluatedTableName }),
    resource: (name, r) => ({ name, arn: `arn:${r.partition}:dynamodb:${r.region}:${r.account}:table/${name}` }),
  })),
  sns: paged(() => import('@aws-sdk/client-sns'), (sdk) => listing({
    action: 'sns:ListTopics',
    Client: sdk.SNSClient,
    // ListTopics has no name filter: the topic's name is the last segment of its ARN.
    page: (c, token) => c.send(new sdk.ListTopicsCommand({ ...(token ? { NextToken: token } : {}) })),
    items: (p) => ({ items: p.Topics, next: p.NextToken }),
    resource: (t) => ({ name: t.TopicArn?.split(':').pop(), arn: t.TopicArn }),
  })),
  sqs: paged(() => import('@aws-sdk/client-sqs'), (sdk) => listing({
    action: 'sqs:ListQueues',
    Client: sdk.SQSClient,
    page: (c, token, prefix) => c.send(new sdk.ListQueuesCommand({ QueueNamePrefix: prefix, ...(token ? { NextToken: token } : {}) })),
    items: (p) => ({ items: p.QueueUrls, next: p.NextToken }),
    resource: (url, r) => {
      const name = url.split('/').pop() ?? '';
      return { name, arn: `arn:${r.partition}:sqs:${r.region}:${r.account}:${name}` };
    },
  })),
  lambda: paged(() => import('@aws-sdk/client-lambda'), (sdk) => listing({
    action: 'lambda:ListFunctions',
    Client: sdk.LambdaClient,
    page: (c, token) => c.send(new sdk.ListFunctionsCommand({ ...(token ? { Marker: token } : {}) })),
    items: (p) => ({ items: p.Functions, next: p.NextMarker }),
    resource: (f) => ({ name: f.FunctionName, arn: f.FunctionArn }),
  })),
  iam: paged(() => import('@aws-sdk/client-iam'), (sdk) => listing({
    action: 'iam:ListRoles',
    Client: sdk.IAMClient,
    page: (c, token) => c.send(new sdk.ListRolesCommand({ ...(token ? { Marker: token } : {}) })),
    items: (p) => ({ items: p.Roles, next: p.IsTruncated ? p.Marker : undefined }),
    resource: (role) => ({ name: role.RoleName, arn: role.Arn }),
  })),
  logs: paged(() => import('@aws-sdk/client-cloudwatch-logs'), (sdk) => listing({
    action: 'logs:DescribeLogGroups',
    Client: sdk.CloudWatchLogsClient,
    page: (c, token, prefix) => c.send(new sdk.DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, ...(token ? { nextToken: token } : {}) })),
    items: (p) => ({ items: p.logGroups, next: p.nextToken }),
    resource: (g, r) => ({ name: g.logGroupName, arn: `arn:${r.partition}:logs:${r.region}:${r.account}:log-group:${g.logGroupName}` }),
  })),
};
