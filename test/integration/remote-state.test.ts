import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { MOTO_REGION, resetMoto } from '../support/moto.js';
import { createProject, type TestProject } from '../support/project.js';

/**
 * Issue 17, part 1: an existing project's shape — a partial S3 backend completed per environment
 * (backend/<env>.hcl: its own state key, use_lockfile), the environment as a variable, resources
 * in public terraform-aws-modules modules (vendored: s3-bucket, dynamodb-table, sns) — through
 * the built CLI, OpenTofu with the hashicorp/aws provider, and moto's S3 holding the state.
 */

const STATE_BUCKET = 'rs-tfstate';
const s3 = () => new S3Client({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, forcePathStyle: true, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

async function stateKeys(): Promise<string[]> {
  const out = await s3().send(new ListObjectsV2Command({ Bucket: STATE_BUCKET }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** The resources a state object in moto's S3 holds, read directly (not through the code under test). */
async function remoteState(key: string): Promise<string[]> {
  const out = await s3().send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
  const state = JSON.parse(await out.Body!.transformToString());
  return (state.resources as any[]).filter((r) => r.mode === 'managed').flatMap((r) => r.instances.map((i: any) => `${r.module ? `${r.module}.` : ''}${r.type}.${r.name}${i.index_key === undefined ? '' : typeof i.index_key === 'number' ? `[${i.index_key}]` : `["${i.index_key}"]`}=${i.attributes.id}`)).sort();
}

async function registryIds(p: TestProject, env: string): Promise<string[]> {
  const registry = await p.readJson(p.artifact(env, 'registry.json'));
  return (registry.resources as { address: string; id: string }[]).map((r) => `${r.address}=${r.id}`).sort();
}

/** A project on the remote-state fixture: init detects the backend; one workspace, a state key per environment. */
async function remoteStateProject(): Promise<TestProject> {
  await s3().send(new CreateBucketCommand({ Bucket: STATE_BUCKET }));
  const p = await createProject('remote-state', { project: 'rs' });
  await p.editConfig((c) => {
    c.handlers.iac.terraform.workspaces = { test: 'default', prod: 'default' };
    c.handlers.iac.terraform.var_files = { test: 'test.tfvars', prod: 'prod.tfvars' };
    c.handlers.iac.terraform.state_lock_timeout_seconds = 2;
  });
  return p;
}

async function deployProd(p: TestProject, destroy = false) {
  const preview = await p.cli(['infra', 'preview', '--env', 'prod', ...(destroy ? ['--destroy'] : []), '--json'], SLOW);
  expect(preview.code, preview.stderr).toBe(0);
  const run = await p.cli(['infra', destroy ? 'destroy' : 'deploy', '--env', 'prod', '--plan', preview.json.data.plan_id, '--confirm', 'prod', '--json'], SLOW);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

/** The aws provider is slow to start on a loaded machine: give each CLI run more than runCli's 2 minutes. */
const SLOW = { timeoutMs: 900_000 };

describe('remote state per environment (S3 backend in moto)', () => {
  beforeEach(resetMoto);

  it('init writes the backend map; test and prod go validate → preview → deploy → change → deploy → destroy, each in its own state key', async () => {
    const p = await remoteStateProject();
    const config = await p.readJson(p.configFile);
    expect(config.handlers.iac.terraform.backend_config).toEqual({ test: 'backend/test.hcl', prod: 'backend/prod.hcl' });

    for (const env of ['test', 'prod']) {
      const validate = await p.cli(['infra', 'validate', '--env', env, '--json'], SLOW);
      expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    }

    // test: deploy (the working directory is initialised for test)
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json'], SLOW);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.json.data.digest.counts).toEqual({ create: 7, update: 0, replace: 0, delete: 0 });
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', preview.json.data.plan_id, '--json'], SLOW);
    expect(deploy.code, deploy.stderr).toBe(0);

    // prod in the same working directory: re-initialised for prod's key, never migrated
    await deployProd(p);
    expect(await stateKeys()).toEqual(['prod/app.tfstate', 'test/app.tfstate']);
    const testState = await remoteState('test/app.tfstate');
    const prodState = await remoteState('prod/app.tfstate');
    expect(testState).toContain('module.bucket["assets"].aws_s3_bucket.this[0]=rs-core-test-assets');
    expect(testState).toContain('module.table.aws_dynamodb_table.this[0]=rs-core-test-items');
    expect(testState).toContain('module.bucket["logs"].aws_s3_bucket_public_access_block.this[0]=rs-core-test-logs');
    expect(testState).toContain(`module.events.aws_sns_topic_policy.this[0]=arn:aws:sns:${MOTO_REGION}:123456789012:rs-core-test-events`);
    // two buckets with their public access blocks, the table, the topic and its policy
    expect(testState).toHaveLength(7);
    expect(prodState).toHaveLength(7);
    // neither environment sees the other's resources
    expect(testState.every((r) => r.includes('rs-core-test-'))).toBe(true);
    expect(prodState.every((r) => r.includes('rs-core-prod-'))).toBe(true);
    // the registry is built from the remote state
    expect(await registryIds(p, 'test')).toEqual(testState);
    expect(await registryIds(p, 'prod')).toEqual(prodState);
    const record = await p.readJson(path.join(p.terraformDir, '.terraform', 'faber-cloud-init.json'));
    expect(record.env).toBe('prod');

    // change: a third bucket in test only; prod's plan stays empty
    await p.editConfig((c) => {
      c.handlers.iac.terraform.var_files.test = 'test-change.tfvars';
    });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(p.terraformDir, 'test-change.tfvars'), 'project     = "rs"\nenvironment = "test"\nbuckets     = ["assets", "logs", "media"]\n');
    const change = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], SLOW);
    expect(change.code, change.stderr).toBe(0);
    expect(change.json.data.digest.counts).toEqual({ create: 2, update: 0, replace: 0, delete: 0 });
    expect(await remoteState('test/app.tfstate')).toContain('module.bucket["media"].aws_s3_bucket.this[0]=rs-core-test-media');
    expect(await remoteState('prod/app.tfstate')).toEqual(prodState);
    const prodAgain = await p.cli(['infra', 'preview', '--env', 'prod', '--json'], SLOW);
    expect(prodAgain.code, prodAgain.stderr).toBe(0);
    expect(prodAgain.json.data.digest.has_changes).toBe(false);
    expect(await registryIds(p, 'test')).toEqual(await remoteState('test/app.tfstate'));

    // destroy both
    const destroyTest = await p.cli(['infra', 'destroy', '--env', 'test', '--confirm', 'test', '--json'], SLOW);
    expect(destroyTest.code, destroyTest.stderr).toBe(0);
    expect(await remoteState('test/app.tfstate')).toEqual([]);
    expect(await remoteState('prod/app.tfstate')).toEqual(prodState);
    await deployProd(p, true);
    expect(await remoteState('prod/app.tfstate')).toEqual([]);
    expect((await p.readJson(p.artifact('prod', 'registry.json'))).resources).toEqual([]);
  }, 1_500_000);

  it('a state lock held in the backend by another run is refused with exit 3 naming its holder', async () => {
    const p = await remoteStateProject();
    const lock = { ID: '0c6f5a4e-1111-2222-3333-444455556666', Operation: 'OperationTypeApply', Info: '', Who: 'alice@build-7', Version: '1.12.6', Created: '2026-12-07T16:00:00Z', Path: `${STATE_BUCKET}/test/app.tfstate` };
    await s3().send(new PutObjectCommand({ Bucket: STATE_BUCKET, Key: 'test/app.tfstate.tflock', Body: JSON.stringify(lock) }));
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json'], SLOW);
    expect(preview.code, preview.stderr).toBe(3);
    expect(preview.json.error.code).toBe('E_LOCKED');
    expect(preview.json.error.message).toContain('alice@build-7 (apply');
    expect(preview.json.error.hint).toContain(`force-unlock ${lock.ID}`);
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], SLOW);
    expect(deploy.code, deploy.stderr).toBe(3);
    expect(deploy.json.error.message).toContain('alice@build-7');
    expect(await stateKeys()).toEqual(['test/app.tfstate.tflock']);
  }, 300_000);

  it('never migrates state: a changed backend for the same environment is refused (exit 3); a backend file outside the project is refused (exit 2)', async () => {
    const p = await remoteStateProject();
    const first = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], SLOW);
    expect(first.code, first.stderr).toBe(0);
    const { writeFile, symlink } = await import('node:fs/promises');
    const file = path.join(p.terraformDir, 'backend', 'test.hcl');
    await writeFile(file, (await readFile(file, 'utf8')).replace('test/app.tfstate', 'test/moved.tfstate'));
    const moved = await p.cli(['infra', 'preview', '--env', 'test', '--json'], SLOW);
    expect(moved.code, moved.stdout + moved.stderr).toBe(3);
    expect(moved.json.error.code).toBe('E_GUARD_STATE_MIGRATION');
    expect(await stateKeys()).toEqual(['test/app.tfstate']);

    const outside = path.join(path.dirname(p.dir), `outside-${path.basename(p.dir)}.hcl`);
    await writeFile(outside, 'key = "elsewhere"\n');
    await symlink(outside, path.join(p.terraformDir, 'backend', 'linked.hcl'));
    await p.editConfig((c) => {
      c.handlers.iac.terraform.backend_config.test = 'backend/linked.hcl';
    });
    const linked = await p.cli(['infra', 'preview', '--env', 'test', '--json'], SLOW);
    expect(linked.code).toBe(2);
    expect(linked.json.error.code).toBe('E_ARTIFACT_UNSAFE_PATH');
  }, 300_000);
});
