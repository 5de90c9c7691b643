// The lifecycle's overhead: a user's `infra preview` + `infra deploy --plan ID` of a 50-resource
// plan (the built CLI, the real IaC binary with the hashicorp/aws provider, a local moto server)
// against the bare `tofu plan -out` + `tofu apply` of the same configuration, in the same run.
//
// Counted on our side: both commands, as spawned processes, from the start of `infra preview`
// to the end of `infra deploy` (config, guard, STS identity check, init when needed, plan, the
// plan's JSON (read from the plan file, or `show -json` for a configuration not shown before),
// the permission preflight (IAM reads), the pre-deploy tests, locks, the apply, the registry
// from the state, history, DEPLOYED.md). Every default is kept: the
// preflight and the pre-deploy tests run as a new project's config has them. Counted on the
// bare side: `plan -out` and `apply` of that plan, in a directory initialised once before
// timing (ours runs `init` in both commands: that is part of its overhead).
//
// Each round starts from empty state on both sides (a `tofu destroy` of each side after each
// round, not timed), so each round creates 50 resources. Rounds interleave, order alternating;
// medians. Only the ratio means anything on a shared machine. The two sides use different
// workspaces, so their resource names never collide.
//
// BENCH_EDIT=1 edits the configuration (a comment) before every round on both sides: each
// preview then meets a configuration it has not shown before, as after a user's edit, and pays
// the tool's `show -json` of its plan; without it the configuration is the same every round.
//
// BENCH_PROFILE=1 also runs the CLI's IaC binary through a timing wrapper and reports the time
// spent in each IaC subcommand, and so the time the wrapper spends outside the tool.
//
// Usage: npm run build && node bench/deploy-overhead.mjs [rounds]    (default 5)
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startMoto } from '../scripts/moto-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(root, 'plugin', 'bin', 'faber-cloud');
export const TARGET_RATIO = 1.2;
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const COUNTS = { ssm: 20, sns: 20, s3: 10 };
export const RESOURCES = COUNTS.ssm + COUNTS.sns + COUNTS.s3;

/** 50 cheap-to-create moto resources: SSM parameters, SNS topics, S3 buckets; names carry the workspace. */
export const CONFIGURATION = `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

# Against moto (AWS_ENDPOINT_URL): path-style S3, no account-id lookup.
provider "aws" {
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}

locals {
  prefix = "life-core-\${terraform.workspace}"
}

resource "aws_ssm_parameter" "setting" {
  count = ${COUNTS.ssm}
  name  = "/\${local.prefix}/setting-\${count.index}"
  type  = "String"
  value = "value-\${count.index}"
  tags  = { Project = "life", Environment = terraform.workspace }
}

resource "aws_sns_topic" "events" {
  for_each = toset([for i in range(${COUNTS.sns}) : "events-\${i}"])
  name     = "\${local.prefix}-\${each.key}"
  tags     = { Project = "life", Environment = terraform.workspace }
}

resource "aws_s3_bucket" "data" {
  count         = ${COUNTS.s3}
  bucket        = "\${local.prefix}-data-\${count.index}"
  force_destroy = true
  tags          = { Project = "life", Environment = terraform.workspace }
}

output "first_topic" {
  value = aws_sns_topic.events["events-0"].arn
}
`;

function testTools() {
  const file = path.join(process.env.FABER_CLOUD_CACHE || path.join(homedir(), '.cache', 'faber-cloud'), 'test-tools.json');
  if (!existsSync(file)) throw new Error(`${file} not found: run npm run setup-test-tools first`);
  const tools = JSON.parse(readFileSync(file, 'utf8'));
  if (!tools.providers?.some((p) => p.name === 'hashicorp/aws')) throw new Error(`${file} lists no hashicorp/aws provider: this bench needs it`);
  return tools;
}

function run(cmd, args, options) {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { ...options, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (error) reject(new Error(`${path.basename(cmd)} ${args.slice(0, 4).join(' ')} failed (${error.code ?? error.signal}):\n${stdout}\n${stderr}`.slice(0, 4000)));
      else resolve({ ms, stdout, stderr });
    });
  });
}

/**
 * IAM users behind the profiles, so the permission preflight really reads and evaluates the deploy
 * identity's policies (moto's default caller, user/moto, is not one it can read): discover manages
 * IAM; the test deploy user holds what the plan needs, so the preflight finds nothing missing and
 * grants nothing. moto's IAM enforcement stays off, as in the bare run.
 */
async function profileUsers(endpoint) {
  const iam = new IAMClient({ region: REGION, endpoint, credentials: { accessKeyId: 'setup', secretAccessKey: 'setup' } });
  const policy = (actions) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });
  const users = [
    ['life-discover-deploy', ['iam:*', 'sts:GetCallerIdentity']],
    ['life-test-deploy', ['ssm:*', 'sns:*', 's3:*', 'tag:*', 'sts:GetCallerIdentity']],
    ['life-prod-deploy', ['sts:GetCallerIdentity']],
  ];
  const keys = [];
  for (const [name, actions] of users) {
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: `${name}-bench`, PolicyDocument: policy(actions) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
    keys.push([name, key.AccessKeyId, key.SecretAccessKey]);
  }
  iam.destroy();
  return keys;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The IaC binary behind a wrapper that appends `<subcommand> <ms>` per invocation to `log`. */
async function timingWrapper(dir, binary, log) {
  const file = path.join(dir, 'tofu-timed');
  await writeFile(
    file,
    `#!/bin/sh\nstart=$(date +%s%N)\n"${binary}" "$@"\nrc=$?\nend=$(date +%s%N)\nsub="$1"; [ "$1" = workspace ] && sub="workspace-$2"; [ "$1" = state ] && sub="state-$2"; [ "$1" = providers ] && sub="providers-$2"; [ "$1" = show ] && { case "$*" in *.tfplan*) sub="show-plan";; *) sub="show-state";; esac; }\necho "$sub $(( (end - start) / 1000000 ))" >> "${log}"\nexit $rc\n`,
  );
  await chmod(file, 0o755);
  return file;
}

export async function measureDeployOverhead(rounds = 5, { log = () => {} } = {}) {
  if (!existsSync(path.join(root, 'plugin', 'dist', 'cli.js'))) throw new Error('plugin/dist/ is missing: run npm run build first');
  const tools = testTools();
  const moto = await startMoto(tools.moto_server, { env: { ...process.env, MOTO_ACCOUNT_ID: ACCOUNT } });
  const dir = await mkdtemp(path.join(tmpdir(), 'faber-bench-deploy-'));
  try {
    const ours = path.join(dir, 'ours');
    const bare = path.join(dir, 'bare');
    const tfOurs = path.join(ours, 'infrastructure', 'terraform');
    await mkdir(tfOurs, { recursive: true });
    await mkdir(bare, { recursive: true });
    await writeFile(path.join(tfOurs, 'main.tf'), CONFIGURATION);
    await writeFile(path.join(bare, 'main.tf'), CONFIGURATION);
    const credentials = path.join(dir, 'aws-credentials');
    const config = path.join(dir, 'aws-config');
    const keys = [['default', 'bench', 'bench'], ...(await profileUsers(moto.endpoint))];
    await writeFile(credentials, keys.map(([p, id, secret]) => `[${p}]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`).join('\n'));
    await writeFile(config, keys.map(([p]) => `[${p === 'default' ? 'default' : `profile ${p}`}]\nregion = ${REGION}\n`).join('\n'));
    const env = { ...process.env, AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: REGION, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1', TF_CLI_CONFIG_FILE: tools.cli_config_file, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    for (const k of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'TF_WORKSPACE', 'TF_DATA_DIR']) delete env[k];
    const tofuLog = path.join(dir, 'tofu-times.log');
    const profile = Boolean(process.env.BENCH_PROFILE);
    const oursBinary = profile ? await timingWrapper(dir, tools.iac_binary, tofuLog) : tools.iac_binary;
    const oursEnv = { ...env, FABER_CLOUD_IAC_BINARY: oursBinary };
    const bareEnv = { ...env, AWS_PROFILE: 'life-test-deploy' };
    const tofu = (args, cwd, e = bareEnv) => run(tools.iac_binary, args, { cwd, env: e });
    const cli = (args) => run(process.execPath, [CLI, ...args], { cwd: ours, env: oursEnv });

    await cli(['init', '--project', 'life', '--region', REGION, '--account-id', ACCOUNT, '--json']);
    await tofu(['init', '-input=false'], bare);
    await tofu(['workspace', 'new', 'bare'], bare);

    /** Ours: the user flow, preview then deploy of the previewed plan. */
    const oursRound = async () => {
      const start = process.hrtime.bigint();
      const preview = await cli(['infra', 'preview', '--env', 'test', '--json']);
      const previewed = JSON.parse(preview.stdout).data;
      if (previewed.digest.counts.create !== RESOURCES) throw new Error(`preview plans ${JSON.stringify(previewed.digest.counts)}, expected ${RESOURCES} creates`);
      // The defaults are measured: the preflight must really have run (IAM reads and evaluation).
      if (!previewed.preflight || 'error' in previewed.preflight) throw new Error(`the preview's permission preflight did not run: ${JSON.stringify(previewed.preflight)}`);
      const deploy = await cli(['infra', 'deploy', '--env', 'test', '--plan', previewed.plan_id, '--json']);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const deployed = JSON.parse(deploy.stdout).data;
      if (deployed.registry.resources !== RESOURCES) throw new Error(`registry holds ${deployed.registry.resources} resources after the deploy, expected ${RESOURCES}`);
      return { ms, preview: preview.ms, deploy: deploy.ms, preflight: previewed.preflight, deployed };
    };
    const bareRound = async () => {
      const plan = await tofu(['plan', '-input=false', '-out=bench.tfplan'], bare);
      if (!plan.stdout.includes(`${RESOURCES} to add, 0 to change, 0 to destroy`)) throw new Error(`bare plan did not plan ${RESOURCES} creates:\n${plan.stdout.slice(-500)}`);
      // Not in the bare figure: the one `show -json` any wrapper that reviews the plan's JSON pays (the floor).
      const show = await tofu(['show', '-json', 'bench.tfplan'], bare);
      if (JSON.parse(show.stdout).resource_changes?.length !== RESOURCES) throw new Error('bare show -json did not list the planned changes');
      const apply = await tofu(['apply', '-input=false', 'bench.tfplan'], bare);
      if (!apply.stdout.includes(`${RESOURCES} added`)) throw new Error(`bare apply did not add ${RESOURCES}:\n${apply.stdout.slice(-500)}`);
      return { ms: plan.ms + apply.ms, plan: plan.ms, apply: apply.ms, show: show.ms };
    };
    // Back to empty state (not timed): ours in its workspace, as the IaC tool itself.
    const resetOurs = () => tofu(['destroy', '-auto-approve', '-input=false'], tfOurs, { ...bareEnv, TF_WORKSPACE: 'test' });
    const resetBare = () => tofu(['destroy', '-auto-approve', '-input=false'], bare);

    // One warm-up each (provider binary and moto warm, our first init done), then the rounds.
    const warm = await oursRound();
    const said = (pf) => (!pf ? 'did not run' : 'error' in pf ? `did not run: ${pf.error.message}` : JSON.stringify(pf.summary));
    log(`warm-up: ours ${warm.ms.toFixed(0)} ms (preview's preflight: ${said(warm.preflight)}; deploy's: ${said(warm.deployed.preflight)})`);
    await resetOurs();
    log(`warm-up: bare ${(await bareRound()).ms.toFixed(0)} ms`);
    await resetBare();
    if (profile) await rm(tofuLog, { force: true });

    const t = { ours: [], bare: [], preview: [], deploy: [], plan: [], apply: [], show: [] };
    const edit = Boolean(process.env.BENCH_EDIT);
    for (let i = 0; i < rounds; i++) {
      if (edit) for (const d of [tfOurs, bare]) await writeFile(path.join(d, 'main.tf'), `${CONFIGURATION}\n# edit ${i + 1}\n`);
      const order = i % 2 === 0 ? ['ours', 'bare'] : ['bare', 'ours'];
      for (const side of order) {
        if (side === 'ours') {
          const r = await oursRound();
          t.ours.push(r.ms);
          t.preview.push(r.preview);
          t.deploy.push(r.deploy);
          await resetOurs();
        } else {
          const r = await bareRound();
          t.bare.push(r.ms);
          t.plan.push(r.plan);
          t.apply.push(r.apply);
          t.show.push(r.show);
          await resetBare();
        }
      }
      log(`round ${i + 1}: ours ${t.ours.at(-1).toFixed(0)} ms (preview ${t.preview.at(-1).toFixed(0)}, deploy ${t.deploy.at(-1).toFixed(0)}), bare ${t.bare.at(-1).toFixed(0)} ms (plan ${t.plan.at(-1).toFixed(0)}, apply ${t.apply.at(-1).toFixed(0)}; show -json of the plan ${t.show.at(-1).toFixed(0)})`);
    }

    let tool;
    if (profile) {
      // Per subcommand: total ms over all rounds / rounds (what one preview + deploy spends in it).
      const lines = (await readFile(tofuLog, 'utf8')).trim().split('\n').map((l) => l.split(' '));
      tool = {};
      for (const [sub, ms] of lines) {
        tool[sub] ??= { calls: 0, ms: 0 };
        tool[sub].calls += 1 / rounds;
        tool[sub].ms += Number(ms) / rounds;
      }
      for (const v of Object.values(tool)) {
        v.calls = Number(v.calls.toFixed(1));
        v.ms = Math.round(v.ms);
      }
    }
    const oursMs = median(t.ours);
    const bareMs = median(t.bare);
    const ratios = t.ours.map((o, i) => o / t.bare[i]);
    const floors = t.bare.map((b, i) => b + t.show[i]);
    return {
      rounds,
      edited: edit,
      resources: RESOURCES,
      ours_ms: Math.round(oursMs),
      preview_ms: Math.round(median(t.preview)),
      deploy_ms: Math.round(median(t.deploy)),
      bare_ms: Math.round(bareMs),
      plan_ms: Math.round(median(t.plan)),
      apply_ms: Math.round(median(t.apply)),
      ratio: Number((oursMs / bareMs).toFixed(2)),
      round_ratio_median: Number(median(ratios).toFixed(2)),
      show_ms: Math.round(median(t.show)),
      floor_ms: Math.round(median(floors)),
      floor_ratio: Number((oursMs / median(floors)).toFixed(2)),
      target: TARGET_RATIO,
      met: oursMs / bareMs <= TARGET_RATIO,
      ...(tool ? { tool } : {}),
    };
  } finally {
    await moto.stop();
    if (!process.env.BENCH_KEEP) await rm(dir, { recursive: true, force: true });
    else log(`kept: ${dir}`);
  }
}

export function formatResult(r) {
  const lines = [
    `deploy-overhead (${r.resources} resources created per round, ${r.rounds} interleaved rounds, medians; configuration ${r.edited ? 'edited before every round' : 'the same every round'})`,
    `  bare tofu plan -out + apply:        ${r.bare_ms} ms   (plan ${r.plan_ms}, apply ${r.apply_ms})`,
    `  faber-cloud infra preview + deploy: ${r.ours_ms} ms   (preview ${r.preview_ms}, deploy ${r.deploy_ms})`,
    `  ratio ours/bare: ${r.ratio}x (median of per-round ratios ${r.round_ratio_median}x)   target <= ${r.target}x: ${r.met ? 'MET' : 'NOT MET'}`,
    `  floor (bare + one show -json of the plan, ${r.show_ms} ms): ${r.floor_ms} ms; ratio ours/floor: ${r.floor_ratio}x`,
  ];
  if (r.tool) {
    const inTool = Object.values(r.tool).reduce((a, v) => a + v.ms, 0);
    lines.push(`  IaC subcommands per preview + deploy (mean calls, ms): ${Object.entries(r.tool).map(([k, v]) => `${k} ${v.calls}x ${v.ms}`).join(', ')}`);
    lines.push(`  in the IaC tool ${Math.round(inTool)} ms of a mean ${r.ours_ms} ms median run`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const result = await measureDeployOverhead(Number(process.argv[2] ?? 5), { log: (s) => console.log(s) });
    console.log(formatResult(result));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
