import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { MOTO_REGION, resetMoto } from '../support/moto.js';
import { createProject, historyLines } from '../support/project.js';

/**
 * Issue 17, part 2: `infra drift` through the built CLI, OpenTofu with the aws provider and moto.
 * The demo project is deployed, then changed out-of-band with the AWS SDK (a bucket's tags, a
 * table's billing mode) while its code also changes (a log group's retention): the drift is
 * reported per attribute, apart from the pending code change; --accept brings state in line.
 */

const DEMO = path.join(REPO_ROOT, 'plugin', 'templates', 'demo', 'terraform');
const client = { region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };

/** The aws provider is slow to start on a loaded machine: give each CLI run more than runCli's 2 minutes. */
const SLOW = { timeoutMs: 900_000 };

describe('infra drift', () => {
  beforeEach(resetMoto);

  it('reports a bucket and a table changed out-of-band with their attributes, apart from pending code changes; --accept brings state in line', async () => {
    const p = await createProject(DEMO, { project: 'demo' });
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], SLOW);
    expect(deploy.code, deploy.stderr).toBe(0);

    const clean = await p.cli(['infra', 'drift', '--env', 'test', '--json'], SLOW);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.json.data.drifted).toEqual([]);

    // Out-of-band changes, as someone in the console would make them.
    await new S3Client({ ...client, forcePathStyle: true }).send(new PutBucketTaggingCommand({ Bucket: 'demo-core-test-uploads', Tagging: { TagSet: [{ Key: 'Team', Value: 'oob' }] } }));
    await new DynamoDBClient(client).send(new UpdateTableCommand({ TableName: 'demo-core-test-items', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 7 } }));
    // And a code change, which is not drift.
    const main = path.join(p.terraformDir, 'main.tf');
    await writeFile(main, (await readFile(main, 'utf8')).replace('retention_in_days = 14', 'retention_in_days = 30'));

    const drift = await p.cli(['infra', 'drift', '--env', 'test', '--json'], SLOW);
    expect(drift.code, drift.stderr).toBe(1);
    const data = drift.json.data;
    expect(data.drift_found).toBe(true);
    const byAddress = Object.fromEntries(data.drifted.map((d: any) => [d.address, d]));
    expect(Object.keys(byAddress).sort()).toEqual(['aws_dynamodb_table.items', 'aws_s3_bucket.uploads']);
    expect(byAddress['aws_s3_bucket.uploads'].action).toBe('update');
    // (moto drops the tags sent with CreateBucket, so the recorded tags are empty or null: either shape names Team -> oob)
    const bucketTags = byAddress['aws_s3_bucket.uploads'].attributes.filter((a: any) => a.path.startsWith('tags'));
    expect(bucketTags.some((a: any) => (a.path === 'tags.Team' && a.after === 'oob') || (a.path === 'tags' && a.after?.Team === 'oob')), JSON.stringify(bucketTags)).toBe(true);
    const table = byAddress['aws_dynamodb_table.items'].attributes;
    expect(table).toContainEqual({ path: 'billing_mode', before: 'PAY_PER_REQUEST', after: 'PROVISIONED' });
    expect(table).toContainEqual({ path: 'read_capacity', before: 0, after: 5 });
    expect(table).toContainEqual({ path: 'write_capacity', before: 0, after: 7 });
    // the code change is pending, apart from the drift
    const pending = data.pending_changes.map((c: any) => `${c.action} ${c.address}`);
    expect(pending).toContain('update aws_cloudwatch_log_group.app');
    expect(pending.join()).not.toContain('aws_dynamodb_table.items');
    expect(data.next_command).toBe('faber-cloud infra drift --env test --accept');
    expect(drift.stderr).toContain('account 123456789012');

    // registry marks, history line; detection left state as it was
    const registry = await p.readJson(p.artifact('test', 'registry.json'));
    const marked = registry.resources.filter((r: any) => r.drift).map((r: any) => [r.address, r.drift.action, r.drift.seen_at === data.seen_at]);
    expect(marked.sort()).toEqual([['aws_dynamodb_table.items', 'update', true], ['aws_s3_bucket.uploads', 'update', true]]);
    const line = (await historyLines(p)).at(-1);
    expect(line).toMatchObject({ operation: 'drift', outcome: 'success', drift: { drift_id: data.drift_id, accepted: false, pending_changes: data.pending_changes.length } });
    expect(line.drift.resources.map((r: any) => r.address).sort()).toEqual(['aws_dynamodb_table.items', 'aws_s3_bucket.uploads']);
    const again = await p.cli(['infra', 'drift', '--env', 'test', '--json'], SLOW);
    expect(again.json.data.drift_id).toBe(data.drift_id);

    // a deleted resource is reported as deleted
    await new IAMClient(client).send(new DeleteRoleCommand({ RoleName: 'demo-core-test-worker' }));
    const deleted = await p.cli(['infra', 'drift', '--env', 'test', '--json'], SLOW);
    expect(deleted.code).toBe(1);
    expect(deleted.json.data.drifted.find((d: any) => d.address === 'aws_iam_role.worker')).toEqual({ address: 'aws_iam_role.worker', type: 'aws_iam_role', action: 'delete', attributes: [] });

    // accept: state takes the real values; the drift is gone, the code change still pending
    const accept = await p.cli(['infra', 'drift', '--env', 'test', '--accept', '--json'], SLOW);
    expect(accept.code, accept.stdout + accept.stderr).toBe(0);
    expect(accept.json.data.accepted).toBe(true);
    const after = await p.cli(['infra', 'drift', '--env', 'test', '--json'], SLOW);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.json.data.drifted).toEqual([]);
    expect(after.json.data.pending_changes.map((c: any) => c.address)).toContain('aws_cloudwatch_log_group.app');
    expect((await p.state('test')).map((r) => r.address)).not.toContain('aws_iam_role.worker');
    const accepted = await p.readJson(p.artifact('test', 'registry.json'));
    expect(accepted.resources.filter((r: any) => r.drift)).toEqual([]);
    expect(accepted.resources.find((r: any) => r.address === 'aws_s3_bucket.uploads').tags).toEqual({ Team: 'oob' });
    expect((await historyLines(p)).filter((l) => l.operation === 'drift' && l.drift.accepted)).toHaveLength(1);
  }, 1_500_000);

  it('accepting drift in prod needs the reviewed drift id and --confirm prod (exit 3); bad flags are usage errors', async () => {
    const p = await createProject(DEMO, { project: 'demo' });
    const noPlan = await p.cli(['infra', 'drift', '--env', 'prod', '--accept', '--confirm', 'prod', '--json'], SLOW);
    expect(noPlan.code).toBe(3);
    expect(noPlan.json.error.code).toBe('E_GUARD_PLAN_REQUIRED');
    const noConfirm = await p.cli(['infra', 'drift', '--env', 'prod', '--accept', '--plan', 'abcdefabcdef', '--json'], SLOW);
    expect(noConfirm.code).toBe(3);
    expect(noConfirm.json.error.code).toBe('E_GUARD_CONFIRMATION_REQUIRED');
    const unknown = await p.cli(['infra', 'drift', '--env', 'nope', '--json'], SLOW);
    expect(unknown.code).toBe(2);
    expect(await existsHistory(p)).toBe(false);
  }, 300_000);
});

async function existsHistory(p: { artifact(env: string, name: string): string }): Promise<boolean> {
  return readFile(p.artifact('prod', 'history.jsonl')).then(() => true, () => false);
}
