#!/usr/bin/env node
// `npm run demo`: faber-cloud end to end on this machine, with no cloud account.
// Sets up the embedded default (moto + OpenTofu + the aws provider, cached), starts moto on
// 127.0.0.1, creates a sample project in a temp dir with `faber-cloud init`, previews and
// deploys it to `test`, and prints the registry. The project directory is kept.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { motoCommand, startMoto } from './moto-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'plugin', 'bin', 'faber-cloud');
const say = (text) => process.stdout.write(`\n== ${text}\n`);

function fail(message) {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
}

say('setting up moto, OpenTofu and providers (cached after the first run)');
const setup = spawnSync('bash', [path.join(root, 'scripts', 'setup-test-tools')], { stdio: 'inherit' });
if (setup.status !== 0) fail('scripts/setup-test-tools failed (see above)');
const cache = process.env.FABER_CLOUD_CACHE || path.join(homedir(), '.cache', 'faber-cloud');
const tools = JSON.parse(readFileSync(path.join(cache, 'test-tools.json'), 'utf8'));
if (!tools.providers.some((p) => p.name === 'hashicorp/aws')) {
  fail('the hashicorp/aws provider is not in the mirror (FABER_CLOUD_AWS_PROVIDER=0?); run without it');
}

say('starting moto on 127.0.0.1 (it picks a free port and reports it)');
const moto = await startMoto(motoCommand(tools), { version: tools.moto_version }).catch((error) => fail(`${error.message}\nrun \`npm run setup-test-tools\` to install moto`));
const endpoint = moto.endpoint;
process.stdout.write(`moto is on ${endpoint}\n`);
let stopping = false;
process.on('exit', () => moto.child.exitCode === null && moto.child.kill('SIGTERM'));
moto.child.on('exit', (code, signal) => stopping || fail(`moto stopped unexpectedly (${signal ?? `code ${code}`})`));

const project = mkdtempSync(path.join(tmpdir(), 'faber-demo-'));
cpSync(path.join(root, 'plugin', 'templates', 'demo', 'terraform'), path.join(project, 'terraform'), { recursive: true });
// Throwaway AWS profiles for moto: the demo never reads your real ~/.aws.
const awsDir = path.join(project, '.aws-demo');
mkdirSync(awsDir);
const profiles = ['discover', 'test', 'prod'].map((role) => `demo-${role}-deploy`);
writeFileSync(path.join(awsDir, 'credentials'), profiles.map((p) => `[${p}]\naws_access_key_id = demo\naws_secret_access_key = demo\n`).join('\n'));
writeFileSync(path.join(awsDir, 'config'), profiles.map((p) => `[profile ${p}]\nregion = us-east-1\n`).join('\n'));
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: endpoint,
  AWS_CONFIG_FILE: path.join(awsDir, 'config'),
  AWS_SHARED_CREDENTIALS_FILE: path.join(awsDir, 'credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
  FABER_CLOUD_IAC_BINARY: tools.iac_binary,
  TF_CLI_CONFIG_FILE: tools.cli_config_file,
};
for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete env[name];

function faber(args, { capture = false } = {}) {
  process.stdout.write(`\n$ faber-cloud ${args.join(' ')}\n`);
  const run = spawnSync(process.execPath, [cli, ...args], { cwd: project, env, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'], encoding: 'utf8' });
  if (run.status !== 0) fail(`faber-cloud ${args[0]} ${args[1] ?? ''} exited ${run.status}; the project is in ${project}`);
  return run.stdout;
}

say(`sample project in ${project}`);
faber(['init', '--project', 'demo', '--region', 'us-east-1', '--account-id', '123456789012']);
faber(['infra', 'validate', '--env', 'test']);
const preview = JSON.parse(faber(['infra', 'preview', '--env', 'test', '--json'], { capture: true }));
process.stdout.write(`plan ${preview.data.plan_id}: ${JSON.stringify(preview.data.digest.counts)}\n`);
faber(['infra', 'deploy', '--env', 'test', '--plan', preview.data.plan_id]);
faber(['infra', 'show-resources', '--env', 'test']);

const deployed = path.join(project, '.fractary', 'plugins', 'faber-cloud', 'deployments', 'test', 'DEPLOYED.md');
say('done');
process.stdout.write(
  [
    `registry     ${path.join(path.dirname(deployed), 'registry.json')}`,
    `DEPLOYED.md  ${existsSync(deployed) ? deployed : '(missing!)'}`,
    `history      ${path.join(path.dirname(deployed), 'history.jsonl')}`,
    '',
    'moto stops with this script, so the resources are gone; the project and its records stay.',
    '',
  ].join('\n'),
);
stopping = true;
await moto.stop();
