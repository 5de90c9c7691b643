import { spawnSync } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateLogGroupCommand, CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, GetTopicAttributesCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateBucketCommand, GetBucketTaggingCommand, HeadBucketCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { MOTO_REGION, resetMoto } from '../support/moto.js';
import { createProject, type TestProject } from '../support/project.js';
import { iacEnv } from '../support/tools.js';

/**
 * Issue 17, part 3: `infra adopt` through the built CLI, OpenTofu with the aws provider and moto.
 * A bucket, a table and two topics (one untagged, found by its name) made out-of-band (the SDK straight to moto) with the test
 * environment's tags and names are adopted: the preview imports exactly them and changes nothing
 * else; the deploy imports them (registry adopted_at) and modifies none of them. Resources of
 * another environment, or with neither the tags nor the naming, are left alone.
 */

const DEMO = path.join(REPO_ROOT, 'plugin', 'templates', 'demo', 'terraform');
// Read when used: the test setup sets AWS_ENDPOINT_URL after this module loads.
const endpoint = () => process.env.AWS_ENDPOINT_URL!;
const client = () => ({ region: MOTO_REGION, endpoint: endpoint(), credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const s3 = () => new S3Client({ ...client(), forcePathStyle: true });
const ddb = () => new DynamoDBClient(client());
const SLOW = { timeoutMs: 900_000 };

/** The remote-state fixture: one workspace (default) for both environments, a state key each in moto's S3. */
async function remoteStateProject(): Promise<TestProject> {
  await s3().send(new CreateBucketCommand({ Bucket: 'rs-tfstate' }));
  const p = await createProject('remote-state', { project: 'rs' });
  await p.editConfig((c) => {
    c.handlers.iac.terraform.workspaces = { test: 'default', prod: 'default' };
    c.handlers.iac.terraform.var_files = { test: 'test.tfvars', prod: 'prod.tfvars' };
  });
  return p;
}

const tagsOf = (env: string) => [
  { Key: 'Project', Value: 'demo' },
  { Key: 'Environment', Value: env },
];

async function bucket(name: string, tags?: { Key: string; Value: string }[]) {
  await s3().send(new CreateBucketCommand({ Bucket: name }));
  if (tags) await s3().send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: tags } }));
}

async function table(name: string, tags: { Key: string; Value: string }[]) {
  await ddb().send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], Tags: tags }));
}

const sns = () => new SNSClient(client());

async function topic(name: string, tags?: { Key: string; Value: string }[]): Promise<string> {
  return (await sns().send(new CreateTopicCommand({ Name: name, ...(tags ? { Tags: tags } : {}) }))).TopicArn!;
}

async function topicAttributes(arn: string): Promise<string[]> {
  const attrs = (await sns().send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
  return Object.entries(attrs).filter(([k]) => !k.startsWith('Subscriptions')).map(([k, v]) => `${k}=${v}`).sort();
}

/** What someone would check: every attribute the adopt must not touch. */
async function snapshot(topicArns: string[]) {
  const t = (await ddb().send(new DescribeTableCommand({ TableName: 'demo-core-test-legacy-items' }))).Table!;
  const tableTags = (await ddb().send(new ListTagsOfResourceCommand({ ResourceArn: t.TableArn! }))).Tags;
  const topicAttrs = await Promise.all(topicArns.map(topicAttributes));
  return {
    bucket: await s3().send(new HeadBucketCommand({ Bucket: 'demo-core-test-legacy' })).then(() => 'exists'),
    bucketTags: (await s3().send(new GetBucketTaggingCommand({ Bucket: 'demo-core-test-legacy' }))).TagSet,
    table: { arn: t.TableArn, created: t.CreationDateTime?.toISOString(), keys: t.KeySchema, billing: t.BillingModeSummary?.BillingMode ?? null, tags: tableTags },
    topicAttrs,
  };
}

describe('infra adopt', () => {
  beforeEach(resetMoto);

  it('adopts a bucket, a table and two topics (one untagged) of the environment: an import-only preview, then a deploy that imports them (adopted_at) and changes none', async () => {
    const p = await createProject(DEMO, { project: 'demo' });
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], SLOW);
    expect(deploy.code, deploy.stderr).toBe(0);
    // moto drops the tags sent with CreateBucket: the second deploy puts them, so the code is fully deployed.
    const settle = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], SLOW);
    expect(settle.code, settle.stderr).toBe(0);

    // Out-of-band: the environment's resources (by tags and naming), another environment's, and a stranger.
    await bucket('demo-core-test-legacy', tagsOf('test'));
    await table('demo-core-test-legacy-items', tagsOf('test'));
    const topicArn = await topic('demo-core-test-alerts', tagsOf('test'));
    // Untagged: the tag index does not list it, only SNS's own listing by the naming prefix.
    const untaggedTopicArn = await topic('demo-core-test-notices');
    const strangerTopicArn = await topic('someone-elses-topic');
    const prodTopicArn = await topic('demo-core-prod-events');
    await bucket('demo-core-prod-legacy', tagsOf('prod'));
    await table('demo-core-prod-legacy-items', tagsOf('prod'));
    await bucket('someone-elses-bucket');
    const before = await snapshot([topicArn, untaggedTopicArn]);

    // A dry run lists them and writes nothing.
    const filesBefore = (await readdir(p.terraformDir)).sort();
    const dry = await p.cli(['infra', 'adopt', '--env', 'test', '--dry-run', '--json'], SLOW);
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.json.data.adopted.map((t: any) => [t.type, t.import_id]).sort()).toEqual([
      ['aws_dynamodb_table', 'demo-core-test-legacy-items'],
      ['aws_s3_bucket', 'demo-core-test-legacy'],
      ['aws_sns_topic', topicArn],
      ['aws_sns_topic', untaggedTopicArn],
    ]);
    expect(dry.json.data.files).toEqual([]);
    expect(dry.json.data.plan).toBeNull();
    expect(dry.json.data.next_command).toBe('faber-cloud infra adopt --env test');
    expect((await readdir(p.terraformDir)).sort()).toEqual(filesBefore);

    const adopt = await p.cli(['infra', 'adopt', '--env', 'test', '--json'], SLOW);
    expect(adopt.code, adopt.stdout + adopt.stderr).toBe(0);
    const data = adopt.json.data;
    const addresses = data.adopted.map((t: any) => t.address).sort();
    expect(addresses).toEqual(['aws_dynamodb_table.adopted_test_legacy_items', 'aws_s3_bucket.adopted_test_legacy', 'aws_sns_topic.adopted_test_alerts', 'aws_sns_topic.adopted_test_notices']);
    // found by tags and by name alike; the untagged topic by SNS's listing of names only
    expect(data.adopted.find((t: any) => t.type === 'aws_s3_bucket').via).toEqual(['name', 'tags']);
    expect(data.adopted.find((t: any) => t.import_id === topicArn).via).toEqual(['name', 'tags']);
    expect(data.adopted.find((t: any) => t.import_id === untaggedTopicArn).via).toEqual(['name']);
    expect(data.skipped).toEqual([]);
    // the plan imports exactly them, and changes nothing
    expect(data.imports).toEqual(addresses.map((a: string) => `${a}[0]`));
    expect(data.differences).toEqual([]);
    expect(data.not_imported).toEqual([]);
    expect(data.other_changes).toEqual([]);
    expect(data.plan.digest.counts).toEqual({ create: 0, update: 0, replace: 0, delete: 0, import: 4 });
    expect(data.plan.digest.changes.every((c: any) => c.action === 'no-op' && c.importing === true)).toBe(true);
    expect(data.next_command).toBe(`faber-cloud infra deploy --env test --plan ${data.plan.plan_id}`);
    // the two marked files
    expect(data.files.sort()).toEqual(['terraform/faber-cloud-adopt-test.generated.tf', 'terraform/faber-cloud-adopt-test.tf', 'terraform/faber-cloud-adopt.tf']);
    const imports = await readFile(path.join(p.terraformDir, 'faber-cloud-adopt-test.tf'), 'utf8');
    expect(imports.split('\n')[0]).toMatch(/^# Generated by faber-cloud infra adopt for environment 'test'/);
    expect(imports).toContain('for_each = var.faber_cloud_environment == "test" ? toset(["0"]) : toset([])');
    expect(await readFile(path.join(p.terraformDir, 'faber-cloud-adopt.tf'), 'utf8')).toContain('variable "faber_cloud_environment" {');
    const config = await readFile(path.join(p.terraformDir, 'faber-cloud-adopt-test.generated.tf'), 'utf8');
    expect(config.split('\n')[0]).toMatch(/^# Generated by faber-cloud infra adopt/);
    expect(config).toContain('resource "aws_s3_bucket" "adopted_test_legacy"');
    expect(config).toContain('resource "aws_sns_topic" "adopted_test_notices"');
    expect(imports).toContain(`id       = "${untaggedTopicArn}"`);
    for (const other of [strangerTopicArn, prodTopicArn]) expect(imports + config).not.toContain(other);

    // Idempotent: nothing new, nothing written.
    const stamp = [imports, config];
    const again = await p.cli(['infra', 'adopt', '--env', 'test', '--json'], SLOW);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.json.data.adopted).toEqual([]);
    expect(again.json.data.pending).toHaveLength(4);
    expect(again.json.data.files).toEqual([]);
    expect([await readFile(path.join(p.terraformDir, 'faber-cloud-adopt-test.tf'), 'utf8'), await readFile(path.join(p.terraformDir, 'faber-cloud-adopt-test.generated.tf'), 'utf8')]).toEqual(stamp);

    // Another environment planning the same directory imports nothing and adds nothing.
    const prod = await p.cli(['infra', 'preview', '--env', 'prod', '--json'], SLOW);
    expect(prod.code, prod.stdout + prod.stderr).toBe(0);
    expect(prod.json.data.digest.changes.filter((c: any) => c.address.includes('adopted'))).toEqual([]);

    // The deploy of the reviewed plan imports them; the registry says they were adopted.
    const imported = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', data.plan.plan_id, '--json'], SLOW);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    const registry = await p.readJson(p.artifact('test', 'registry.json'));
    const adopted = registry.resources.filter((r: any) => r.adopted_at).map((r: any) => r.address).sort();
    expect(adopted).toEqual(data.imports);
    expect(registry.resources.find((r: any) => r.address === 'aws_s3_bucket.uploads').adopted_at).toBeUndefined();
    expect((await p.state('test')).map((r) => r.address)).toEqual(expect.arrayContaining(data.imports));
    // Nothing adopted was modified; nothing of prod or the stranger was touched.
    expect(await snapshot([topicArn, untaggedTopicArn])).toEqual(before);
    expect(registry.resources.find((r: any) => r.address === 'aws_sns_topic.adopted_test_notices[0]')).toMatchObject({ type: 'aws_sns_topic', adopted_at: expect.any(String) });
    const topicsLeft = (await sns().send(new ListTopicsCommand({}))).Topics!.map((t) => t.TopicArn);
    expect(topicsLeft).toEqual(expect.arrayContaining([strangerTopicArn, prodTopicArn]));
    await s3().send(new HeadBucketCommand({ Bucket: 'demo-core-prod-legacy' }));
    await s3().send(new HeadBucketCommand({ Bucket: 'someone-elses-bucket' }));

    // After the deploy: everything found is managed, nothing new; a later deploy keeps adopted_at.
    const after = await p.cli(['infra', 'adopt', '--env', 'test', '--json'], SLOW);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.json.data.adopted).toEqual([]);
    expect(after.json.data.managed).toBeGreaterThanOrEqual(4);
    const redeploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], SLOW);
    expect(redeploy.code, redeploy.stdout + redeploy.stderr).toBe(0);
    const kept = await p.readJson(p.artifact('test', 'registry.json'));
    expect(kept.resources.filter((r: any) => r.adopted_at).map((r: any) => [r.address, r.adopted_at])).toEqual(registry.resources.filter((r: any) => r.adopted_at).map((r: any) => [r.address, r.adopted_at]));
  }, 1_800_000);

  it('finds untagged resources by name (queue, role, log group), imports a queue by its service URL, and exits 1 when the plan would also do other changes', async () => {
    const p = await createProject(DEMO, { project: 'demo' });
    await new SQSClient(client()).send(new CreateQueueCommand({ QueueName: 'demo-core-test-jobs' }));
    const queueUrl = `https://sqs.${MOTO_REGION}.amazonaws.com/123456789012/demo-core-test-jobs`;
    await new IAMClient(client()).send(new CreateRoleCommand({ RoleName: 'demo-core-test-runner', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] }) }));
    await new CloudWatchLogsClient(client()).send(new CreateLogGroupCommand({ logGroupName: 'demo-core-test-audit' }));
    await new SQSClient(client()).send(new CreateQueueCommand({ QueueName: 'demo-core-prod-jobs' }));

    const dry = await p.cli(['infra', 'adopt', '--env', 'test', '--dry-run', '--json'], SLOW);
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.json.data.skipped).toEqual([]);
    expect(dry.json.data.adopted.map((t: any) => [t.address, t.import_id, t.via])).toEqual([
      ['aws_iam_role.adopted_test_runner', 'demo-core-test-runner', ['name']],
      ['aws_cloudwatch_log_group.adopted_test_audit', 'demo-core-test-audit', ['name']],
      ['aws_sqs_queue.adopted_test_jobs', queueUrl, ['name']],
    ]);

    // Nothing of the demo is deployed yet: the same plan would create it, which adopt reports (exit 1, ok:true).
    const adopt = await p.cli(['infra', 'adopt', '--env', 'test', '--json'], SLOW);
    expect(adopt.code, adopt.stdout + adopt.stderr).toBe(1);
    expect(adopt.json.ok, adopt.stdout + adopt.stderr).toBe(true);
    const data = adopt.json.data;
    expect(data.imports).toEqual(['aws_cloudwatch_log_group.adopted_test_audit[0]', 'aws_iam_role.adopted_test_runner[0]', 'aws_sqs_queue.adopted_test_jobs[0]']);
    expect(data.other_changes.map((c: any) => `${c.action} ${c.address}`)).toContain('create aws_s3_bucket.uploads');
    expect(data.next_command).toBeNull();
  }, 900_000);

  it('adopts in the default workspace with a backend key per environment: prod plans none of it, then adopts its own; each imports exactly its own', async () => {
    const p = await remoteStateProject();
    await bucket('rs-core-test-legacy');
    const testTopic = await topic('rs-core-test-alerts');
    await bucket('rs-core-prod-legacy');
    const adoptedTest = ['aws_s3_bucket.adopted_test_legacy[0]', 'aws_sns_topic.adopted_test_alerts[0]'];
    const imported = (digest: any) => digest.changes.filter((c: any) => c.importing).map((c: any) => c.address).sort();

    // test: nothing of its code is deployed, so the same plan also creates it (exit 1); it imports exactly the two.
    const adoptTest = await p.cli(['infra', 'adopt', '--env', 'test', '--json'], SLOW);
    expect(adoptTest.code, adoptTest.stdout + adoptTest.stderr).toBe(1);
    expect(adoptTest.json.data.adopted.map((t: any) => t.import_id).sort()).toEqual([testTopic, 'rs-core-test-legacy'].sort());
    expect(adoptTest.json.data.imports).toEqual(adoptedTest);
    expect(imported(adoptTest.json.data.plan.digest)).toEqual(adoptedTest);
    expect(adoptTest.json.data.differences).toEqual([]);
    expect(adoptTest.json.data.files.sort()).toEqual(['terraform/faber-cloud-adopt-test.generated.tf', 'terraform/faber-cloud-adopt-test.tf', 'terraform/faber-cloud-adopt.tf']);

    // prod shares the directory and the workspace (its own state key): it imports nothing, plans nothing of test's.
    const prod = await p.cli(['infra', 'preview', '--env', 'prod', '--json'], SLOW);
    expect(prod.code, prod.stdout + prod.stderr).toBe(0);
    // (counts carry no import key when nothing is imported)
    expect(prod.json.data.digest.counts).toEqual({ create: 7, update: 0, replace: 0, delete: 0 });
    expect(prod.json.data.digest.changes.filter((c: any) => c.address.includes('adopted') || c.importing)).toEqual([]);

    // A plan run by hand without the environment stops before planning (no import, no count-out of adopted resources).
    const tools = iacEnv();
    const hand = spawnSync(tools.FABER_CLOUD_IAC_BINARY!, ['plan', '-input=false', '-no-color', '-var-file=test.tfvars'], { cwd: p.terraformDir, env: { ...process.env, ...tools }, encoding: 'utf8' });
    expect(hand.status, hand.stdout + hand.stderr).toBe(1);
    expect(hand.stderr).toMatch(/No value for required variable[\s\S]*faber_cloud_environment/);

    // prod adopts its own: one more file pair, the shared declaration untouched (declared once).
    const shared = await readFile(path.join(p.terraformDir, 'faber-cloud-adopt.tf'), 'utf8');
    const adoptProd = await p.cli(['infra', 'adopt', '--env', 'prod', '--confirm', 'prod', '--json'], SLOW);
    expect(adoptProd.code, adoptProd.stdout + adoptProd.stderr).toBe(1);
    expect(adoptProd.json.data.adopted.map((t: any) => t.import_id)).toEqual(['rs-core-prod-legacy']);
    expect(imported(adoptProd.json.data.plan.digest)).toEqual(['aws_s3_bucket.adopted_prod_legacy[0]']);
    expect(adoptProd.json.data.files.sort()).toEqual(['terraform/faber-cloud-adopt-prod.generated.tf', 'terraform/faber-cloud-adopt-prod.tf']);
    expect(await readFile(path.join(p.terraformDir, 'faber-cloud-adopt.tf'), 'utf8')).toBe(shared);

    // test again: exactly its own imports, none of prod's.
    const testAgain = await p.cli(['infra', 'preview', '--env', 'test', '--json'], SLOW);
    expect(testAgain.code, testAgain.stdout + testAgain.stderr).toBe(0);
    expect(imported(testAgain.json.data.digest)).toEqual(adoptedTest);
    expect(testAgain.json.data.digest.changes.filter((c: any) => c.address.includes('adopted_prod'))).toEqual([]);
  }, 1_200_000);

  it('refuses without writing: an unknown environment (exit 2), prod without --confirm (exit 3), a file of the user at the generated path (exit 2)', async () => {
    const p = await createProject(DEMO, { project: 'demo' });
    const files = (await readdir(p.terraformDir)).sort();
    const unknown = await p.cli(['infra', 'adopt', '--env', 'nope', '--json'], SLOW);
    expect(unknown.code).toBe(2);
    expect(unknown.json.error.code).toBe('E_USAGE_UNKNOWN_ENV');
    const prod = await p.cli(['infra', 'adopt', '--env', 'prod', '--json'], SLOW);
    expect(prod.code).toBe(3);
    expect(prod.json.error.code).toBe('E_GUARD_CONFIRMATION_REQUIRED');
    expect(prod.json.error.hint).toContain('--dry-run');
    expect((await readdir(p.terraformDir)).sort()).toEqual(files);

    const mine = path.join(p.terraformDir, 'faber-cloud-adopt-test.tf');
    await writeFile(mine, '# my own file\n');
    const conflict = await p.cli(['infra', 'adopt', '--env', 'test', '--json'], SLOW);
    expect(conflict.code).toBe(2);
    expect(conflict.json.error.code).toBe('E_CONFIG_ADOPT_FILE_CONFLICT');
    expect(await readFile(mine, 'utf8')).toBe('# my own file\n');

    // the shared declarations file too
    await rm(mine);
    const sharedName = path.join(p.terraformDir, 'faber-cloud-adopt.tf');
    await writeFile(sharedName, 'variable "mine" {}\n');
    const sharedConflict = await p.cli(['infra', 'adopt', '--env', 'test', '--json'], SLOW);
    expect(sharedConflict.code).toBe(2);
    expect(sharedConflict.json.error.code).toBe('E_CONFIG_ADOPT_FILE_CONFLICT');
    expect(sharedConflict.json.error.message).toContain('faber-cloud-adopt.tf');
    expect(await readFile(sharedName, 'utf8')).toBe('variable "mine" {}\n');
    expect((await readdir(p.terraformDir)).filter((f) => f.startsWith('faber-cloud-adopt'))).toEqual(['faber-cloud-adopt.tf']);
  }, 600_000);
});
