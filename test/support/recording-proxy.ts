import { createServer, request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './cli.js';

/**
 * A recording proxy in front of moto (issue 16's ground truth): every request is forwarded
 * unchanged (the Host header too, so SigV4 signatures still hold) and recorded with the AWS
 * operation it is, read from the request itself: `X-Amz-Target` (JSON protocols), the `Action`
 * parameter (query protocols), and for S3's REST protocol the method and sub-resource.
 * `providerActions()` is what the IaC tool's AWS provider called, as IAM actions (through the
 * action map's own exception table, so a map error shows as a mismatch only where AWS names
 * the action differently from the operation).
 */

export interface RecordedCall {
  service: string;
  operation: string | undefined;
  method: string;
  path: string;
  status: number;
  /** The AWS provider of the IaC tool (its user agent), not faber-cloud's own SDK calls. */
  provider: boolean;
  /** What AWS authorises on this call besides its own action (tag-on-create, iam:PassRole). */
  implied: string[];
}

/** S3 bucket sub-resources -> the operation for GET/PUT/DELETE (AWS S3 API reference). */
const S3_SUBRESOURCES: Record<string, [string, string, string]> = {
  versioning: ['GetBucketVersioning', 'PutBucketVersioning', ''],
  policy: ['GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy'],
  website: ['GetBucketWebsite', 'PutBucketWebsite', 'DeleteBucketWebsite'],
  acl: ['GetBucketAcl', 'PutBucketAcl', ''],
  tagging: ['GetBucketTagging', 'PutBucketTagging', 'DeleteBucketTagging'],
  logging: ['GetBucketLogging', 'PutBucketLogging', ''],
  cors: ['GetBucketCors', 'PutBucketCors', 'DeleteBucketCors'],
  notification: ['GetBucketNotificationConfiguration', 'PutBucketNotificationConfiguration', ''],
  accelerate: ['GetBucketAccelerateConfiguration', 'PutBucketAccelerateConfiguration', ''],
  lifecycle: ['GetBucketLifecycleConfiguration', 'PutBucketLifecycleConfiguration', 'DeleteBucketLifecycle'],
  encryption: ['GetBucketEncryption', 'PutBucketEncryption', 'DeleteBucketEncryption'],
  replication: ['GetBucketReplication', 'PutBucketReplication', 'DeleteBucketReplication'],
  requestPayment: ['GetBucketRequestPayment', 'PutBucketRequestPayment', ''],
  'object-lock': ['GetObjectLockConfiguration', 'PutObjectLockConfiguration', ''],
  publicAccessBlock: ['GetPublicAccessBlock', 'PutPublicAccessBlock', 'DeletePublicAccessBlock'],
  ownershipControls: ['GetBucketOwnershipControls', 'PutBucketOwnershipControls', 'DeleteBucketOwnershipControls'],
  location: ['GetBucketLocation', '', ''],
  versions: ['ListObjectVersions', '', ''],
  uploads: ['ListMultipartUploads', '', ''],
  policyStatus: ['GetBucketPolicyStatus', '', ''],
};

function s3Operation(method: string, url: URL): string | undefined {
  const parts = url.pathname.split('/').filter(Boolean);
  const keys = [...url.searchParams.keys()];
  if (parts.length === 0) return method === 'GET' ? 'ListBuckets' : undefined;
  if (parts.length === 1) {
    const sub = keys.find((k) => k in S3_SUBRESOURCES);
    if (sub) {
      const [get, put, del] = S3_SUBRESOURCES[sub] as [string, string, string];
      return ({ GET: get, PUT: put, DELETE: del } as Record<string, string>)[method] || undefined;
    }
    if (method === 'POST' && keys.includes('delete')) return 'DeleteObjects';
    return ({ HEAD: 'HeadBucket', PUT: 'CreateBucket', DELETE: 'DeleteBucket', GET: url.searchParams.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects' } as Record<string, string>)[method];
  }
  if (keys.includes('tagging')) return ({ GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' } as Record<string, string>)[method];
  return ({ GET: 'GetObject', PUT: 'PutObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' } as Record<string, string>)[method];
}

/** Lambda's REST routes (AWS Lambda API reference): [method, path pattern, operation]. */
const LAMBDA_ROUTES: [string, RegExp, string][] = [
  ['POST', /^\/2015-03-31\/functions\/?$/, 'CreateFunction'],
  ['GET', /^\/2015-03-31\/functions\/?$/, 'ListFunctions'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/?$/, 'GetFunction'],
  ['DELETE', /^\/2015-03-31\/functions\/[^/]+\/?$/, 'DeleteFunction'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/configuration$/, 'GetFunctionConfiguration'],
  ['PUT', /^\/2015-03-31\/functions\/[^/]+\/configuration$/, 'UpdateFunctionConfiguration'],
  ['PUT', /^\/2015-03-31\/functions\/[^/]+\/code$/, 'UpdateFunctionCode'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/versions$/, 'ListVersionsByFunction'],
  ['POST', /^\/2015-03-31\/functions\/[^/]+\/versions$/, 'PublishVersion'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/policy$/, 'GetPolicy'],
  ['POST', /^\/2015-03-31\/functions\/[^/]+\/policy$/, 'AddPermission'],
  ['DELETE', /^\/2015-03-31\/functions\/[^/]+\/policy\/[^/]+$/, 'RemovePermission'],
  ['POST', /^\/2015-03-31\/functions\/[^/]+\/invocations$/, 'Invoke'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/aliases\/?$/, 'ListAliases'],
  ['GET', /^\/\d{4}-\d{2}-\d{2}\/functions\/[^/]+\/code-signing-config$/, 'GetFunctionCodeSigningConfig'],
  ['GET', /^\/\d{4}-\d{2}-\d{2}\/functions\/[^/]+\/concurrency$/, 'GetFunctionConcurrency'],
  ['PUT', /^\/\d{4}-\d{2}-\d{2}\/functions\/[^/]+\/concurrency$/, 'PutFunctionConcurrency'],
  ['DELETE', /^\/\d{4}-\d{2}-\d{2}\/functions\/[^/]+\/concurrency$/, 'DeleteFunctionConcurrency'],
  ['GET', /^\/\d{4}-\d{2}-\d{2}\/functions\/[^/]+\/runtime-management-config$/, 'GetRuntimeManagementConfig'],
  ['GET', /^\/\d{4}-\d{2}-\d{2}\/functions\/[^/]+\/url$/, 'GetFunctionUrlConfig'],
  ['GET', /^\/\d{4}-\d{2}-\d{2}\/functions\/[^/]+\/event-invoke-config$/, 'GetFunctionEventInvokeConfig'],
  ['GET', /^\/\d{4}-\d{2}-\d{2}\/functions\/[^/]+\/recursion-config$/, 'GetFunctionRecursionConfig'],
  ['GET', /^\/\d{4}-\d{2}-\d{2}\/tags\/.+$/, 'ListTags'],
  ['POST', /^\/\d{4}-\d{2}-\d{2}\/tags\/.+$/, 'TagResource'],
  ['DELETE', /^\/\d{4}-\d{2}-\d{2}\/tags\/.+$/, 'UntagResource'],
  ['POST', /^\/2015-03-31\/event-source-mappings\/?$/, 'CreateEventSourceMapping'],
  ['GET', /^\/2015-03-31\/event-source-mappings\/?$/, 'ListEventSourceMappings'],
  ['GET', /^\/2015-03-31\/event-source-mappings\/[^/]+$/, 'GetEventSourceMapping'],
  ['PUT', /^\/2015-03-31\/event-source-mappings\/[^/]+$/, 'UpdateEventSourceMapping'],
  ['DELETE', /^\/2015-03-31\/event-source-mappings\/[^/]+$/, 'DeleteEventSourceMapping'],
];

function lambdaOperation(method: string, url: URL): string | undefined {
  return LAMBDA_ROUTES.find(([m, re]) => m === method && re.test(url.pathname))?.[2];
}

/**
 * Actions AWS authorises on a call without a call of their own, which moto does not evaluate:
 * tags sent with a create (tag-on-create needs the service's tag action: each service's
 * "tagging on creation" documentation) and a role handed to Lambda (iam:PassRole).
 */
const TAG_ON_CREATE: Record<string, string> = {
  'iam.CreateRole': 'iam:TagRole',
  'iam.CreatePolicy': 'iam:TagPolicy',
  'dynamodb.CreateTable': 'dynamodb:TagResource',
  'sns.CreateTopic': 'sns:TagResource',
  'sqs.CreateQueue': 'sqs:TagQueue',
  'lambda.CreateFunction': 'lambda:TagResource',
  'lambda.CreateEventSourceMapping': 'lambda:TagResource',
  'logs.CreateLogGroup': 'logs:TagResource',
  // The provider's own comment: "Tag on create requires the s3:TagResource IAM permission".
  's3.CreateBucket': 's3:TagResource',
};

function carriesTags(body: string): boolean {
  if (/(^|&)Tags\.member\.1\.Key=/.test(body) || /<Tags>\s*<Tag>/.test(body)) return true;
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const tags = json.Tags ?? json.tags;
    return tags !== undefined && tags !== null && Object.keys(tags).length > 0;
  } catch {
    return false;
  }
}

function authorisedWithoutCall(service: string, operation: string | undefined, body: string): string[] {
  if (!operation) return [];
  const out: string[] = [];
  const tag = TAG_ON_CREATE[`${service}.${operation}`];
  if (tag && carriesTags(body)) out.push(tag);
  if (service === 'lambda' && (operation === 'CreateFunction' || operation === 'UpdateFunctionConfiguration') && /"Role"\s*:/.test(body)) out.push('iam:PassRole');
  return out;
}

/** The signing name (IAM prefix) of a request, from its SigV4 credential scope. */
function serviceOf(authorization: string | undefined): string {
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '')?.[1] ?? 'unknown';
}

function operationOf(service: string, method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: string): string | undefined {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop();
  const action = url.searchParams.get('Action') ?? new URLSearchParams(body).get('Action');
  if (action) return action;
  if (service === 's3') return s3Operation(method, url);
  if (service === 'lambda') return lambdaOperation(method, url);
  return undefined;
}

export interface RecordingProxy {
  endpoint: string;
  calls: RecordedCall[];
  /**
   * The provider's calls as IAM actions (sorted, distinct), the calls whose operation was not
   * recognised, and the actions its successful calls needed without a call of their own.
   */
  providerActions(): { actions: string[]; unrecognised: string[]; authorisedWithoutCall: string[] };
  stop(): Promise<void>;
}

const SIGNING_TO_IAM: Record<string, string> = { monitoring: 'cloudwatch' };

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const calls: RecordedCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://proxy');
      const service = serviceOf(req.headers.authorization);
      const agent = String(req.headers['user-agent'] ?? '');
      const call: RecordedCall = {
        service,
        operation: operationOf(service, req.method ?? 'GET', url, req.headers, body.toString('utf8')),
        method: req.method ?? 'GET',
        path: url.pathname,
        status: 0,
        provider: /terraform-provider-aws|HashiCorp|Terraform|OpenTofu/i.test(agent),
        implied: [],
      };
      call.implied = authorisedWithoutCall(service, call.operation, body.toString('utf8'));
      calls.push(call);
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          call.status = up.statusCode ?? 0;
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const map = JSON.parse(readFileSync(path.join(REPO_ROOT, 'plugin', 'templates', 'iam', 'action-map.json'), 'utf8')) as { exceptions: Record<string, string[]> };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    calls,
    providerActions() {
      const actions = new Set<string>();
      const unrecognised = new Set<string>();
      const implied = new Set<string>();
      for (const c of calls.filter((x) => x.provider)) {
        if (!c.operation) {
          unrecognised.add(`${c.service} ${c.method} ${c.path}`);
          continue;
        }
        // Only a call AWS would have let through authorises what it implies.
        if (c.status < 300) for (const a of c.implied) implied.add(a);
        const exception = map.exceptions[`${c.service}.${c.operation}`];
        for (const a of exception ?? [`${SIGNING_TO_IAM[c.service] ?? c.service}:${c.operation}`]) actions.add(a);
      }
      return { actions: [...actions].sort(), unrecognised: [...unrecognised].sort(), authorisedWithoutCall: [...implied].sort() };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
