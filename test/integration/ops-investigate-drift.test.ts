import path from 'node:path';
import { DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { readFile } from 'node:fs/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { MOTO_REGION, resetMoto } from '../support/moto.js';
import { lambdaLine, putLogEvents } from '../support/ops-monitor-seed.js';
import { createProject, historyLines } from '../support/project.js';

/**
 * Issue 17, part 2 (debugger/ops integration), end to end through the built CLI, OpenTofu with the
 * aws provider and moto: the demo project is deployed, its table is changed out-of-band, `infra
 * drift` records it, then errors start in the app's log group; `ops investigate` names the change
 * made outside Terraform, with its attributes, as a suspect (text and --json, and in the saved
 * report).
 */

const DEMO = path.join(REPO_ROOT, 'plugin', 'templates', 'demo', 'terraform');
const client = { region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
/** The aws provider is slow to start on a loaded machine: give each CLI run more than runCli's 2 minutes. */
const SLOW = { timeoutMs: 900_000 };

describe('ops investigate after infra drift', () => {
  beforeEach(resetMoto);

  it('lists the drift seen before the problem as a suspect, with the changed attributes', async () => {
    const p = await createProject(DEMO, { project: 'demo' });
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], SLOW);
    expect(deploy.code, deploy.stderr).toBe(0);

    // Someone switches the table to provisioned capacity in the console; the drift check sees it.
    await new DynamoDBClient(client).send(new UpdateTableCommand({ TableName: 'demo-core-test-items', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }));
    const drift = await p.cli(['infra', 'drift', '--env', 'test', '--json'], SLOW);
    expect(drift.code, drift.stderr).toBe(1);
    const seen = (await historyLines(p)).at(-1);
    const driftId = seen.id;

    // Then the app starts failing: throttled writes, in the log group the deploy created, between
    // the drift check and now (never in the future: the report's window ends when it runs).
    const start = Date.parse(seen.finished_at) + 1_000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + 3_000 - Date.now())));
    const step = (Date.now() - start) / 30;
    const message = 'ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded (table demo-core-test-items)';
    await putLogEvents('demo-core-test-app', Array.from({ length: 30 }, (_, i) => Math.round(start + i * step)).map((t, i) => ({ timestamp: t, message: lambdaLine(t, i, 'ERROR', message) })), 1);

    const run = await p.cli(['ops', 'investigate', '--env', 'test', '--issue', 'orders failing', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const r = run.json.data;
    expect(r.errors.events_matched).toBe(30);
    const suspect = r.deployments.find((d: any) => d.operation === 'drift');
    expect(suspect).toMatchObject({ id: driftId, minutes_before_problem: 0 });
    expect(suspect.drifted_resources).toHaveLength(1);
    expect(suspect.drifted_resources[0]).toMatchObject({ address: 'aws_dynamodb_table.items', action: 'update' });
    expect(suspect.drifted_resources[0].attributes).toEqual(expect.arrayContaining(['billing_mode', 'read_capacity', 'write_capacity']));
    const hypothesis = r.hypotheses.find((h: any) => h.title.startsWith('Changes made outside Terraform'));
    expect(hypothesis, JSON.stringify(r.hypotheses.map((h: any) => h.title))).toBeTruthy();
    const evidence = hypothesis.evidence.map((e: any) => e.text).join('\n');
    expect(evidence).toMatch(/aws_dynamodb_table\.items changed outside Terraform: .*billing_mode/);
    expect(evidence).toContain(`infra drift ${driftId}`);
    expect(hypothesis.next_steps[0]).toBe('faber-cloud infra drift --env test');
    // The drift check is in the timeline as what it was, before the problem started.
    const timeline = r.timeline.map((t: any) => `${t.kind} ${t.text}`);
    const driftLine = timeline.findIndex((t: string) => t.includes(driftId) && t.includes('aws_dynamodb_table.items'));
    expect(driftLine, timeline.join('\n')).toBeGreaterThanOrEqual(0);
    expect(driftLine).toBeLessThan(timeline.findIndex((t: string) => t.startsWith('problem-start')));
    // The saved report says the same.
    const md = await readFile(path.join(p.dir, r.files.markdown), 'utf8');
    expect(md).toContain('Changes made outside Terraform');
    expect(md).toContain('aws_dynamodb_table.items changed outside Terraform');
    expect(md).toMatch(new RegExp(`\\| ${driftId} \\| success \\| [^|]+ \\| 0 min \\| drift: aws_dynamodb_table\\.items \\(billing_mode, `));

    // Text output: the same hypothesis with its evidence.
    const text = await p.cli(['ops', 'investigate', '--env', 'test', '--issue', 'orders failing']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/\d\. Changes made outside Terraform \(drift seen [^)]+\) introduced the problem/);
    expect(text.stdout).toMatch(/aws_dynamodb_table\.items changed outside Terraform: .*billing_mode/);
  }, 1_500_000);
});
