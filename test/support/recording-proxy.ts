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
  return undefined;
}

export interface RecordingProxy {
  endpoint: string;
  calls: RecordedCall[];
  /** The provider's calls as IAM actions (sorted, distinct), and the calls whose operation was not recognised. */
  providerActions(): { actions: string[]; unrecognised: string[] };
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
      };
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
      for (const c of calls.filter((x) => x.provider)) {
        if (!c.operation) {
          unrecognised.add(`${c.service} ${c.method} ${c.path}`);
          continue;
        }
        const exception = map.exceptions[`${c.service}.${c.operation}`];
        for (const a of exception ?? [`${SIGNING_TO_IAM[c.service] ?? c.service}:${c.operation}`]) actions.add(a);
      }
      return { actions: [...actions].sort(), unrecognised: [...unrecognised].sort() };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
