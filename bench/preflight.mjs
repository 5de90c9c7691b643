// Permission preflight (issue 16) of a 500-resource plan: the saved plan record (JSON text) ->
// the changes -> the needed IAM actions x resources from the action map -> evaluated against a
// deploy identity's policies with iam-simulate. No AWS call (the policies are given, as
// preflight gets them from IAM). The baseline, measured interleaved in the same process, is
// JSON.parse of the same plan text: the least any reader of the plan pays. The first round is
// cold (the IAM catalogue and the simulator load their data); the figure is the median of the
// warm rounds, and the cold round is checked against the 1 s target too.
//
// Usage: node bench/preflight.mjs [rounds]
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { mulberry32 } from './registry-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESOURCES = 500;
export const TARGET_MS = 1000;

const KINDS = [
  ['aws_s3_bucket', (n) => ({ bucket: n, force_destroy: true })],
  ['aws_s3_bucket_versioning', () => ({ versioning_configuration: [{ status: 'Enabled' }] })],
  ['aws_sqs_queue', (n) => ({ name: n, visibility_timeout_seconds: 30 })],
  ['aws_dynamodb_table', (n) => ({ name: n, billing_mode: 'PAY_PER_REQUEST', hash_key: 'id' })],
  ['aws_cloudwatch_log_group', (n) => ({ name: n, retention_in_days: 14 })],
  ['aws_lambda_function', (n) => ({ function_name: n, runtime: 'nodejs20.x', handler: 'index.handler' })],
  ['aws_iam_role', (n) => ({ name: n, assume_role_policy: '{}' })],
  ['aws_sns_topic', (n) => ({ name: n })],
];

/** A plan record (as infra preview saves it) and the planned values, deterministic. */
export function syntheticPlan(count = RESOURCES, seed = 16) {
  const random = mulberry32(seed);
  const changes = [];
  const planned = [];
  for (let i = 0; i < count; i++) {
    const [type, values] = KINDS[Math.floor(random() * KINDS.length)];
    const address = `module.svc["s${i % 50}"].${type}.r${i}`;
    const action = random() < 0.7 ? 'create' : random() < 0.8 ? 'update' : 'delete';
    const v = values(`life-core-test-r${i}`);
    changes.push({ address, mode: 'managed', type, name: `r${i}`, actions: [action], changed_attributes: Object.keys(v).concat(action === 'update' ? ['tags', 'tags_all'] : []), ...(action === 'create' ? { set_attributes: Object.keys(v) } : {}) });
    planned.push({ address, values: v, unknown: ['arn', 'id'], references: {} });
  }
  const record = { plan_id: 'abcdefabcdef', env: 'test', destroy: false, created_at: '2026-12-07T00:00:00Z', account: '123456789012', profile: 'life-test-deploy', digest: { planId: 'abcdefabcdef', hasChanges: true, changes: [] }, plan: { format_version: '1.2', resource_changes: changes } };
  return { text: JSON.stringify(record), planned };
}

const ENTRY = `
import { changesOfPlan, evaluateNeeded, neededPermissions } from './src/permissions/preflight.ts';
export async function preflightOf(text, planned, policies, ctx) {
  const record = JSON.parse(text);
  const values = new Map(planned.map((r) => [r.address, r]));
  const { needed } = await neededPermissions({ changes: changesOfPlan(record.plan, values), ctx });
  return evaluateNeeded(needed, policies, { principalArn: 'arn:aws:iam::123456789012:user/life-test-deploy', accountId: '123456789012' });
}
`;

async function bundle(dir) {
  await esbuild.build({
    absWorkingDir: root,
    stdin: { contents: ENTRY, resolveDir: root, sourcefile: 'bench-preflight-entry.ts', loader: 'ts' },
    outdir: dir,
    entryNames: 'preflight',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // iam-data and iam-simulate read their data from node_modules, as under the tests.
    packages: 'external',
    logLevel: 'warning',
  });
  return path.join(dir, 'preflight.js');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function measurePreflight(rounds = 15) {
  const dir = await mkdtemp(path.join(root, '.bench-preflight-'));
  try {
    const { preflightOf } = await import(pathToFileURL(await bundle(dir)).href);
    const { text, planned } = syntheticPlan();
    const ctx = { project: 'life', subsystem: 'core', env: 'test', namingPattern: '{project}-{subsystem}-{environment}-{resource}', accountId: '123456789012', partition: 'aws', region: 'us-east-1', neverAutoGrant: [] };
    // A deploy identity that holds part of what is needed (so the simulator runs) and denies one action.
    const policies = {
      principal: { type: 'user', name: 'life-test-deploy', arn: 'arn:aws:iam::123456789012:user/life-test-deploy' },
      identity: [{ name: 'deploy', kind: 'managed', document: { Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: ['s3:*', 'sqs:Get*', 'sqs:CreateQueue', 'dynamodb:Describe*', 'logs:*'], Resource: ['arn:aws:s3:::life-core-test-*', 'arn:aws:sqs:us-east-1:123456789012:life-core-test-*', 'arn:aws:dynamodb:us-east-1:123456789012:table/life-core-test-*', 'arn:aws:logs:us-east-1:123456789012:log-group:life-core-test-*'], Condition: { StringEquals: { 'aws:ResourceAccount': '123456789012' } } },
        { Effect: 'Deny', Action: 's3:PutBucketVersioning', Resource: '*' },
      ] } }],
      boundary: null,
      notes: [],
    };
    let t = performance.now();
    const first = await preflightOf(text, planned, policies, ctx);
    const coldMs = performance.now() - t;
    const ours = [];
    const base = [];
    for (let i = 0; i < rounds; i++) {
      const runOurs = async () => { const s = performance.now(); await preflightOf(text, planned, policies, ctx); ours.push(performance.now() - s); };
      const runBase = () => { const s = performance.now(); JSON.parse(text); base.push(performance.now() - s); };
      if (i % 2) { runBase(); await runOurs(); } else { await runOurs(); runBase(); }
    }
    const oursMs = median(ours);
    const baseMs = median(base);
    return {
      resources: RESOURCES,
      needed: first.length,
      held: first.filter((n) => n.status === 'held').length,
      denied: first.filter((n) => n.status === 'denied').length,
      plan_kb: Math.round(text.length / 1024),
      cold_ms: Math.round(coldMs),
      ours_ms: Number(oursMs.toFixed(1)),
      parse_ms: Number(baseMs.toFixed(2)),
      ratio: Number((oursMs / baseMs).toFixed(0)),
      rounds,
      target_ms: TARGET_MS,
      met: coldMs < TARGET_MS && oursMs < TARGET_MS,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await measurePreflight(Number(process.argv[2] ?? 15));
  console.log(JSON.stringify(r));
  if (r.needed === 0 || r.held === 0 || r.denied === 0) process.exit(1);
}
