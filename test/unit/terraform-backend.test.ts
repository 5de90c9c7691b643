import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/core/config/schema.js';
import { describeIssues } from '../../src/core/config/issues.js';
import { ConfigError, GuardError, LockedError, UnsafePathError } from '../../src/core/errors.js';
import { resolveProjectFile } from '../../src/core/files/safe-path.js';
import { parseStreamLine, parseTextDiagnostics } from '../../src/handlers/iac/terraform/diagnostics.js';
import { backendArgs, backendDigest, backendSettings, migrationRefusal, parseLockInfo, stateLockError } from '../../src/handlers/iac/terraform/backend.js';
import { victimTree } from '../support/victim-tree.js';

/**
 * Backend configuration per environment (issue 17): the config's shape and rules, the files it
 * names (inside the project only), the arguments given to the tool, and the two backend failures
 * that become refusals: a state lock held by another run, and an init that would migrate state.
 */

const PROFILES = { discover: 'acme-discover', test: 'acme-test', prod: 'acme-prod' };
function config(terraform: Record<string, unknown>) {
  return {
    project: { name: 'acme' },
    handlers: { hosting: { active: 'aws', aws: { region: 'us-east-1', profiles: PROFILES } }, iac: { active: 'terraform', terraform: { directory: './tf', ...terraform } } },
    environments: { test: { profile: 'test' }, prod: { profile: 'prod', require_confirmation: true } },
  };
}
function problems(input: unknown): string[] {
  const result = ConfigSchema.safeParse(input);
  return result.success ? [] : describeIssues(ConfigSchema, result.error.issues, input).map((p) => `${p.path}: ${p.message}`);
}

describe('handlers.iac.terraform.backend_config', () => {
  it('takes a file or { file, values } per environment', () => {
    expect(problems(config({ backend_config: { test: 'backend/test.hcl', prod: { file: 'backend/prod.hcl', values: { key: 'prod/terraform.tfstate', use_lockfile: true } } } }))).toEqual([]);
  });

  it('explains a bad entry in one sentence, naming the key path', () => {
    expect(problems(config({ backend_config: { test: { file: 'a.hcl', valuez: {} } } }))).toEqual(["handlers.iac.terraform.backend_config.test.valuez: unknown key, did you mean 'values'?"]);
    expect(problems(config({ backend_config: { test: { values: { Key: 'x' } } } }))).toEqual([
      'handlers.iac.terraform.backend_config.test.values.Key: invalid key: backend setting names are lowercase letters, digits and _ (e.g. key, bucket, use_lockfile)',
    ]);
    expect(problems(config({ backend_config: { test: 3 } }))).toEqual(['handlers.iac.terraform.backend_config.test: must be a backend config file path or an object { file, values }']);
    expect(problems(config({ backend_config: { test: {} } }))).toEqual(['handlers.iac.terraform.backend_config.test: needs a file or at least one value']);
    expect(problems(config({ backend_config: { qa: 'qa.hcl' } }))).toEqual(["handlers.iac.terraform.backend_config.qa: names environment 'qa', which is not in environments"]);
  });

  it('refuses two environments that would share one state: same workspace and same (or no) backend', () => {
    expect(problems(config({ workspaces: { test: 'default', prod: 'default' } }))).toEqual([
      "handlers.iac.terraform.workspaces.prod: environment 'prod' would share the state of 'test' (same workspace 'default' and backend): give each environment its own workspace or its own backend_config",
    ]);
    expect(problems(config({ workspaces: { test: 'default', prod: 'default' }, backend_config: { test: 'b.hcl', prod: 'b.hcl' } }))).toHaveLength(1);
    // one workspace, a backend each: allowed (the usual shape: one state key per environment)
    expect(problems(config({ workspaces: { test: 'default', prod: 'default' }, backend_config: { test: 'test.hcl', prod: 'prod.hcl' } }))).toEqual([]);
  });
});

describe('backend config files resolve inside the project', () => {
  it('passes the real path of a file inside the project, then the key-values', async () => {
    const t = await victimTree('faber-backend-');
    await mkdir(path.join(t.root, 'tf', 'backend'), { recursive: true });
    await writeFile(path.join(t.root, 'tf', 'backend', 'test.hcl'), 'key = "test/terraform.tfstate"\n');
    const args = await backendArgs(backendSettings({ file: 'backend/test.hcl', values: { use_lockfile: true } }), t.root, path.join(t.root, 'tf'));
    expect(args).toEqual([`-backend-config=${path.join(t.root, 'tf', 'backend', 'test.hcl')}`, '-backend-config=use_lockfile=true']);
    expect(await backendArgs(undefined, t.root, t.root)).toEqual([]);
  });

  it('refuses a file outside the project, directly or through a link, and a missing file', async () => {
    const t = await victimTree('faber-backend-');
    await symlink(t.victim, path.join(t.root, 'linked.hcl'));
    await expect(resolveProjectFile(t.root, t.root, 'linked.hcl', 'backend config file')).rejects.toBeInstanceOf(UnsafePathError);
    await expect(resolveProjectFile(t.root, t.root, '../outside/victim.txt', 'backend config file')).rejects.toBeInstanceOf(UnsafePathError);
    await expect(resolveProjectFile(t.root, t.root, t.victim, 'backend config file')).rejects.toThrow(/outside the project root/);
    const missing = await resolveProjectFile(t.root, t.root, 'nope.hcl', 'backend config file').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ConfigError);
    expect((missing as ConfigError).exitCode).toBe(2);
    await mkdir(path.join(t.root, 'dir.hcl'));
    await expect(resolveProjectFile(t.root, t.root, 'dir.hcl', 'backend config file')).rejects.toThrow(/not a regular file/);
    await t.untouched();
  });

  it('a link to a file inside the project is followed', async () => {
    const t = await victimTree('faber-backend-');
    await writeFile(path.join(t.root, 'real.hcl'), 'key = "x"\n');
    await symlink(path.join(t.root, 'real.hcl'), path.join(t.root, 'alias.hcl'));
    expect(await resolveProjectFile(t.root, t.root, 'alias.hcl', 'backend config file')).toBe(path.join(t.root, 'real.hcl'));
  });

  it('the init record digest changes with the file content, not only its name', async () => {
    const t = await victimTree('faber-backend-');
    const file = path.join(t.root, 'b.hcl');
    await writeFile(file, 'key = "a"\n');
    const before = await backendDigest([`-backend-config=${file}`]);
    await writeFile(file, 'key = "b"\n');
    expect(await backendDigest([`-backend-config=${file}`])).not.toBe(before);
    expect(await backendDigest(['-backend-config=key=a'])).not.toBe(await backendDigest(['-backend-config=key=b']));
  });
});

// What OpenTofu 1.12 prints (plan -json diagnostic detail) when another run holds the S3 lock.
const LOCK_DETAIL = `Error message: operation error S3: PutObject, https response error StatusCode: 412, api error PreconditionFailed: At least one of the pre-conditions you specified did not hold
Lock Info:
  ID:        11111111-2222-3333-4444-555555555555
  Path:      tfstate-bucket/env:/test/app/terraform.tfstate
  Operation: OperationTypeApply
  Who:       alice@laptop
  Version:   1.12.6
  Created:   2026-12-07 16:00:00 +0000 UTC
  Info:      


OpenTofu acquires a state lock to protect the state from being written
by multiple users at the same time.`;

describe('a state lock held by another run', () => {
  it('parses the holder from the lock info', () => {
    expect(parseLockInfo(LOCK_DETAIL)).toEqual({
      id: '11111111-2222-3333-4444-555555555555',
      path: 'tfstate-bucket/env:/test/app/terraform.tfstate',
      operation: 'OperationTypeApply',
      who: 'alice@laptop',
      version: '1.12.6',
      created: '2026-12-07 16:00:00 +0000 UTC',
    });
    expect(parseLockInfo('Error: something else')).toBeUndefined();
  });

  it('is an exit-3 refusal naming the holder and how to release the lock', () => {
    const error = stateLockError([{ severity: 'error', summary: 'Error acquiring the state lock', detail: LOCK_DETAIL }], 'test', 5);
    expect(error).toBeInstanceOf(LockedError);
    expect(error?.exitCode).toBe(3);
    expect(error?.message).toBe("the state of 'test' is locked by alice@laptop (apply, since 2026-12-07 16:00:00 +0000 UTC) at tfstate-bucket/env:/test/app/terraform.tfstate; waited 5s");
    expect(error?.hint).toContain('force-unlock 11111111-2222-3333-4444-555555555555');
    expect(stateLockError([{ severity: 'error', summary: 'Invalid bucket value' }], 'test', 5)).toBeUndefined();
    expect(stateLockError([{ severity: 'error', summary: 'Error acquiring the state lock' }], 'test', 5)?.message).toContain('another run');
  });
});

/** Terraform's own output, captured from real runs of Terraform 1.11.4 against moto (test/fixtures/terraform-output/README.md). */
const TERRAFORM_OUTPUT = path.join(import.meta.dirname, '..', 'fixtures', 'terraform-output');
const terraformOutput = (name: string) => readFile(path.join(TERRAFORM_OUTPUT, name), 'utf8');
const jsonDiagnostics = (text: string) => text.split('\n').map(parseStreamLine).flatMap((e) => (e?.kind === 'diagnostic' ? [e.diagnostic] : []));

describe('a state lock held by another run, as Terraform (not OpenTofu) reports it', () => {
  it('S3 lock file (use_lockfile, Terraform >= 1.10), plan -json: names the holder', async () => {
    const error = stateLockError(jsonDiagnostics(await terraformOutput('terraform-1.11.4-lock-s3-lockfile.plan.jsonl')), 'test', 2);
    expect(error).toBeInstanceOf(LockedError);
    expect(error?.message).toBe("the state of 'test' is locked by alice@build-7 (apply, since 2026-12-07 16:00:00 +0000 UTC) at lk-tfstate/test/app.tfstate; waited 2s");
    expect(error?.hint).toContain('force-unlock 0c6f5a4e-1111-2222-3333-444455556666');
  });

  it('DynamoDB lock (the only lock of Terraform before 1.10), plan -json and the human output: names the holder', async () => {
    for (const diagnostics of [
      jsonDiagnostics(await terraformOutput('terraform-1.11.4-lock-dynamodb.plan.jsonl')),
      parseTextDiagnostics(await terraformOutput('terraform-1.11.4-lock-dynamodb.plan.txt')),
    ]) {
      const error = stateLockError(diagnostics, 'prod', 2);
      expect(error?.code).toBe('E_LOCKED');
      expect(error?.message).toBe("the state of 'prod' is locked by bob@ci-runner-3 (plan, since 2026-12-07 17:30:00 +0000 UTC) at lk-tfstate/test/app.tfstate; waited 2s");
      expect(error?.details).toEqual({ state_lock: { id: '7d1e2f3a-aaaa-bbbb-cccc-ddddeeeeffff', path: 'lk-tfstate/test/app.tfstate', operation: 'OperationTypePlan', who: 'bob@ci-runner-3', version: '1.5.7', created: '2026-12-07 17:30:00 +0000 UTC' } });
    }
  });

  it("Terraform's init that would migrate state is refused", async () => {
    const refusal = migrationRefusal(await terraformOutput('terraform-1.11.4-backend-changed.init.txt'), 'test', 'terraform', 'terraform');
    expect(refusal?.code).toBe('E_GUARD_STATE_MIGRATION');
  });
});

describe('state is never migrated implicitly', () => {
  it('an init that asks for -migrate-state is refused (exit 3) with both ways out', () => {
    const output = 'Error: Backend configuration changed\n\nA change in the backend configuration has been detected, which may require\nmigrating existing state.\n\nIf you wish to attempt automatic migration of the state, use "tofu init\n-migrate-state".';
    const refusal = migrationRefusal(output, 'prod', 'terraform', 'tofu');
    expect(refusal).toBeInstanceOf(GuardError);
    expect(refusal?.code).toBe('E_GUARD_STATE_MIGRATION');
    expect(refusal?.exitCode).toBe(3);
    expect(refusal?.hint).toMatch(/-migrate-state.*-reconfigure/);
    expect(migrationRefusal('Error: Invalid bucket value', 'prod', 'terraform', 'tofu')).toBeUndefined();
  });
});

describe('drift from a refresh-only plan', () => {
  it('lists changed attributes (before -> after) and deleted resources, secrets without values', async () => {
    const { driftOf, driftIdOf } = await import('../../src/handlers/iac/terraform/plan.js');
    const plan = {
      resource_drift: [
        {
          address: 'module.data.aws_dynamodb_table.items[0]', mode: 'managed' as const, type: 'aws_dynamodb_table', name: 'items',
          change: {
            actions: ['update'],
            before: { billing_mode: 'PAY_PER_REQUEST', read_capacity: 0, tags: { Owner: 'a' }, attribute: [{ name: 'id', type: 'S' }] },
            after: { billing_mode: 'PROVISIONED', read_capacity: 5, tags: { Owner: 'b', Extra: 'x' }, attribute: [{ name: 'id', type: 'S' }] },
          },
        },
        {
          address: 'aws_db_instance.db', mode: 'managed' as const, type: 'aws_db_instance', name: 'db',
          change: { actions: ['update'], before: { password: 'hunter2', port: 5432 }, after: { password: 'hunter3', port: 5432 }, before_sensitive: { password: true }, after_sensitive: { password: true } },
        },
        { address: 'aws_iam_role.worker', mode: 'managed' as const, type: 'aws_iam_role', name: 'worker', change: { actions: ['delete'], before: { name: 'w' }, after: null } },
        { address: 'data.aws_caller_identity.me', mode: 'data' as const, type: 'aws_caller_identity', name: 'me', change: { actions: ['update'], before: {}, after: { id: '1' } } },
      ],
    };
    const drifted = driftOf(plan);
    expect(drifted).toEqual([
      { address: 'aws_db_instance.db', type: 'aws_db_instance', action: 'update', attributes: [{ path: 'password', sensitive: true }] },
      { address: 'aws_iam_role.worker', type: 'aws_iam_role', action: 'delete', attributes: [] },
      {
        address: 'module.data.aws_dynamodb_table.items[0]', type: 'aws_dynamodb_table', action: 'update',
        attributes: [
          { path: 'billing_mode', before: 'PAY_PER_REQUEST', after: 'PROVISIONED' },
          { path: 'read_capacity', before: 0, after: 5 },
          { path: 'tags.Extra', before: null, after: 'x' },
          { path: 'tags.Owner', before: 'a', after: 'b' },
        ],
      },
    ]);
    expect(JSON.stringify(drifted)).not.toContain('hunter');
    expect(driftIdOf(plan)).toMatch(/^[0-9a-f]{12}$/);
    expect(driftIdOf({ resource_drift: [] })).not.toBe(driftIdOf(plan));
  });
});

describe('init detects a backend block', () => {
  it('partial blocks need backend_config; files found per environment are used', async () => {
    const { detectBackend } = await import('../../src/core/init/terraform-detect.js');
    const t = await victimTree('faber-detect-');
    await writeFile(path.join(t.root, 'versions.tf'), 'terraform {\n  backend "s3" {\n    # settings per environment\n  }\n}\n');
    await mkdir(path.join(t.root, 'backend'));
    await writeFile(path.join(t.root, 'backend', 'prod.hcl'), 'key = "prod"\n');
    expect(await detectBackend(t.root, ['test', 'prod'])).toEqual({ type: 's3', partial: true, file: 'versions.tf', found: { prod: 'backend/prod.hcl' } });
    await writeFile(path.join(t.root, 'versions.tf'), 'terraform {\n  backend "s3" {\n    bucket = "b"\n    key    = "k"\n  }\n}\n');
    expect((await detectBackend(t.root, ['test', 'prod']))?.partial).toBe(false);
    await writeFile(path.join(t.root, 'versions.tf'), 'terraform {\n  required_version = ">= 1.5"\n}\n');
    expect(await detectBackend(t.root, ['test', 'prod'])).toBeUndefined();
  });
});
