import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { CreateQueueCommand, DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { AwsHostingHandler } from '../../src/handlers/hosting/aws/handler.js';
import { MOTO_REGION, resetMoto } from '../support/moto.js';
import { createProject, historyLines, type TestProject } from '../support/project.js';

/**
 * A compliant app through the built CLI, OpenTofu + the aws provider and moto: pre-deploy tests
 * on the saved plan (findings, cost, budget gate), deploy, then the post-deploy checks passing
 * and failing clearly once a resource is deleted behind their back.
 */

const aws = { region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };

async function testResults(p: TestProject, env: string): Promise<string[]> {
  return (await readdir(p.artifact(env, 'tests')).catch(() => [])).sort();
}

describe('infra test on a compliant app: pre, deploy, post', () => {
  it('passes a compliant app, deploys it, checks it after deploy, and fails clearly once a resource is deleted behind its back', async () => {
    await resetMoto();
    const p = await createProject('tested-app');
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json']);
    expect(preview.code, preview.stderr).toBe(0);
    const planId: string = preview.json.data.plan_id;

    const tested = await p.cli(['infra', 'test', '--env', 'test', '--phase', 'pre', '--plan', planId, '--json']);
    expect(tested.code, tested.stdout + tested.stderr).toBe(0);
    const data = tested.json.data;
    expect(data).toMatchObject({ passed: true, plan_id: planId, next: `faber-cloud infra deploy --env test --plan ${planId}` });
    // default_tags reach every resource through tags_all; only the deliberate low finding is left
    expect(data.findings.map((f: any) => [f.rule, f.address])).toEqual([['S3_ACCESS_LOGGING_MISSING', 'aws_s3_bucket.uploads']]);
    expect(data.cost.lines).toContainEqual(expect.objectContaining({ address: 'aws_lambda_function.worker', monthly_usd: 0.62 }));
    expect(data.cost.usage_based.map((u: any) => u.address).sort()).toEqual(['aws_cloudwatch_log_group.worker', 'aws_dynamodb_table.items', 'aws_s3_bucket.uploads', 'aws_sns_topic.events']);
    expect(data.cost.not_estimated).toEqual([]);

    // the budget gate, on the same saved plan
    await p.editConfig((c) => {
      c.testing = { monthly_budget_usd: 0.5 };
    });
    const overBudget = await p.cli(['infra', 'test', '--env', 'test', '--plan', planId, '--json']);
    expect(overBudget.code).toBe(1);
    expect(overBudget.json.data.gate.blocked_by).toEqual(['estimated $0.62/month exceeds the budget of $0.50 (testing.monthly_budget_usd)']);
    await p.editConfig((c) => {
      delete c.testing;
    });

    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', planId, '--json']);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stderr).toContain(`testing plan ${planId}`);
    const [entry] = await historyLines(p, 'test');
    expect(entry.skipped_pre_tests).toBeUndefined();
    expect(entry.tests.at(-1)).toMatchObject({ phase: 'pre', passed: true, plan_id: planId });

    const post = await p.cli(['infra', 'test', '--env', 'test', '--phase', 'post', '--json']);
    expect(post.code, post.stdout + post.stderr).toBe(0);
    const checks = Object.fromEntries(post.json.data.checks.map((c: any) => [c.address, c]));
    expect(checks['aws_s3_bucket.uploads']).toMatchObject({ status: 'ok', check: 's3:HeadBucket' });
    expect(checks['aws_dynamodb_table.items']).toMatchObject({ status: 'ok', detail: 'table ACTIVE' });
    expect(checks['aws_lambda_function.worker']).toMatchObject({ status: 'ok', check: 'lambda:GetFunction' });
    expect(checks['aws_lambda_function.worker'].detail).toContain('not invoked');
    expect(checks['aws_iam_role.worker']).toMatchObject({ status: 'ok' });
    expect(checks['aws_cloudwatch_log_group.worker']).toMatchObject({ status: 'ok' });
    expect(checks['aws_sns_topic.events']).toMatchObject({ status: 'ok', check: 'sns:GetTopicAttributes' });
    expect(existsSync(post.json.data.file)).toBe(true);

    await new DynamoDBClient(aws).send(new DeleteTableCommand({ TableName: 'life-core-test-items' }));
    const broken = await p.cli(['infra', 'test', '--env', 'test', '--phase', 'post']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/✗ aws_dynamodb_table\.items\s+dynamodb:DescribeTable\s+not found/);
    expect(broken.stdout).toContain('1 missing');
    const saved = await p.readJson(p.artifact('test', `tests/${(await testResults(p, 'test')).at(-1)}`));
    expect(saved).toMatchObject({ phase: 'post', passed: false, counts: { ok: 5, missing: 1 } });
    expect(saved.checks.find((c: any) => c.address === 'aws_dynamodb_table.items')).toMatchObject({ status: 'missing', check: 'dynamodb:DescribeTable' });

    // the next history entry (here: the destroy's) refers to both post-deploy results, the latest last
    const destroy = await p.cli(['infra', 'destroy', '--env', 'test', '--confirm', 'test', '--json']);
    expect(destroy.code, destroy.stderr).toBe(0);
    const second = (await historyLines(p, 'test'))[1];
    expect(second.operation).toBe('destroy');
    expect(second.tests.map((t: any) => [t.phase, t.passed, t.counts.missing])).toEqual([['post', true, 0], ['post', false, 1]]);
    expect(second.tests.at(-1).file).toBe(`tests/${(await testResults(p, 'test')).at(-1)}`);
  }, 150_000);

  it('checks an SQS queue through the hosting handler, and reports a deleted one as missing', async () => {
    await resetMoto();
    const sqs = new SQSClient(aws);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'life-core-test-jobs' }));
    const resource = { address: 'aws_sqs_queue.jobs', type: 'aws_sqs_queue', id: QueueUrl!, arn: 'arn:aws:sqs:us-east-1:123456789012:life-core-test-jobs', region: MOTO_REGION, tags: {} };
    const handler = new AwsHostingHandler(process.env);
    const [ok] = await handler.checkResources({ profile: 'life-test-deploy', region: MOTO_REGION, resources: [resource] });
    expect(ok).toMatchObject({ status: 'ok', check: 'sqs:GetQueueAttributes' });
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    const [gone] = await handler.checkResources({ profile: 'life-test-deploy', region: MOTO_REGION, resources: [resource, { ...resource, address: 'aws_ecs_cluster.x', type: 'aws_ecs_cluster' }] });
    expect(gone).toMatchObject({ status: 'missing', check: 'sqs:GetQueueAttributes' });
  });

  it('checks an SNS topic by its ARN, tagged or not, and reports a deleted one as missing', async () => {
    await resetMoto();
    const sns = new SNSClient(aws);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'life-core-test-untagged' }));
    const resource = { address: 'aws_sns_topic.untagged', type: 'aws_sns_topic', id: TopicArn!, arn: TopicArn!, region: MOTO_REGION, tags: {} };
    const handler = new AwsHostingHandler(process.env);
    const [ok] = await handler.checkResources({ profile: 'life-test-deploy', region: MOTO_REGION, resources: [resource] });
    expect(ok).toMatchObject({ status: 'ok', check: 'sns:GetTopicAttributes' });
    await sns.send(new DeleteTopicCommand({ TopicArn }));
    const [gone] = await handler.checkResources({ profile: 'life-test-deploy', region: MOTO_REGION, resources: [resource] });
    expect(gone).toMatchObject({ status: 'missing', check: 'sns:GetTopicAttributes' });
  });

});
