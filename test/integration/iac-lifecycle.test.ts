import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { compileCdkApp, createProject, historyLines, type TestProject } from '../support/project.js';

/**
 * One lifecycle, every IaC handler (issue 18): the same test body runs for Terraform (OpenTofu
 * with the aws provider) and CloudFormation, through the built CLI against moto, on a project of
 * an S3 bucket, a DynamoDB table, an SNS topic and an IAM role. After every step the registry
 * equals what the tool itself says exists (read here, not through src/).
 */

interface HandlerCase {
  tool: string;
  project: string;
  create(): Promise<TestProject>;
  /** The saved plan file's suffix. */
  planSuffix: string;
  /** Change the sources: one resource added, one updated in place. */
  change(p: TestProject): Promise<void>;
  changedCounts: { create: number; update: number };
  /** Console URL start per resource type of the fixture. */
  consoles: Record<string, string>;
  /** How a plan previewed before the last deploy is refused: the exit code and the error code. */
  stale: { code: number; error: string };
  /** The outputs DEPLOYED.md lists after the first deploy: name -> a part of the value. */
  outputs: Record<string, string>;
}

const HANDLERS: HandlerCase[] = [
  {
    tool: 'terraform',
    project: 'demo',
    create: () => createProject(path.join(REPO_ROOT, 'plugin', 'templates', 'demo', 'terraform'), { project: 'demo' }),
    planSuffix: '.tfplan',
    async change(p) {
      const main = path.join(p.terraformDir, 'main.tf');
      const source = await readFile(main, 'utf8');
      const edited = source.replace('name = "${local.prefix}-events"', 'name         = "${local.prefix}-events"\n  display_name = "Demo events"');
      expect(edited).not.toBe(source);
      // (an SNS topic, not an SQS queue: the aws provider waits minutes on moto's queues, docs/TEST-ENVIRONMENT.md)
      await writeFile(main, `${edited}\nresource "aws_sns_topic" "alerts" {\n  name = "\${local.prefix}-alerts"\n  tags = local.tags\n}\n`);
    },
    // The topic, and the bucket: moto drops the tags sent inside CreateBucket, so every plan re-applies them.
    changedCounts: { create: 1, update: 2 },
    consoles: {
      aws_s3_bucket: 'https://s3.console.aws.amazon.com/s3/buckets/',
      aws_dynamodb_table: 'https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=',
      aws_sns_topic: 'https://console.aws.amazon.com/sns/v3/home?region=us-east-1#/topic/arn:aws:sns:',
      aws_iam_role: 'https://console.aws.amazon.com/iam/home?#/roles/',
      aws_cloudwatch_log_group: 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/',
    },
    // Terraform itself refuses a saved plan made before the state changed: the apply fails. (The
    // plan previewed before the change holds the bucket's tag update, see changedCounts.)
    stale: { code: 1, error: 'E_APPLY_FAILED' },
    outputs: { bucket: 'demo-core-test-', topic_arn: 'arn:aws:sns:us-east-1:123456789012:demo-core-test-events' },
  },
  {
    tool: 'cloudformation',
    project: 'life',
    create: () => createProject('app', { project: 'life', iac: 'cloudformation' }),
    planSuffix: '.changeset.json',
    async change(p) {
      const file = path.join(p.terraformDir, 'template.json');
      const template = JSON.parse(await readFile(file, 'utf8'));
      template.Resources.Events.Properties.DisplayName = 'Life events';
      template.Resources.Alerts = { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': 'life-core-${Environment}-alerts' } } };
      await writeFile(file, JSON.stringify(template, null, 2));
    },
    changedCounts: { create: 1, update: 1 },
    consoles: {
      'AWS::S3::Bucket': 'https://s3.console.aws.amazon.com/s3/buckets/life-core-',
      'AWS::DynamoDB::Table': 'https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=life-core-',
      'AWS::SNS::Topic': 'https://console.aws.amazon.com/sns/v3/home?region=us-east-1#/topic/arn:aws:sns:us-east-1:123456789012:life-core-',
      'AWS::IAM::Role': 'https://console.aws.amazon.com/iam/home?#/roles/life-core-',
    },
    // The change set was made against a stack that has changed since: refused before anything runs.
    stale: { code: 3, error: 'E_GUARD_PLAN_STALE' },
    outputs: { DataBucket: 'life-core-test-data', EventsTopic: 'arn:aws:sns:us-east-1:123456789012:life-core-test-events' },
  },
  {
    tool: 'cdk',
    project: 'life',
    create: () => createProject('app', { project: 'life', iac: 'cdk' }),
    planSuffix: '.changeset.json',
    async change(p) {
      const file = path.join(p.terraformDir, 'app.ts');
      const source = await readFile(file, 'utf8');
      const edited = source
        .replace("topicName: `${prefix}-events` }", "topicName: `${prefix}-events`, displayName: 'Life events' }")
        .replace('app.synth();', "new sns.Topic(stack, 'Alerts', { topicName: `${prefix}-alerts` });\n\napp.synth();");
      expect(edited).not.toBe(source);
      await writeFile(file, edited);
      await compileCdkApp(p.terraformDir);
    },
    changedCounts: { create: 1, update: 1 },
    consoles: {
      'AWS::S3::Bucket': 'https://s3.console.aws.amazon.com/s3/buckets/life-core-',
      'AWS::DynamoDB::Table': 'https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=life-core-',
      'AWS::SNS::Topic': 'https://console.aws.amazon.com/sns/v3/home?region=us-east-1#/topic/arn:aws:sns:us-east-1:123456789012:life-core-',
      'AWS::IAM::Role': 'https://console.aws.amazon.com/iam/home?#/roles/life-core-',
    },
    stale: { code: 3, error: 'E_GUARD_PLAN_STALE' },
    outputs: { DataBucket: 'life-core-test-data' },
  },
];

async function registry(p: TestProject, env: string): Promise<any[]> {
  if (!existsSync(p.artifact(env, 'registry.json'))) return [];
  return (await p.readJson(p.artifact(env, 'registry.json'))).resources;
}

/** The registry as the tool's own listing: address and id, sorted. */
async function registryAsState(p: TestProject, env: string) {
  return (await registry(p, env)).map((r) => ({ address: r.address, id: r.id })).sort((a, b) => a.address.localeCompare(b.address));
}

async function expectRecordsMatchCloud(p: TestProject, h: HandlerCase, env: string): Promise<{ address: string; id: string }[]> {
  const state = await p.state(env);
  expect(await registryAsState(p, env)).toEqual(state);
  const deployed = await readFile(p.artifact(env, 'DEPLOYED.md'), 'utf8');
  for (const r of await registry(p, env)) {
    const start = h.consoles[r.type];
    expect(start, `a console URL expectation for ${r.type}`).toBeDefined();
    expect(r.console_url, r.address).toMatch(/^https:\/\//);
    expect(r.console_url.startsWith(start!), `${r.address}: ${r.console_url}`).toBe(true);
    expect(r.arn, r.address).toMatch(/^arn:aws:/);
    expect(deployed).toContain(`\`${r.address}\``);
  }
  return state;
}

describe.each(HANDLERS)('the lifecycle through the $tool handler', (h) => {
  beforeEach(resetMoto);

  it('init → validate → preview → deploy → change → preview → deploy → destroy in test, the registry equal to the cloud after every step', async () => {
    const p = await h.create();
    const config = await p.readJson(p.configFile);
    expect(config.handlers.iac.active).toBe(h.tool);

    const validate = await p.cli(['infra', 'validate', '--env', 'test', '--json']);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.json.data.valid).toBe(true);

    // preview: a saved plan named by its id, nothing changed yet
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json']);
    expect(preview.code, preview.stderr).toBe(0);
    const planId: string = preview.json.data.plan_id;
    expect(planId).toMatch(/^[0-9a-f]{12}$/);
    expect(preview.json.data.digest.counts.create).toBeGreaterThanOrEqual(4);
    expect(existsSync(p.artifact('test', `plans/${planId}${h.planSuffix}`))).toBe(true);
    expect(existsSync(p.artifact('test', `plans/${planId}.json`))).toBe(true);
    expect(await p.state('test')).toEqual([]);
    expect(existsSync(p.artifact('test', 'registry.json'))).toBe(false);

    // deploy exactly that plan
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', planId, '--json']);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.json.data.plan_id).toBe(planId);
    expect(deploy.stderr).toContain('account 123456789012');
    const first = await expectRecordsMatchCloud(p, h, 'test');
    expect(first.length).toBe(preview.json.data.digest.counts.create);
    // the stack's or root module's outputs, read back from the cloud (or state) after the apply
    const listed = await readFile(p.artifact('test', 'DEPLOYED.md'), 'utf8');
    for (const [name, part] of Object.entries(h.outputs)) expect(listed).toMatch(new RegExp(`- \`${name}\`: \`"[^"]*${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const createdAt = Object.fromEntries((await registry(p, 'test')).map((r) => [r.address, r.created_at]));

    // a plan previewed now goes stale when the change below is deployed
    const older = await p.cli(['infra', 'preview', '--env', 'test', '--json']);
    expect(older.code, older.stderr).toBe(0);
    await h.change(p);
    await new Promise((r) => setTimeout(r, 20));
    const changed = await p.cli(['infra', 'preview', '--env', 'test', '--json']);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.json.data.digest.counts).toMatchObject(h.changedCounts);
    const change = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', changed.json.data.plan_id, '--json']);
    expect(change.code, change.stderr).toBe(0);
    const second = await expectRecordsMatchCloud(p, h, 'test');
    expect(second.length).toBe(first.length + 1);
    // untouched resources keep their created_at
    for (const r of await registry(p, 'test')) if (createdAt[r.address]) expect(r.created_at, r.address).toBe(createdAt[r.address]);

    const stale = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', older.json.data.plan_id, '--json']);
    expect(older.json.data.plan_id).not.toBe(changed.json.data.plan_id);
    expect(stale.code, JSON.stringify(stale.json?.error)).toBe(h.stale.code);
    expect(stale.json.error.code).toBe(h.stale.error);
    expect(await p.state('test')).toEqual(second);
    expect(await registryAsState(p, 'test')).toEqual(second);

    // destroy: confirmation, then a previewed destroy plan; the registry empties with the cloud
    const unconfirmed = await p.cli(['infra', 'destroy', '--env', 'test', '--json']);
    expect(unconfirmed.code).toBe(3);
    expect(await p.state('test')).toEqual(second);
    const destroyPreview = await p.cli(['infra', 'preview', '--env', 'test', '--destroy', '--json']);
    expect(destroyPreview.code, destroyPreview.stderr).toBe(0);
    expect(destroyPreview.json.data.digest.counts.delete).toBe(second.length);
    const destroy = await p.cli(['infra', 'destroy', '--env', 'test', '--plan', destroyPreview.json.data.plan_id, '--confirm', 'test', '--json']);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(await p.state('test')).toEqual([]);
    expect(await registry(p, 'test')).toEqual([]);
    expect(await readFile(p.artifact('test', 'DEPLOYED.md'), 'utf8')).toContain('_No resources deployed._');

    const history = (await historyLines(p, 'test')).filter((line) => line.outcome === 'success');
    expect(history.map((line) => [line.operation, line.plan_id])).toEqual([
      ['deploy', planId],
      ['deploy', changed.json.data.plan_id],
      ['destroy', destroyPreview.json.data.plan_id],
    ]);
    expect(history.map((line) => [line.add, line.destroy])).toEqual([
      [first.length, 0],
      [1, 0],
      [0, second.length],
    ]);
    for (const line of history) expect(line).toMatchObject({ account: '123456789012', profile: `${h.project}-test-deploy` });
  }, 600_000);

  it('prod needs --confirm prod and the previewed plan; the printed command applies it', async () => {
    const p = await h.create();
    const refused = await p.cli(['infra', 'deploy', '--env', 'prod', '--json']);
    expect(refused.code).toBe(3);
    const command: string = refused.json.error.hint;
    expect(command).toMatch(/^faber-cloud infra deploy --env prod --plan [0-9a-f]{12} --confirm prod$/);
    const planId = command.split(' ')[6]!;
    expect(await p.state('prod')).toEqual([]);
    // the plan without the confirmation, and the confirmation without the plan: both refused
    expect((await p.cli(['infra', 'deploy', '--env', 'prod', '--plan', planId, '--json'])).code).toBe(3);
    expect((await p.cli(['infra', 'deploy', '--env', 'prod', '--confirm', 'prod', '--json'])).code).toBe(3);
    expect(await p.state('prod')).toEqual([]);
    const ok = await p.cli([...command.split(' ').slice(1), '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json.data.plan_id).toBe(planId);
    expect((await expectRecordsMatchCloud(p, h, 'prod')).length).toBeGreaterThanOrEqual(4);
    // test was never touched
    expect(await p.state('test')).toEqual([]);
  }, 600_000);
});
