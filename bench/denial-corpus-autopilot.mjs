// The denial corpus (test/fixtures/denials) through `faber-cloud permissions parse-error` and
// through IAM Policy Autopilot 0.3.0's `fix-access-denied`, side by side: action, resource and
// reason class per message, and how often the two agree. The reading is in docs/PERMISSIONS.md.
//
// Autopilot is installed from PyPI into a venv outside the repository when missing (pinned
// 0.3.0, telemetry off), so this needs PyPI the first time: it is not part of CI or `npm test`.
// Autopilot runs without credentials that could work (dummy keys, the AWS endpoint pointed at a
// closed local port, no ~/.aws), without a TTY and without --yes, so it can only propose; where
// `unshare -rn` works it also runs with no network at all.
//
// Needs the built CLI (`npm run build`).
// Usage: node bench/denial-corpus-autopilot.mjs [--json]
//   FABER_AUTOPILOT_VENV=<dir>  venv to use or create (default ~/.cache/faber-cloud/venv-autopilot)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { autopilotAnswer, compareMessage, parseAutopilotCli, parseAutopilotMcp, tally } from './autopilot-output.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const AUTOPILOT_VERSION = '0.3.0';
const CORPUS = path.join(root, 'test', 'fixtures', 'denials');
const CLI = path.join(root, 'plugin', 'bin', 'faber-cloud');
const VENV = process.env.FABER_AUTOPILOT_VENV ?? path.join(homedir(), '.cache', 'faber-cloud', 'venv-autopilot');
const BIN = path.join(VENV, 'bin', 'iam-policy-autopilot');
const TELEMETRY_OFF = { DISABLE_IAM_POLICY_AUTOPILOT_TELEMETRY: 'true' };

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000, ...opts });
  return { code: r.status ?? (r.error ? -1 : 1), stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

function installedVersion() {
  if (!existsSync(BIN)) return undefined;
  const v = run(BIN, ['--version'], { env: { PATH: process.env.PATH, ...TELEMETRY_OFF } });
  return /(\d+\.\d+\.\d+)/.exec(v.stdout)?.[1];
}

function ensureAutopilot() {
  const have = installedVersion();
  if (have === AUTOPILOT_VERSION) return;
  console.error(`installing iam-policy-autopilot==${AUTOPILOT_VERSION} from PyPI into ${VENV} (found: ${have ?? 'none'})`);
  if (!existsSync(path.join(VENV, 'bin', 'pip'))) {
    const venv = run('python3', ['-m', 'venv', VENV]);
    if (venv.code !== 0) throw new Error(`python3 -m venv failed: ${venv.stderr}`);
  }
  const pip = run(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', `iam-policy-autopilot==${AUTOPILOT_VERSION}`], { env: { ...process.env, ...TELEMETRY_OFF }, timeout: 600_000 });
  if (pip.code !== 0) throw new Error(`pip install failed: ${pip.stderr}`);
  if (installedVersion() !== AUTOPILOT_VERSION) throw new Error(`${BIN} does not report ${AUTOPILOT_VERSION}`);
}

/** The environment and command prefix Autopilot runs in: nothing it could reach or change. */
function sandbox() {
  const home = mkdtempSync(path.join(tmpdir(), 'faber-autopilot-'));
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    TMPDIR: home,
    ...TELEMETRY_OFF,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const offline = run('unshare', ['-rn', 'true']).code === 0;
  return { home, env, prefix: offline ? ['unshare', '-rn'] : [], offline };
}

function inSandbox(box, args, input) {
  const [cmd, ...rest] = [...box.prefix, BIN, ...args];
  return run(cmd, rest, { env: box.env, input, cwd: box.home });
}

function corpus() {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({ name: name.replace(/\.json$/, ''), ...JSON.parse(readFileSync(path.join(CORPUS, name), 'utf8')) }));
}

/** Ours through the built CLI; the corpus entry's context as the CLI flags that carry it (Autopilot takes none). */
function ours(entry) {
  const flags = [];
  if (entry.context?.region) flags.push('--region', entry.context.region);
  if (entry.context?.accountId) flags.push('--account-id', entry.context.accountId);
  if (entry.context?.operation) flags.push('--operation', entry.context.operation);
  const r = run(process.execPath, [CLI, 'permissions', 'parse-error', '--json', ...flags], { input: entry.input, env: { ...process.env, NO_COLOR: '1' } });
  if (r.code !== 0) throw new Error(`permissions parse-error failed on ${entry.name}: ${r.stderr || r.stdout}`);
  return JSON.parse(r.stdout).data;
}

/**
 * Every message through the MCP tool `generate_policy_for_access_denied`, one request at a time
 * in one stdio session (0.3.0's server drops some requests, answering "Parse error", when many
 * lines arrive at once).
 */
async function mcpAnswers(box, entries) {
  const [cmd, ...rest] = [...box.prefix, BIN, 'mcp-server'];
  const child = spawn(cmd, rest, { env: box.env, cwd: box.home, stdio: ['pipe', 'pipe', 'ignore'] });
  const waiting = new Map();
  createInterface({ input: child.stdout }).on('line', (line) => {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      return; // not a JSON-RPC line
    }
    waiting.get(msg.id)?.(msg);
  });
  const gone = new Promise((resolve) => child.on('close', () => resolve(undefined)));
  let next = 0;
  const request = (method, params) => {
    const id = next++;
    const answer = new Promise((resolve) => waiting.set(id, resolve));
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    const timeout = new Promise((resolve) => setTimeout(resolve, 30_000, undefined).unref());
    return Promise.race([answer, gone, timeout]);
  };
  try {
    await request('initialize', { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'faber-bench', version: '0' } });
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
    const answers = [];
    for (const e of entries) answers.push(await request('tools/call', { name: 'generate_policy_for_access_denied', arguments: { ErrorMessage: e.input } }));
    return answers;
  } finally {
    child.stdin.end();
    child.kill();
  }
}

/**
 * Its plan mode on a saved plan, in the same sandbox: 0.3.0 fetches AWS's service reference at
 * run time (no bundled copy; --disable-cache so an earlier run's cache cannot hide that).
 */
function planMode(box) {
  const plan = path.join(root, 'test', 'fixtures', 'plans', 'S3_PUBLIC_ACCESS_BLOCK_MISSING', 'fail.json');
  const r = inSandbox(box, ['generate-policies', plan, '--disable-cache']);
  return { code: r.code, ok: r.code === 0, error: r.stderr.trim().split('\n')[0] ?? '' };
}

export async function measureDenialCorpus() {
  ensureAutopilot();
  if (!existsSync(path.join(root, 'plugin', 'dist', 'cli.js'))) throw new Error('build the CLI first: npm run build');
  const box = sandbox();
  try {
    const plan = planMode(box);
    const entries = corpus();
    const mcp = await mcpAnswers(box, entries);
    const rows = entries.map((entry, i) => {
      const o = ours(entry);
      const cli = parseAutopilotCli(inSandbox(box, ['fix-access-denied'], entry.input));
      if (cli.triedToApply) throw new Error(`Autopilot tried to apply a fix on ${entry.name}: stop and check the sandbox`);
      const m = parseAutopilotMcp(mcp[i]);
      const autopilot = autopilotAnswer(cli, m);
      return { name: entry.name, ours: o, cli, mcp: m, autopilot, verdict: compareMessage(o, autopilot) };
    });
    return { version: AUTOPILOT_VERSION, offline: box.offline, planMode: plan, messages: rows.length, counts: tally(rows), rows };
  } finally {
    rmSync(box.home, { recursive: true, force: true });
  }
}

const cell = (v, max = 56) => {
  if (v === undefined || v === '') return '—';
  const s = String(v).replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return '`' + (s.length > max ? `${s.slice(0, max - 1)}…` : s) + '`';
};
const SHORT = { agree: '=', differ: '≠', 'ours-only': 'ours', 'autopilot-only': 'AP', neither: '·' };

export function markdownTable(result) {
  const lines = [
    '| message | ours: action | ours: resource | ours: reason | Autopilot: action | Autopilot: resource | Autopilot: class | action / resource / class |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of result.rows) {
    const d = r.ours.denials.find((x) => r.autopilot.action !== undefined && x.action?.toLowerCase() === r.autopilot.action.toLowerCase()) ?? r.ours.denials[0];
    const extra = r.ours.denials.length > 1 ? ` (+${r.ours.denials.length - 1} more)` : '';
    const ourReason = d ? d.reason + extra : r.ours.credential_problems.length ? `credentials: ${r.ours.credential_problems[0].code}` : 'no denial';
    const a = r.autopilot;
    const theirClass = r.cli.outcome === 'none' ? 'no AccessDenied found' : r.cli.outcome === 'error' ? r.cli.note : `${r.cli.class}${r.cli.outcome === 'plan' ? ' (fix offered)' : ''}`;
    const mark = a.from === 'mcp' ? ' ᵐ' : '';
    lines.push(
      `| ${r.name} | ${cell(d?.action)} | ${cell(d?.resource_arn)} | ${ourReason} | ${cell(a.action)}${mark} | ${cell(a.resource)}${a.resource ? mark : ''} | ${theirClass} | ${SHORT[r.verdict.action]} / ${SHORT[r.verdict.resource]}${r.verdict.resourceIsPrincipal ? ' (principal)' : ''} / ${SHORT[r.verdict.class]} |`,
    );
  }
  return lines.join('\n');
}

export function summary(result) {
  const c = result.counts;
  const fmt = (col) => Object.entries(c[col]).map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    `${result.messages} messages; Autopilot ${result.version}${result.offline ? ' with no network (unshare -rn)' : ' (network namespace not available: dummy credentials, endpoint on a closed port)'}`,
    `denial found: ${fmt('found')}`,
    `action:       ${fmt('action')}`,
    `resource:     ${fmt('resource')}`,
    `class:        ${fmt('class')}`,
    `Autopilot's resource is the denied principal's own ARN: ${result.rows.filter((r) => r.verdict.resourceIsPrincipal).length}; actions equal only ignoring case: ${result.rows.filter((r) => r.verdict.action === 'agree' && !r.verdict.actionExact).length}`,
    `plan mode (generate-policies on a saved plan): ${result.planMode.ok ? 'ran' : `exit ${result.planMode.code}: ${result.planMode.error}`}`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measureDenialCorpus();
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else console.log(`${markdownTable(result)}\n\n${summary(result)}`);
}
