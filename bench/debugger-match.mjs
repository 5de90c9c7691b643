// Matching one new error against an issue log of 10,000 issues, as `infra debug` and every
// failed deploy do: extract the error's facts, score every issue, rank the solutions.
// Each CLI process matches once, so every round starts with cold caches (a fresh copy of the
// log). The baseline, measured interleaved in the same run, is JSON.parse of the same log:
// the least any reader of the file pays. Medians of N rounds; the ratio is the figure, and
// the absolute time is checked against the issue's 100 ms target.
//
// Usage: node bench/debugger-match.mjs [rounds]
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { mulberry32 } from './registry-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ISSUES = 10_000;
export const TARGET_MS = 100;

const SERVICES = [
  ['S3', 's3', 'aws_s3_bucket', ['CreateBucket', 'PutBucketPolicy', 'PutBucketVersioning', 'DeleteBucket']],
  ['IAM', 'iam', 'aws_iam_role', ['CreateRole', 'AttachRolePolicy', 'PutRolePolicy', 'DeleteRole']],
  ['DynamoDB', 'dynamodb', 'aws_dynamodb_table', ['CreateTable', 'UpdateTable', 'DeleteTable', 'TagResource']],
  ['Lambda', 'lambda', 'aws_lambda_function', ['CreateFunction', 'UpdateFunctionCode', 'AddPermission', 'DeleteFunction']],
  ['EC2', 'ec2', 'aws_security_group', ['CreateSecurityGroup', 'AuthorizeSecurityGroupIngress', 'DeleteSecurityGroup', 'RunInstances']],
  ['SQS', 'sqs', 'aws_sqs_queue', ['CreateQueue', 'SetQueueAttributes', 'DeleteQueue', 'TagQueue']],
  ['CloudWatch Logs', 'logs', 'aws_cloudwatch_log_group', ['CreateLogGroup', 'PutRetentionPolicy', 'DeleteLogGroup', 'TagResource']],
  ['RDS', 'rds', 'aws_db_instance', ['CreateDBInstance', 'ModifyDBInstance', 'DeleteDBInstance', 'AddTagsToResource']],
];
const CODES = ['ValidationException', 'InvalidParameterValue', 'ResourceInUseException', 'LimitExceededException', 'ThrottlingException', 'ConflictException', 'DependencyViolation', 'EntityAlreadyExists', 'NoSuchEntity', 'AccessDenied', 'InvalidRequest', 'ServiceUnavailable'];
const WORDS = ['the', 'request', 'parameter', 'value', 'resource', 'already', 'exists', 'limit', 'rate', 'exceeded', 'invalid', 'dependency', 'table', 'bucket', 'queue', 'role', 'policy', 'group', 'function', 'instance', 'subnet', 'retention', 'version', 'configuration', 'state', 'pending', 'deleting', 'capacity', 'throughput', 'encryption', 'key', 'tag', 'quota', 'region', 'account', 'permission'];

/** A seeded, varied issue log: realistic AWS-provider messages with ids, names and numbers. */
export function syntheticIssueLog(total = ISSUES, seed = 6) {
  const rnd = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rnd() * 16)]).join('');
  const messages = [];
  for (let i = 0; i < total; i++) {
    const [sdk, , type, ops] = pick(SERVICES);
    const op = pick(ops);
    const code = `${pick(CODES)}${i % 7 === 0 ? '' : int(1, 40)}`;
    const words = Array.from({ length: int(6, 18) }, () => pick(WORDS)).join(' ');
    const name = `proj${int(1, 30)}-core-${pick(['test', 'prod', 'dev'])}-${pick(WORDS)}${int(1, 99)}`;
    messages.push({
      text: `creating ${sdk} ${type.replace('aws_', '').replace(/_/g, ' ')} (${name}): operation error ${sdk}: ${op}, https response error StatusCode: ${pick([400, 403, 409, 429, 500])}, RequestID: ${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}, api error ${code}: ${words} ${int(1, 100000)}`,
      address: `aws_${type.replace('aws_', '')}.r${int(1, 500)}`,
      env: pick(['test', 'prod']),
    });
  }
  return messages;
}

async function bundle(dir) {
  const entry = path.join(dir, 'entry.ts');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(
    entry,
    [
      `export { factsOf } from ${JSON.stringify(path.join(root, 'src/debugger/facts.ts'))};`,
      `export { matchError, rankSolutions, DEFAULT_MATCH_SETTINGS } from ${JSON.stringify(path.join(root, 'src/debugger/match.ts'))};`,
      `export { createNormaliser } from ${JSON.stringify(path.join(root, 'src/debugger/normalise.ts'))};`,
      `export { withKnowledgeBase } from ${JSON.stringify(path.join(root, 'src/debugger/knowledge-base.ts'))};`,
      `export { IssueLogSchema } from ${JSON.stringify(path.join(root, 'src/debugger/issue-log.ts'))};`,
    ].join('\n'),
  );
  // Dependencies stay in node_modules (the bench runs in the repo); only src/ needs compiling.
  await esbuild.build({ entryPoints: [entry], bundle: true, packages: 'external', format: 'esm', platform: 'node', outfile: path.join(dir, 'entry.mjs'), logLevel: 'error' });
  return import(pathToFileURL(path.join(dir, 'entry.mjs')).href);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function measureDebuggerMatch(rounds = 15) {
  // Inside node_modules/.cache, so the bundle's bare imports resolve to the repo's dependencies.
  const cache = path.join(root, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(path.join(cache, 'faber-bench-debugger-'));
  try {
    const lib = await bundle(dir);
    const normalise = lib.createNormaliser({ pattern: '{project}-{subsystem}-{environment}-{resource}', project: 'proj1', subsystem: 'core', environments: ['test', 'prod', 'dev'] });
    const now = '2026-11-26T00:00:00.000Z';
    const log = lib.withKnowledgeBase(undefined);
    const seen = new Set(log.issues.map((i) => i.signature));
    for (const [n, m] of syntheticIssueLog().entries()) {
      const f = lib.factsOf({ text: m.text, address: m.address }, normalise);
      if (seen.has(f.signature)) continue;
      seen.add(f.signature);
      log.issues.push({
        id: `iss-${f.signature.slice(0, 12)}`, source: 'observed', signature: f.signature, title: f.summary, category: f.category,
        error_code: f.errorCode, service: f.service, operation: f.operation, resource_type: f.resourceType, normalized_message: f.normalisedMessage,
        patterns: [], explanation: null, example: { message: m.text, address: m.address, env: m.env, at: now }, first_seen: now, last_seen: now,
        occurrences: { [m.env]: 1 + (n % 5) },
        solutions: n % 3 === 0 ? [{ id: `sol-${n.toString(16).padStart(6, '0')}`, title: 'fix', steps: ['do it'], commands: [], source: 'user', attempts: n % 9, successes: n % 4 > n % 9 ? 0 : n % 4, last_used: null, added_at: now }] : [],
      });
    }
    const issueCount = log.issues.length;
    if (issueCount < ISSUES) throw new Error(`only ${issueCount} distinct issues generated`);
    if (!lib.IssueLogSchema.safeParse(log).success) throw new Error('the synthetic log does not validate');
    const text = JSON.stringify(log);

    // What is timed must be right: a planted error is found exactly; the KB recognises a lock error.
    const planted = log.issues[log.issues.length - 1];
    const replay = planted.example.message.replace(/RequestID: [0-9a-f-]+/, 'RequestID: 00000000-1111-2222-3333-444444444444');
    const check = lib.matchError(log, lib.factsOf({ text: replay, address: planted.example.address }, normalise), 'test');
    if (check[0]?.issue.id !== planted.id || check[0].confidence !== 'exact') throw new Error('the planted issue was not matched exactly');
    const lockError = 'Error: Error acquiring the state lock\n\nError message: ConditionalCheckFailedException: The conditional request failed\nLock Info:\n  ID: 1f2e3d4c-0000-1111-2222-333344445555';

    const ours = [];
    const baseline = [];
    const errors = [replay, lockError];
    for (let r = 0; r < rounds + 1; r++) {
      const fresh = JSON.parse(text); // cold caches, as in a new CLI process (not timed)
      const error = errors[r % errors.length];
      const runOurs = () => {
        const t = performance.now();
        const facts = lib.factsOf({ text: error }, normalise);
        const matches = lib.matchError(fresh, facts, 'test');
        lib.rankSolutions(matches);
        return performance.now() - t;
      };
      const runBaseline = () => {
        const t = performance.now();
        JSON.parse(text);
        return performance.now() - t;
      };
      // Interleaved, the order alternating each round.
      let a;
      let b;
      if (r % 2 === 0) {
        a = runOurs();
        b = runBaseline();
      } else {
        b = runBaseline();
        a = runOurs();
      }
      if (r === 0) continue; // warm-up (JIT)
      ours.push(a);
      baseline.push(b);
    }
    // For the record, not the target: what reading the log costs a CLI run (parse + validation).
    const loads = [];
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      lib.IssueLogSchema.parse(JSON.parse(text));
      loads.push(performance.now() - t);
    }
    const oursMs = median(ours);
    const baseMs = median(baseline);
    return {
      issues: issueCount,
      log_mb: Math.round((text.length / 1024 / 1024) * 10) / 10,
      rounds,
      match_ms: Math.round(oursMs * 10) / 10,
      parse_ms: Math.round(baseMs * 10) / 10,
      ratio: Math.round((oursMs / baseMs) * 100) / 100,
      load_and_validate_ms: Math.round(median(loads)),
      target_ms: TARGET_MS,
      met: oursMs < TARGET_MS,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await measureDebuggerMatch(Number(process.argv[2] ?? 15));
  console.log(JSON.stringify(result));
}
