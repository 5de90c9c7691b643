import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectPaths } from '../../src/core/paths.js';
import type { CliRun } from '../support/cli.js';
import { resetMoto, MOTO_ACCOUNT_ID } from '../support/moto.js';
import { lambdaLine, putLogEvents, writeRegistry } from '../support/ops-monitor-seed.js';
import { createProject, type TestProject } from '../support/project.js';
import { ALL_COMMANDS, CellTally, commandName } from './support/cells.js';

/**
 * Secret canaries (issue 13, defect 3; DESIGN §4): one secret of every shape the redaction
 * module knows, plus the value of a `sensitive` Terraform variable, pushed through every
 * writer and every output the CLI has. Afterwards every file under the project and every
 * stdout/stderr is searched for every canary: zero hits. The tables of writers are checked
 * against the command registry and the artifact list, so a new command or artifact must be
 * placed in them before this file passes.
 */

const pad40 = (s: string) => (s + 'x'.repeat(40)).slice(0, 40);

/** `text` is what goes in (a log line, an error, an argument); `secret` must never come out. */
const CANARIES: { shape: string; text: string; secret: string }[] = [
  { shape: 'aws-access-key-id', text: 'key id AKIAQ7CANARY0SECRET1 used', secret: 'AKIAQ7CANARY0SECRET1' },
  { shape: 'aws-secret-labelled', text: `aws_secret_access_key=${pad40('CanaryLabelledSecret/0123+456789abcdEFGH')}`, secret: pad40('CanaryLabelledSecret/0123+456789abcdEFGH') },
  { shape: 'aws-secret-standalone', text: `leaked ${pad40('CanaryStandaloneKey0123456789abcdefGHIJK')} in env`, secret: pad40('CanaryStandaloneKey0123456789abcdefGHIJK') },
  { shape: 'aws-session-token', text: 'session FwoGZXIvYXdzECanarySessionTok0123456789abcdefABCDEF end', secret: 'FwoGZXIvYXdzECanarySessionTok0123456789abcdefABCDEF' },
  { shape: 'jwt', text: 'jwt eyJhbGciOiJIUzI1NiJ9.eyJjYW5hcnkiOiJqd3QifQ.CanaryJwtSignature0123 rejected', secret: 'eyJjYW5hcnkiOiJqd3QifQ.CanaryJwtSignature0123' },
  { shape: 'authorization-header', text: 'upstream said Authorization: Bearer CanaryHeaderTok.0123456789', secret: 'CanaryHeaderTok.0123456789' },
  { shape: 'bearer-token', text: 'retrying with Bearer CanaryBearerTok0123456789 now', secret: 'CanaryBearerTok0123456789' },
  { shape: 'key-value', text: 'login failed password=CanaryPassw0rdKv user=app', secret: 'CanaryPassw0rdKv' },
  { shape: 'key-value', text: 'body {"api_key": "CanaryApiKeyJson0123"} refused', secret: 'CanaryApiKeyJson0123' },
  { shape: 'pem-private-key', text: 'key -----BEGIN RSA PRIVATE KEY-----\nMIICanaryPemBody0123456789abcdef\n-----END RSA PRIVATE KEY----- loaded', secret: 'MIICanaryPemBody0123456789abcdef' },
  { shape: 'url-credentials', text: 'clone https://deploy:CanaryUrlPass0123@git.example.com/repo.git failed', secret: 'CanaryUrlPass0123' },
  { shape: 'github-token', text: 'push with ghp_CanaryGithubToken0123456789abcdefABC denied', secret: 'ghp_CanaryGithubToken0123456789abcdefABC' },
  { shape: 'slack-token', text: 'notify xoxb-0123456789-CanarySlackToken failed', secret: 'xoxb-0123456789-CanarySlackToken' },
  { shape: 'stripe-key', text: 'charge with sk_live_CanaryStripeKey0123456 declined', secret: 'sk_live_CanaryStripeKey0123456' },
];

/** The sensitive Terraform variable (TF_VAR_db_password of the sensitive-exec fixture). */
const SENSITIVE_VAR = 'CanarySensitiveVar-7Q2x';
const ALL_SECRETS = [...CANARIES.map((c) => c.secret), SENSITIVE_VAR];
/** All canaries in one text, one per line. */
const CANARY_TEXT = CANARIES.map((c) => c.text).join('\n');

/**
 * Every command of the registry, with the scenario below that pushes canaries through what it
 * writes and prints. Commands that only read get the argument cell (canaries in their option
 * values, echoed in errors) and, where they print what was written, a read-back run.
 */
const COMMAND_SCENARIOS: Record<string, string> = {
  init: 'arguments',
  'config show': 'arguments',
  'config validate': 'arguments',
  'infra architect': 'design',
  'infra engineer': 'design',
  'infra validate': 'arguments',
  'infra preview': 'deploy',
  'infra deploy': 'deploy',
  'infra destroy': 'arguments',
  'infra show-resources': 'deploy',
  'infra history': 'deploy',
  'infra drift': 'arguments',
  'infra adopt': 'arguments',
  'infra debug': 'debug',
  'infra test': 'arguments',
  'ops check-health': 'logs',
  'ops query-logs': 'logs',
  'ops investigate': 'logs',
  'ops remediate': 'arguments',
  'ops audit': 'logs',
  'permissions parse-error': 'parse-error',
  'permissions grant': 'grant',
  'permissions audit': 'grant',
  'permissions preflight': 'arguments',
  director: 'director',
};

/**
 * Every artifact path (src/core/paths.ts) with the scenario that writes canary-bearing input
 * into it, or why none can reach it.
 */
const ARTIFACT_SCENARIOS: Record<string, string> = {
  root: 'the whole tree is searched',
  faberDir: 'the whole tree is searched',
  configFile: 'arguments (init with canary options is refused before writing; config holds ${ENV} references, never values)',
  deploymentsDir: 'the whole tree is searched',
  designsDir: 'design',
  iamAuditFile: 'grant',
  iamAuditLockDir: 'grant (holder: pid, host, command, time)',
  issueLogLockDir: 'deploy + debug (holder: pid, host, command, time)',
  issueLogFile: 'deploy + debug',
  incidentsDir: 'logs',
  learnedPermissionsFile: 'grant (auto-fix grants only: resource types, change kinds, IAM actions and addresses, no values)',
  learnedPermissionsLockDir: 'grant (holder: pid, host, command, time)',
  dir: 'the whole tree is searched',
  registryFile: 'deploy',
  deployedMarkdownFile: 'deploy',
  historyFile: 'deploy',
  plansDir: 'deploy (the .json copy; the IaC tool\'s own .tfplan is out of scope)',
  lockFile: 'deploy (holder: pid, host, command, time)',
  grantLockDir: 'grant (holder: pid, host, command, time)',
  runFile: 'deploy',
  testsDir: 'arguments (infra test writes results from the plan: addresses and finding ids)',
};

const SCENARIOS = new Set(['arguments', 'deploy', 'design', 'debug', 'logs', 'parse-error', 'grant', 'director']);

const tally = new CellTally('secret-canaries');
/** Every output of every run, searched at the end (and as each scenario ends). */
const outputs: { cell: string; run: CliRun }[] = [];

function hits(text: string): string[] {
  return ALL_SECRETS.filter((s) => text.includes(s));
}

/** Record a run's outputs and check them now: a leak is named with its cell. */
function checkRun(cell: string, run: CliRun): void {
  outputs.push({ cell, run });
  const leaked = hits(`${run.stdout}\n${run.stderr}`);
  tally.record(cell, leaked.length === 0, leaked.length ? `leaked ${leaked.join(', ')}` : undefined);
  expect(leaked, `${cell}: stdout/stderr`).toEqual([]);
}

/**
 * Every file under `dir` except the IaC tool's own files: its working directory, saved plans
 * and local state (it keeps sensitive values there by design; faber-cloud never writes them).
 */
async function projectFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === '.terraform') continue; // providers and modules the tool downloaded
        await walk(full);
      } else if (!/\.tfplan$|\.tfstate(?:\.backup)?$/.test(entry.name)) {
        out.push(full);
      }
    }
  };
  await walk(dir);
  return out;
}

async function checkTree(cell: string, p: TestProject, allowed: string[] = []): Promise<number> {
  const files = await projectFiles(p.dir);
  for (const file of files) {
    if (allowed.includes(file)) continue;
    const leaked = hits(await readFile(file, 'utf8'));
    const rel = path.relative(p.dir, file);
    tally.record(`${cell}: ${rel}`, leaked.length === 0, leaked.length ? `leaked ${leaked.join(', ')}` : undefined);
    expect(leaked, `${cell}: ${rel}`).toEqual([]);
  }
  return files.length;
}

describe('secret canaries through every writer and output', () => {
  it('the tables cover every command of the registry and every artifact path', () => {
    expect(Object.keys(COMMAND_SCENARIOS).sort()).toEqual(ALL_COMMANDS.map(commandName).sort());
    for (const scenario of Object.values(COMMAND_SCENARIOS)) expect(SCENARIOS).toContain(scenario);
    const paths = projectPaths('/p');
    const fields = [...Object.keys(paths).filter((k) => k !== 'env'), ...Object.keys(paths.env('test'))];
    expect(Object.keys(ARTIFACT_SCENARIOS).sort()).toEqual([...new Set(fields)].sort());
    // Each canary is a shape the module knows: the corpus follows the module.
    expect(CANARIES.length).toBeGreaterThanOrEqual(13);
  });

  describe('deploy: a local-exec fails printing a sensitive variable', () => {
    let p: TestProject;
    const env = { TF_VAR_db_password: SENSITIVE_VAR };
    beforeAll(async () => {
      await resetMoto();
      p = await createProject('sensitive-exec');
    }, 120_000);

    it('keeps the value out of the issue log, history, the --json error details and stderr', async () => {
      const json = await p.cli(['infra', 'deploy', '--env', 'test', '--skip-pre-tests', '--json'], { env });
      expect(json.code, json.stdout + json.stderr).not.toBe(0);
      expect(json.json?.ok).toBe(false);
      // The failure did come through (its words are kept, only the value is gone).
      expect(json.stdout).toContain('migration failed connecting with');
      checkRun('infra deploy --json (sensitive var)', json);
      const human = await p.cli(['infra', 'deploy', '--env', 'test', '--skip-pre-tests', '--verbose'], { env });
      expect(human.code).not.toBe(0);
      checkRun('infra deploy --verbose (sensitive var)', human);
      const issueLog = await readFile(projectPaths(p.dir).issueLogFile, 'utf8');
      expect(issueLog).toContain('migration failed connecting with');
      for (const args of [['infra', 'debug', '--env', 'test'], ['infra', 'debug', '--env', 'test', '--json'], ['infra', 'history', '--env', 'test', '--json'], ['infra', 'show-resources', '--env', 'test', '--json'], ['infra', 'preview', '--env', 'test', '--json']]) {
        checkRun(args.join(' '), await p.cli(args, { env }));
      }
      expect(await checkTree('deploy', p)).toBeGreaterThan(3);
    }, 300_000);
  });

  describe('the other writers, in one project', () => {
    let p: TestProject;
    beforeAll(async () => {
      await resetMoto();
      p = await createProject('partial-failure');
      const now = Date.now();
      // Every canary as an ERROR line of the api function's log group.
      await putLogEvents('/aws/lambda/life-core-test-api', CANARIES.map((c, i) => ({ timestamp: now - (60 - i) * 60_000, message: lambdaLine(now - (60 - i) * 60_000, i, 'ERROR', `marker-${i} ${c.text}`) })), 1);
      await writeRegistry(p.dir, 'test', [
        { address: 'aws_lambda_function.api', type: 'aws_lambda_function', id: 'life-core-test-api', arn: `arn:aws:lambda:us-east-1:${MOTO_ACCOUNT_ID}:function:life-core-test-api` },
      ]);
    }, 120_000);

    it('logs: ops query-logs prints and ops investigate saves log lines without their secrets', async () => {
      const json = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'api', '--since', '2h', '--json']);
      expect(json.code, json.stdout + json.stderr).toBe(0);
      // Each line came through (its marker is there), redacted.
      for (let i = 0; i < CANARIES.length; i++) expect(json.stdout).toContain(`marker-${i}`);
      checkRun('ops query-logs --json', json);
      checkRun('ops query-logs', await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'api', '--since', '2h']));
      const inv = await p.cli(['ops', 'investigate', '--env', 'test', '--issue', 'checkout failing', '--service', 'api', '--since', '2h', '--json']);
      expect(inv.code, inv.stdout + inv.stderr).toBe(0);
      checkRun('ops investigate --json', inv);
      checkRun('ops investigate', await p.cli(['ops', 'investigate', '--env', 'test', '--issue', 'checkout failing again', '--service', 'api', '--since', '2h']));
      const incidents = await readdir(projectPaths(p.dir).incidentsDir);
      expect(incidents.length).toBe(4);
      const md = await readFile(path.join(projectPaths(p.dir).incidentsDir, incidents.find((f) => f.endsWith('.md'))!), 'utf8');
      expect(md).toContain('marker-');
      // The other ops reads over the same environment print what they found in it.
      for (const args of [['ops', 'check-health', '--env', 'test', '--since', '2h'], ['ops', 'audit', '--env', 'test']]) {
        checkRun(args.join(' '), await p.cli(args));
        checkRun(`${args.join(' ')} --json`, await p.cli([...args, '--json']));
      }
    }, 180_000);

    it('debug: an error file with canaries, and a solution whose steps hold them', async () => {
      const file = path.join(p.dir, 'apply.log');
      await writeFile(file, `Error: creating Lambda Function (life-core-test-api): InvalidParameterValueException: bad environment\n${CANARY_TEXT}\n`);
      checkRun('infra debug --error-file --json', await p.cli(['infra', 'debug', '--error-file', file, '--json']));
      checkRun('infra debug --error-file', await p.cli(['infra', 'debug', '--error-file', file]));
      const add = await p.cli(['infra', 'debug', '--error-file', file, '--add-solution', `Rotate ${CANARIES[0]!.text}`, '--step', ...CANARIES.slice(0, 7).map((c) => c.text), '--command', ...CANARIES.slice(7).map((c) => `echo ${c.text}`), '--json']);
      checkRun('infra debug --add-solution', add);
      checkRun('infra debug --list', await p.cli(['infra', 'debug', '--list', '--json']));
    }, 120_000);

    it('parse-error: an AccessDenied message with canaries', async () => {
      const file = path.join(p.dir, 'denied.log');
      await writeFile(file, `An error occurred (AccessDenied) when calling the PutObject operation: User: arn:aws:iam::${MOTO_ACCOUNT_ID}:user/life-test-deploy is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::life-core-test-a/x because no identity-based policy allows the s3:PutObject action\n${CANARY_TEXT}\n`);
      checkRun('permissions parse-error --json', await p.cli(['permissions', 'parse-error', '--file', file, '--json']));
      checkRun('permissions parse-error', await p.cli(['permissions', 'parse-error', '--file', file]));
      checkRun('permissions parse-error (stdin)', await p.cli(['permissions', 'parse-error', '--json'], { input: CANARY_TEXT }));
    }, 60_000);

    it('grant: a reason with canaries goes into the audit log redacted', async () => {
      // An escalation action: refused (exit 4) and recorded with its reason, without any IAM change.
      const run = await p.cli(['permissions', 'grant', '--env', 'test', '--action', 'iam:AttachUserPolicy', '--reason', CANARY_TEXT, '--json']);
      checkRun('permissions grant --reason', run);
      const audit = await readFile(projectPaths(p.dir).iamAuditFile, 'utf8');
      expect(audit).toContain('iam:AttachUserPolicy');
      checkRun('permissions audit --json', await p.cli(['permissions', 'audit', '--json']));
      checkRun('permissions audit', await p.cli(['permissions', 'audit']));
    }, 120_000);

    it('design: requirements, title and feature text with canaries; the generated Terraform', async () => {
      const req = path.join(p.dir, 'requirements.md');
      await writeFile(req, `# Uploads\n\nUsers upload files.\n\n${CANARY_TEXT}\n`);
      const arch = await p.cli(['infra', 'architect', '--feature', 'user uploads', '--title', `Uploads ${CANARIES[7]!.text}`, '--from-file', req, '--json']);
      expect(arch.code, arch.stdout + arch.stderr).toBe(0);
      checkRun('infra architect', arch);
      const designs = await readdir(projectPaths(p.dir).designsDir);
      expect(designs).toContain('user-uploads.md');
      expect(await readFile(path.join(projectPaths(p.dir).designsDir, 'user-uploads.md'), 'utf8')).toContain('Users upload files.');
      checkRun('infra architect --list', await p.cli(['infra', 'architect', '--list']));
      checkRun('infra engineer', await p.cli(['infra', 'engineer', '--design', 'user-uploads', '--json']));
    }, 120_000);

    it('director: a request holding canaries', async () => {
      for (const c of CANARIES) {
        checkRun(`director (${c.shape})`, await p.cli(['director', `deploy to test ${c.text}`, '--json']));
      }
      checkRun('director (human)', await p.cli(['director', `show resources in test ${CANARY_TEXT}`]));
    }, 120_000);

    it('arguments: every command with canaries in its option values, human and --json', async () => {
      for (const def of ALL_COMMANDS) {
        // Options with fixed choices are refused by the parser before anything reads them.
        const valueOptions = (def.options ?? []).filter((o) => /<[^>]+>/.test(o.flags) && !o.choices);
        const argv = [...def.path];
        // Every value option carries the canaries; the first validation to refuse one echoes it.
        for (const o of valueOptions) argv.push(o.flags.split(/[ ,]+/).find((f) => f.startsWith('--'))!, `${CANARIES[valueOptions.indexOf(o) % CANARIES.length]!.text}`);
        for (const _ of def.arguments ?? []) argv.push(CANARIES[1]!.text);
        checkRun(`${commandName(def)} (arguments, --json)`, await p.cli([...argv, '--json']));
        checkRun(`${commandName(def)} (arguments)`, await p.cli(argv));
        // The parser's own error echoes an unknown option with its value.
        checkRun(`${commandName(def)} (unknown option)`, await p.cli([...def.path, `--no-such-flag=${CANARY_TEXT}`, '--json']));
      }
    }, 300_000);

    it('afterwards no file of the project holds a canary', async () => {
      // The inputs written by the test itself hold them on purpose.
      const inputs = ['apply.log', 'denied.log', 'requirements.md'].map((f) => path.join(p.dir, f));
      expect(await checkTree('project', p, inputs)).toBeGreaterThan(5);
      expect(outputs.length).toBeGreaterThan(ALL_COMMANDS.length * 2);
    });
  });
});
