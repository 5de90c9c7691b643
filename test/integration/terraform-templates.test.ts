import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDir } from '../support/cli.js';
import { iacEnv, testTools } from '../support/tools.js';

/**
 * Every Terraform template passes `fmt -check` and `validate` with the real IaC binary and
 * the hashicorp/aws provider, in both states of every optional section: two designs, each
 * with every kind, generated through the built CLI. No cloud is involved.
 */

const run = promisify(execFile);
const TEMPLATES = path.join(REPO_ROOT, 'plugin', 'templates', 'terraform');

/** Resources and settings of the two designs: `on` turns every section on, `off` turns them off. */
const VARIANTS: Record<'on' | 'off', { resources: string[]; sets: string[] }> = {
  on: {
    resources: ['s3_bucket:site', 'lambda_function:worker', 'sqs_queue:jobs', 'http_api:api', 'cloudfront_distribution:cdn', 'dynamodb_table:items', 'sns_topic:events', 'ecs_service:app', 'rds_instance:db', 'iam_role:runner'],
    sets: ['worker.sqs_trigger=jobs', 'api.target_function=worker', 'cdn.origin_bucket=site', 'runner.managed_policy_arns=arn:aws:iam::aws:policy/ReadOnlyAccess,arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess', 'app.assign_public_ip=true', 'site.encryption=aws:kms'],
  },
  off: {
    resources: ['s3_bucket:bare', 's3_bucket:kept', 'lambda_function:worker', 'sqs_queue:jobs', 'http_api:api', 'cloudfront_distribution:cdn', 'dynamodb_table:items', 'sns_topic:events', 'ecs_service:app', 'rds_instance:db', 'iam_role:runner'],
    sets: [
      'bare.versioning=false',
      'kept.noncurrent_expiration_days=null',
      'worker.runtime=nodejs22.x',
      'cdn.origin_bucket=bare',
      'items.range_key=created_at',
      'items.range_key_type=N',
      'events.encrypted=false',
      'db.engine=mysql',
      'db.engine_version=8.0',
    ],
  },
};

async function generate(variant: 'on' | 'off'): Promise<string> {
  const dir = await tempDir(`faber-templates-${variant}-`);
  const cli = (args: string[]) => runCli([...args, '--json'], { cwd: dir, env: iacEnv() });
  expect((await cli(['init', '--project', 'tpl', '--account-id', '123456789012'])).code).toBe(0);
  const { resources, sets } = VARIANTS[variant];
  const architect = await cli(['infra', 'architect', '--feature', `every kind ${variant}`, ...resources.flatMap((r) => ['--resource', r]), ...sets.flatMap((s) => ['--set', s])]);
  expect(architect.code, architect.stdout).toBe(0);
  const engineer = await cli(['infra', 'engineer', '--design', `every-kind-${variant}`]);
  expect(engineer.code, engineer.stdout).toBe(0);
  return path.join(dir, 'infrastructure', 'terraform');
}

async function tofu(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(testTools().iac_binary, args, { cwd: dir, env: { ...process.env, ...iacEnv(), TF_IN_AUTOMATION: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('terraform templates', () => {
  it('have one template per catalogue kind, and the two designs below flip every optional section', async () => {
    const catalogue = JSON.parse(await readFile(path.join(TEMPLATES, 'catalogue.json'), 'utf8'));
    const files = (await readdir(path.join(TEMPLATES, 'resources'))).sort();
    expect(files).toEqual(Object.keys(catalogue.kinds).map((k) => `${k}.tf.tmpl`).sort());
    for (const variant of Object.values(VARIANTS)) {
      expect(new Set(variant.resources.map((r) => r.split(':')[0])), 'every kind in each design').toEqual(new Set(Object.keys(catalogue.kinds)));
    }
    // Which settings each template's sections depend on: each must be set differently in the two designs.
    for (const file of files) {
      const keys = [...(await readFile(path.join(TEMPLATES, 'resources', file), 'utf8')).matchAll(/\{\{#(?:if|unless) ([a-z_]+)\}\}/g)].map((m) => m[1] as string);
      const kind = file.replace('.tf.tmpl', '');
      for (const key of keys) {
        const touched = [...VARIANTS.on.sets, ...VARIANTS.off.sets].some((s) => s.includes(`.${key}=`));
        const def = catalogue.kinds[kind].settings[key].default;
        expect(touched || def === null, `${file}: {{#if ${key}}} is flipped by one of the designs`).toBe(true);
      }
    }
  });

  for (const variant of ['on', 'off'] as const) {
    it(`generated with every section ${variant} pass fmt -check and validate with ${'the real IaC binary'} and the aws provider`, async () => {
      const dir = await generate(variant);
      const fmt = await tofu(dir, ['fmt', '-check', '-list=true', '-recursive', '-no-color']);
      expect(fmt.stdout.trim(), 'files fmt would change').toBe('');
      expect(fmt.code).toBe(0);
      const init = await tofu(dir, ['init', '-backend=false', '-input=false', '-no-color']);
      expect(init.code, init.stdout + init.stderr).toBe(0);
      const validate = await tofu(dir, ['validate', '-json', '-no-color']);
      const result = JSON.parse(validate.stdout);
      // Warnings too: a deprecated argument in a template is a bug waiting for the next provider.
      expect(result.diagnostics, JSON.stringify(result.diagnostics, null, 2)).toEqual([]);
      expect(result.valid).toBe(true);
    }, 90_000);
  }
});
