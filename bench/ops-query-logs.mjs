// `ops query-logs` over 11,000 log events (3 streams and 2 log groups, 6,700 errors in 2 distinct
// messages) against a local moto server, as a user runs it: the built CLI (bin/faber-cloud ->
// dist/, so run `npm run build` first), --level error --json. The baseline, in the same run, is
// the bare read the command cannot do without: a node process paging FilterLogEvents through the
// SDK over the same log groups with the same filter, counting events, no grouping, no config, no
// identity check. Both are spawned processes (both pay start-up and SDK loading), interleaved with
// the order alternating, after one warm-up each; medians. The ratio is the figure; the absolute
// time is checked against the 2 s target.
//
// Usage: node bench/ops-query-logs.mjs [rounds]
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMoto as startMotoServer } from '../scripts/moto-server.mjs';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TARGET_MS = 2_000;
const REGION = 'us-east-1';
const MIN = 60_000;
const GROUPS = ['/aws/lambda/life-core-test-api', '/ecs/life-core-test-api'];
const EXPECTED = { read: 11_000, matched: 6_700, groups: [4_000, 2_700] };

function motoBinary() {
  const manifest = path.join(process.env.FABER_CLOUD_CACHE || path.join(homedir(), '.cache', 'faber-cloud'), 'test-tools.json');
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).moto_server : 'moto_server';
}

export function startMoto() {
  return startMotoServer(motoBinary(), { env: { ...process.env, MOTO_ACCOUNT_ID: '123456789012' } });
}

const lambdaLine = (t, i, level, text) => `${new Date(t).toISOString()}\t${(i * 2654435761).toString(16).padStart(8, '0').slice(-8)}-0000-4000-a000-${String(i).padStart(12, '0')}\t${level}\t${text}`;
const spread = (n, from, to) => Array.from({ length: n }, (_, i) => Math.round(from + ((to - from) * i) / (n - 1)));

export async function seed(endpoint) {
  const logs = new CloudWatchLogsClient({ region: REGION, endpoint, credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' } });
  const now = Date.now();
  let i = 0;
  const denied = 'AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/life-core-test-api-role/life-core-test-api is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/life-core-test-items because no identity-based policy allows the dynamodb:PutItem action';
  const lambda = [
    ...spread(4_000, now - 38 * MIN, now - 2 * MIN).map((t) => ({ timestamp: t, message: lambdaLine(t, i++, 'ERROR', denied) })),
    ...spread(2_500, now - 30 * MIN, now - MIN).map((t) => ({ timestamp: t, message: lambdaLine(t, i++, 'ERROR', `Timeout after ${3000 + (i % 17)} ms calling payment service (order ${10_000 + i})`) })),
    ...spread(4_300, now - 55 * MIN, now - MIN).map((t) => ({ timestamp: t, message: lambdaLine(t, i++, 'INFO', `request ${i} handled in ${i % 90} ms`) })),
  ];
  const ecs = spread(200, now - 20 * MIN, now - 3 * MIN).map((t) => ({ timestamp: t, message: lambdaLine(t, i++, 'ERROR', `Timeout after ${3000 + (t % 13)} ms calling payment service (order ${t % 99_991})`) }));
  for (const [group, events, streams] of [[GROUPS[0], lambda, 3], [GROUPS[1], ecs, 1]]) {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    for (let s = 0; s < streams; s++) {
      const logStreamName = `stream${s}`;
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName }));
      const mine = events.filter((_, k) => k % streams === s).sort((a, b) => a.timestamp - b.timestamp);
      for (let k = 0; k < mine.length; k += 2_000) await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName, logEvents: mine.slice(k, k + 2_000) }));
    }
  }
  logs.destroy();
  return now;
}

/** A project as `init` writes it, plus the registry a deploy would have written and the profile. */
export async function project(dir, endpoint) {
  const env = awsEnv(dir, endpoint);
  await run(process.execPath, [path.join(root, 'plugin', 'bin', 'faber-cloud'), 'init', '--project', 'life', '--region', REGION, '--account-id', '123456789012', '--json'], { cwd: dir, env });
  const at = new Date().toISOString();
  const resource = (address, type, id) => ({ address, type, name: address.split('.').pop(), id, arn: null, region: REGION, console_url: null, tags: {}, created_at: at, updated_at: at, deployment_id: null, fingerprint: address });
  const registry = { schema_version: 1, env: 'test', project: 'life', account: '123456789012', region: REGION, updated_at: at, resources: [resource('aws_lambda_function.api', 'aws_lambda_function', 'life-core-test-api'), resource('aws_cloudwatch_log_group.tasks', 'aws_cloudwatch_log_group', GROUPS[1])] };
  const dep = path.join(dir, '.fractary', 'plugins', 'faber-cloud', 'deployments', 'test');
  await mkdir(dep, { recursive: true });
  await writeFile(path.join(dep, 'registry.json'), JSON.stringify(registry));
  await writeFile(env.AWS_SHARED_CREDENTIALS_FILE, '[life-test-deploy]\naws_access_key_id = bench\naws_secret_access_key = bench\n');
  await writeFile(env.AWS_CONFIG_FILE, `[profile life-test-deploy]\nregion = ${REGION}\n`);
  return env;
}

function awsEnv(dir, endpoint) {
  const env = { ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_REGION: REGION, AWS_CONFIG_FILE: path.join(dir, 'aws-config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'aws-credentials'), AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1' };
  for (const k of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete env[k];
  return env;
}

function run(cmd, args, options) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { ...options, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => (error ? reject(new Error(`${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout)));
  });
}

/** The bare read: FilterLogEvents pages over the same groups, the same window and filter, counted. */
const BASELINE = `
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
const [groups, start, end, pattern] = JSON.parse(process.argv[2]);
const client = new CloudWatchLogsClient({ region: '${REGION}', profile: 'life-test-deploy' });
let events = 0;
for (const logGroupName of groups) {
  let nextToken;
  do {
    const page = await client.send(new FilterLogEventsCommand({ logGroupName, startTime: start, endTime: end, filterPattern: pattern, limit: 10000, nextToken }));
    events += page.events.length;
    nextToken = page.nextToken;
  } while (nextToken);
}
client.destroy();
console.log(JSON.stringify({ events }));
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function measureOpsQueryLogs(rounds = 7) {
  if (!existsSync(path.join(root, 'plugin', 'dist', 'cli.js'))) throw new Error('plugin/dist/ is missing: run npm run build first');
  const moto = await startMoto();
  const cache = path.join(root, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const scratch = await mkdtemp(path.join(cache, 'faber-bench-ops-'));
  const dir = await mkdtemp(path.join(tmpdir(), 'faber-bench-ops-project-'));
  try {
    const now = await seed(moto.endpoint);
    const env = await project(dir, moto.endpoint);
    const baselineFile = path.join(scratch, 'baseline.mjs');
    await writeFile(baselineFile, BASELINE);
    const { levelPattern } = { levelPattern: JSON.parse(readFileSync(path.join(root, 'plugin', 'templates', 'ops', 'log-levels.json'), 'utf8')).levels[0].pattern };
    const baselineArgs = JSON.stringify([GROUPS, now - 60 * MIN, now, levelPattern]);

    const runOurs = async () => {
      const t = performance.now();
      const out = JSON.parse(await run(process.execPath, [path.join(root, 'plugin', 'bin', 'faber-cloud'), 'ops', 'query-logs', '--env', 'test', '--service', 'api', '--level', 'error', '--limit', '20000', '--json'], { cwd: dir, env }));
      const ms = performance.now() - t;
      // What is timed must be right: every event read, errors grouped with exact counts.
      const d = out.data;
      if (d.events_read !== EXPECTED.read || d.events_matched !== EXPECTED.matched || JSON.stringify(d.groups.map((g) => g.count)) !== JSON.stringify(EXPECTED.groups)) {
        throw new Error(`query-logs answered wrongly: read ${d.events_read}, matched ${d.events_matched}, groups ${d.groups.map((g) => g.count)}`);
      }
      return ms;
    };
    const runBaseline = async () => {
      const t = performance.now();
      const out = JSON.parse(await run(process.execPath, [baselineFile, baselineArgs], { cwd: scratch, env }));
      const ms = performance.now() - t;
      if (out.events !== EXPECTED.read) throw new Error(`baseline read ${out.events} events`);
      return ms;
    };

    const ours = [];
    const baseline = [];
    for (let r = 0; r < rounds + 1; r++) {
      let a;
      let b;
      if (r % 2 === 0) {
        a = await runOurs();
        b = await runBaseline();
      } else {
        b = await runBaseline();
        a = await runOurs();
      }
      if (r === 0) continue; // warm-up: moto's first scans, disk caches
      ours.push(a);
      baseline.push(b);
    }
    const oursMs = median(ours);
    const baseMs = median(baseline);
    return {
      events: EXPECTED.read,
      errors: EXPECTED.matched,
      rounds,
      ours_ms: Math.round(oursMs * 10) / 10,
      baseline_ms: Math.round(baseMs * 10) / 10,
      ratio: Math.round((oursMs / baseMs) * 100) / 100,
      target_ms: TARGET_MS,
      met: oursMs < TARGET_MS,
    };
  } finally {
    moto.stop();
    await rm(scratch, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await measureOpsQueryLogs(Number(process.argv[2] ?? 7));
  console.log(JSON.stringify(r, null, 2));
}
