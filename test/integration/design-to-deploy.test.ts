import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetBucketEncryptionCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliRun } from '../support/cli.js';
import { MOTO_REGION, defaultProfiles, resetMoto, writeProfiles } from '../support/moto.js';
import { iacEnv } from '../support/tools.js';

/**
 * The front of the lifecycle through the built CLI, the real IaC binary and moto:
 * init -> infra architect -> infra engineer -> infra validate -> infra preview -> infra test (pre)
 * -> infra deploy -> infra test (post)
 * -> infra show-resources -> infra destroy, for three designs of one project: the first is
 * deployed alone, then two more join it (the plan creates only theirs), then all are destroyed.
 * (One project, because every IaC call loads the 900 MB aws provider: three full cycles
 * would take over three minutes on two cores.)
 *
 * The generated provider block works against real AWS as it is; against moto the project
 * sets `aws_emulator = true` in a var file (handlers.iac.terraform.var_files), as a user
 * with LocalStack would. S3 noncurrent-version expiration is turned off in these designs:
 * after creating a lifecycle rule the aws provider polls until it reads back stable, about a
 * minute against moto; test/integration/terraform-templates.test.ts validates that variant.
 */

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const client = <T>(C: new (config: object) => T): T => new C({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL, credentials, forcePathStyle: true });

interface Scenario {
  /** infra architect arguments after the command. */
  architect: string[];
  slug: string;
  /** Resource kinds the design must hold (keyword defaults or --resource). */
  kinds: string[];
  /** Addresses the deploy must create, as the registry lists them. */
  addresses: string[];
  /** Checks against moto after the deploy (what really exists), and after the destroy. */
  exists(): Promise<void>;
  gone(): Promise<void>;
}

async function bucketNames(): Promise<string[]> {
  return ((await client(S3Client).send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!);
}

async function taggedArns(project: string): Promise<string[]> {
  const out = await client(ResourceGroupsTaggingAPIClient).send(new GetResourcesCommand({ TagFilters: [{ Key: 'Project', Values: [project] }] }));
  return (out.ResourceTagMappingList ?? []).map((m) => m.ResourceARN!).sort();
}

const PROJECT = 'shop';

const scenarios: Scenario[] = [
  {
    architect: ['--feature', 'user uploads', '--set', 'uploads.noncurrent_expiration_days=null'],
    slug: 'user-uploads',
    kinds: ['s3_bucket'],
    addresses: [
      'aws_s3_bucket.uploads',
      'aws_s3_bucket_ownership_controls.uploads',
      'aws_s3_bucket_public_access_block.uploads',
      'aws_s3_bucket_server_side_encryption_configuration.uploads',
      'aws_s3_bucket_versioning.uploads',
    ],
    async exists() {
      const s3 = client(S3Client);
      expect(await bucketNames()).toContain('shop-core-test-uploads');
      const pab = await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'shop-core-test-uploads' }));
      expect(pab.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
      const sse = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'shop-core-test-uploads' }));
      expect(sse.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'shop-core-test-uploads' }))).Status).toBe('Enabled');
    },
    async gone() {
      expect(await bucketNames()).not.toContain('shop-core-test-uploads');
    },
  },
  {
    architect: ['--feature', 'order events with a table of orders', '--set', 'items.range_key=created_at', '--set', 'items.range_key_type=N'],
    slug: 'order-events-with-a-table-of-orders',
    kinds: ['dynamodb_table', 'sns_topic'],
    addresses: ['aws_dynamodb_table.items', 'aws_sns_topic.events'],
    async exists() {
      const table = await client(DynamoDBClient).send(new DescribeTableCommand({ TableName: 'shop-core-test-items' }));
      expect(table.Table?.KeySchema).toEqual([
        { AttributeName: 'id', KeyType: 'HASH' },
        { AttributeName: 'created_at', KeyType: 'RANGE' },
      ]);
      expect(table.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      // Tags from the generated locals, on what moto really holds.
      const tagged = await taggedArns(PROJECT);
      expect(tagged).toContain('arn:aws:dynamodb:us-east-1:123456789012:table/shop-core-test-items');
      expect(tagged).toContain('arn:aws:sns:us-east-1:123456789012:shop-core-test-events');
    },
    async gone() {
      const tagged = await taggedArns(PROJECT);
      expect(tagged.filter((arn) => /shop-core-test-(items|events)$/.test(arn))).toEqual([]);
    },
  },
  {
    architect: ['--feature', 'thumbnail worker', '--resource', 'lambda:thumbnailer', '--resource', 'iam_role:reader', '--set', 'thumbnailer.memory_mb=512', '--set', 'reader.service=ecs-tasks.amazonaws.com'],
    slug: 'thumbnail-worker',
    kinds: ['lambda_function', 'iam_role'],
    addresses: ['aws_cloudwatch_log_group.thumbnailer', 'aws_iam_role.reader', 'aws_iam_role.thumbnailer', 'aws_iam_role_policy.thumbnailer_logs', 'aws_lambda_function.thumbnailer'],
    async exists() {
      const fn = await client(LambdaClient).send(new GetFunctionCommand({ FunctionName: 'shop-core-test-thumbnailer' }));
      expect(fn.Configuration).toMatchObject({ MemorySize: 512, Runtime: 'python3.12', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/shop-core-test-thumbnailer-role' });
      const role = await client(IAMClient).send(new GetRoleCommand({ RoleName: 'shop-core-test-reader' }));
      expect(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)).toContain('ecs-tasks.amazonaws.com');
    },
    async gone() {
      await expect(client(IAMClient).send(new GetRoleCommand({ RoleName: 'shop-core-test-reader' }))).rejects.toThrow(/not found|cannot be found/i);
      await expect(client(LambdaClient).send(new GetFunctionCommand({ FunctionName: 'shop-core-test-thumbnailer' }))).rejects.toThrow(/not found/i);
    },
  },
];

function ok(run: CliRun, what: string): any {
  expect(run.code, `${what}: ${run.stdout}\n${run.stderr}`).toBe(0);
  expect(run.json?.ok, what).toBe(true);
  return run.json.data;
}

describe('design to deploy: architect, engineer, validate, test pre, preview, deploy, test post, show-resources, destroy', () => {
  beforeAll(async () => {
    await resetMoto();
    await writeProfiles(defaultProfiles(PROJECT));
  });

  it('takes three designs from feature requests to resources in moto and back, the second round leaving the first deployed design alone', async () => {
    const dir = await tempDir('faber-design-to-deploy-');
    const cli = (args: string[]) => runCli([...args, '--json'], { cwd: dir, env: iacEnv(), timeoutMs: 170_000 });
    const terraformDir = path.join(dir, 'infrastructure', 'terraform');

    ok(await cli(['init', '--project', PROJECT, '--region', 'us-east-1', '--account-id', '123456789012']), 'init');
    // Against moto: the one setting a project changes for an emulator, in a var file of the environment.
    const configFile = path.join(dir, '.fractary/plugins/faber-cloud/config/devops.json');
    const config = JSON.parse(await readFile(configFile, 'utf8'));
    config.handlers.iac.terraform.var_files = { test: 'emulator.tfvars' };
    await writeFile(configFile, JSON.stringify(config, null, 2));

    /** architect + engineer for one design; the deploy steps follow per round. */
    const design = async (s: Scenario) => {
      const made = ok(await cli(['infra', 'architect', ...s.architect]), `architect ${s.slug}`);
      expect(made.slug).toBe(s.slug);
      expect(made.resources.map((r: any) => r.kind).sort()).toEqual([...s.kinds].sort());
      expect(await readFile(path.join(dir, '.fractary/plugins/faber-cloud/designs', `${s.slug}.md`), 'utf8')).toMatch(/^---\n\{/);
      const engineered = ok(await cli(['infra', 'engineer', '--design', s.slug]), `engineer ${s.slug}`);
      expect(engineered.directory).toBe('infrastructure/terraform');
      // The design's own files are new; the shared ones exist from the first design on.
      for (const f of engineered.files) expect(f.status, f.file).toBe(f.file.includes('/faber-cloud.') && s !== scenarios[0] ? 'unchanged' : 'created');
    };
    /** validate, preview (exactly the expected creations), deploy that plan, check moto. */
    const deploy = async (round: Scenario[]) => {
      const validated = ok(await cli(['infra', 'validate', '--env', 'test']), 'validate');
      expect(validated).toMatchObject({ valid: true, unformatted: [] });
      const preview = ok(await cli(['infra', 'preview', '--env', 'test']), 'preview');
      const expected = round.flatMap((s) => s.addresses).sort();
      const creates = preview.digest.changes.filter((c: any) => c.action === 'create');
      expect(creates.map((c: any) => c.address).sort()).toEqual(expected);
      // Nothing deployed before is touched, except one moto quirk: moto 5.2.1 drops the tags
      // sent inside CreateBucket, so the next plan puts the bucket's tags back (real S3 keeps them).
      const others = preview.digest.changes.filter((c: any) => c.action !== 'create');
      for (const c of others) expect(c, 'only the moto bucket-tag quirk').toMatchObject({ address: 'aws_s3_bucket.uploads', action: 'update', changed_attributes: ['tags', 'tags_all'] });
      expect(preview.digest.counts).toMatchObject({ create: expected.length, replace: 0, delete: 0 });
      // The generated Terraform passes the pre-deploy security and cost gate as it is.
      const pre = ok(await cli(['infra', 'test', '--env', 'test', '--phase', 'pre', '--plan', preview.plan_id]), 'test pre');
      expect(pre.passed, JSON.stringify(pre.findings)).toBe(true);
      expect(pre.findings.filter((f: any) => f.severity === 'critical' || f.severity === 'high')).toEqual([]);
      const deployed = ok(await cli(['infra', 'deploy', '--env', 'test', '--plan', preview.plan_id]), 'deploy');
      expect(deployed.plan_id).toBe(preview.plan_id);
      for (const s of round) await s.exists();
      // Every registry resource exists and answers (post-deploy checks through the hosting handler).
      const post = ok(await cli(['infra', 'test', '--env', 'test', '--phase', 'post']), 'test post');
      expect(post.passed, JSON.stringify(post)).toBe(true);
    };

    // Round 1: the first design alone.
    const [first, ...rest] = scenarios as [Scenario, ...Scenario[]];
    await design(first);
    await writeFile(path.join(terraformDir, 'emulator.tfvars'), 'aws_emulator = true\n');
    await deploy([first]);
    // Engineering it again changes nothing.
    expect(ok(await cli(['infra', 'engineer', '--design', first.slug]), 'engineer again').changed).toBe(false);

    // Round 2: two more designs join the project; the plan creates only theirs.
    for (const s of rest) await design(s);
    await deploy(rest);

    const shown = ok(await cli(['infra', 'show-resources', '--env', 'test']), 'show-resources');
    expect(shown.resources.map((r: any) => r.address).sort()).toEqual(scenarios.flatMap((s) => s.addresses).sort());
    for (const r of shown.resources.filter((r: any) => ['aws_s3_bucket', 'aws_sns_topic', 'aws_dynamodb_table', 'aws_lambda_function', 'aws_iam_role'].includes(r.type))) {
      expect(r.id, r.address).toMatch(new RegExp(`^(arn:.*:)?${PROJECT}-core-test-`));
      expect(r.console_url, r.address).toMatch(/^https:\/\//);
    }
    // Generated outputs reach DEPLOYED.md.
    const deployedMd = await readFile(path.join(dir, '.fractary/plugins/faber-cloud/deployments/test/DEPLOYED.md'), 'utf8');
    for (const output of ['uploads_bucket_name', 'items_table_arn', 'events_topic_arn', 'thumbnailer_function_arn', 'reader_role_arn']) expect(deployedMd).toContain(output);

    ok(await cli(['infra', 'destroy', '--env', 'test', '--confirm', 'test']), 'destroy');
    for (const s of scenarios) await s.gone();
    expect(await taggedArns(PROJECT)).toEqual([]);
    expect(ok(await cli(['infra', 'show-resources', '--env', 'test']), 'show-resources after destroy').resources).toEqual([]);
  }, 480_000); // three designs, each previewed (with a permission preflight) and deployed twice: ~2 min alone, twice that with the suite beside it
});
