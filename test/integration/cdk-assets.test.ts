import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { unzipSync } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { MOTO_ACCOUNT_ID, MOTO_REGION, createProfileUsers, disableIamEnforcement, enableIamEnforcement, resetMoto } from '../support/moto.js';
import { CDK_FIXTURES, compileCdkApp, createProject, historyLines } from '../support/project.js';

/**
 * A CDK app whose Lambda function's code is an asset directory (issue 18): preview lists what
 * a deploy would publish and uploads nothing; deploy publishes the zipped directory to the
 * bootstrap bucket before the change set runs, and the function exists; a later deploy finds
 * the object there and uploads nothing; without the bootstrap bucket the deploy is refused
 * before anything runs. Through the built CLI against moto; the bucket is created here, as
 * `cdk bootstrap` would.
 */

const BUCKET = `cdk-hnb659fds-assets-${MOTO_ACCOUNT_ID}-${MOTO_REGION}`;
const config = () => ({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials: { accessKeyId: 'admin', secretAccessKey: 'admin' } });
const s3 = () => new S3Client({ ...config(), forcePathStyle: true });

async function objects(): Promise<{ key: string; modified: string }[]> {
  const out = await s3().send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (out.Contents ?? []).map((o) => ({ key: o.Key!, modified: o.LastModified!.toISOString() }));
}

const create = () => createProject('lambda-app', { project: 'assets', iac: 'cdk' });

describe('CDK file assets through the cdk handler', () => {
  beforeEach(resetMoto);

  it('preview lists the asset, deploy publishes it before the change set, a later deploy uploads nothing', async () => {
    const p = await create();
    await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));

    // preview: the asset is listed (progress and the plan record), nothing is uploaded
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json']);
    expect(preview.code, preview.stderr).toBe(0);
    const planId: string = preview.json.data.plan_id;
    const record = await p.readJson(p.artifact('test', `plans/${planId}.json`));
    expect(record.plan.assets).toHaveLength(1);
    const asset = record.plan.assets[0];
    expect(asset).toEqual({ name: 'Worker/Code', id: expect.stringMatching(/^[0-9a-f]{64}$/), packaging: 'zip', bucket: BUCKET, key: `${asset.id}.zip`, state: 'to-publish' });
    expect(preview.stderr).toContain(`asset Worker/Code (directory, zipped) → s3://${BUCKET}/${asset.key}: the deploy will publish it`);
    expect(await objects()).toEqual([]);

    // deploy: published, then the change set runs; the function exists with that code
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', planId, '--json']);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stderr).toMatch(new RegExp(`asset Worker/Code \\(directory, zipped\\): published to s3://${BUCKET}/${asset.key} \\(\\d+ bytes\\)`));
    const published = await objects();
    expect(published.map((o) => o.key)).toEqual([asset.key]);
    const body = await (await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: asset.key }))).Body!.transformToByteArray();
    const files = unzipSync(body);
    expect(Object.keys(files)).toEqual(['index.js']);
    expect(Buffer.from(files['index.js']!).toString('utf8')).toBe(await readFile(path.join(CDK_FIXTURES, 'lambda-app', 'handler', 'index.js'), 'utf8'));
    // moto makes a function from a missing object too (code size 0): its code hash proves it read the published zip
    const lambda = new LambdaClient(config());
    // (seen once in a whole-suite run: the function missing after a deploy that exited 0; say what moto and the deploy had)
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: 'assets-core-test-worker' })).catch(async (error: Error) => {
      const listed = await lambda.send(new ListFunctionsCommand({})).then((o) => (o.Functions ?? []).map((f) => f.FunctionArn), (e: Error) => e.message);
      throw new Error(`${error.message}; moto's functions: ${JSON.stringify(listed)}; stack state: ${JSON.stringify(await p.state('test'))}; deploy said:\n${deploy.stderr}`);
    });
    expect(fn.Configuration?.Handler).toBe('index.handler');
    expect(fn.Configuration?.CodeSha256).toBe(createHash('sha256').update(body).digest('base64'));
    expect((await p.state('test')).map((r) => r.address)).toContain(await workerLogicalId(p.terraformDir));
    const registry = await p.readJson(p.artifact('test', 'registry.json'));
    expect(registry.resources.find((r: any) => r.type === 'AWS::Lambda::Function')).toMatchObject({
      id: 'assets-core-test-worker',
      arn: `arn:aws:lambda:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:function:assets-core-test-worker`,
      console_url: expect.stringMatching(/^https:\/\//),
    });

    // a change elsewhere in the stack: the asset is found in the bucket and not uploaded again
    const app = path.join(p.terraformDir, 'app.ts');
    const source = await readFile(app, 'utf8');
    const edited = source.replace('removalPolicy: RemovalPolicy.DESTROY });', 'removalPolicy: RemovalPolicy.DESTROY, versioned: true });');
    expect(edited).not.toBe(source);
    await writeFile(app, edited);
    await compileCdkApp(p.terraformDir);
    const again = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.data.digest.counts.update).toBeGreaterThanOrEqual(1);
    expect(again.stderr).toContain(`asset Worker/Code (directory, zipped): already in s3://${BUCKET}/${asset.key}`);
    expect(again.stderr).not.toContain('published to s3://');
    expect(await objects()).toEqual(published);
    expect((await historyLines(p, 'test')).map((l) => l.outcome)).toEqual(['success', 'success']);
  }, 600_000);

  it('refuses the deploy when the bootstrap bucket does not exist: exit 2, the hint, nothing executed', async () => {
    const p = await create();
    // the preview still works and says what the deploy will need
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stderr).toContain(`the CDK bootstrap bucket ${BUCKET} does not exist`);
    const planId: string = preview.json.data.plan_id;
    expect((await p.readJson(p.artifact('test', `plans/${planId}.json`))).plan.assets[0].state).toBe('unknown');

    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', planId, '--json']);
    expect(deploy.code, deploy.stderr).toBe(2);
    expect(deploy.json.error.code).toBe('E_CONFIG_CDK_NOT_BOOTSTRAPPED');
    expect(deploy.json.error.message).toContain(`the CDK bootstrap bucket ${BUCKET} does not exist in account ${MOTO_ACCOUNT_ID} (${MOTO_REGION})`);
    expect(deploy.json.error.hint).toContain(`cdk bootstrap aws://${MOTO_ACCOUNT_ID}/${MOTO_REGION}`);
    // the change set was not executed: the stack holds nothing and no function exists
    expect(await p.state('test')).toEqual([]);
    await expect(new LambdaClient(config()).send(new GetFunctionCommand({ FunctionName: 'assets-core-test-worker' }))).rejects.toThrow(/not found|ResourceNotFound/i);
  }, 600_000);

  it("refuses a plan previewed before the function's code changed: the assets on disk are not the ones its change set names", async () => {
    const p = await create();
    await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json']);
    expect(preview.code, preview.stderr).toBe(0);
    await writeFile(path.join(p.terraformDir, 'handler', 'index.js'), "exports.handler = async () => ({ statusCode: 200, body: 'changed' });\n");
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', preview.json.data.plan_id, '--json']);
    expect(deploy.code, deploy.stderr).toBe(3);
    expect(deploy.json.error.code).toBe('E_GUARD_PLAN_STALE');
    expect(deploy.json.error.message).toContain('nothing was published or executed');
    expect(await objects()).toEqual([]);
    expect(await p.state('test')).toEqual([]);
  }, 600_000);

  it('with IAM enforcement on, a refused upload is read as a denial of s3:PutObject; the shared bootstrap bucket is left to a person, nothing executed', async () => {
    const p = await create();
    await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
    // preflight_grants off: this is about the auto-fix round meeting the upload's denial (the
    // preflight would grant the stack's own resource actions first, which is not the point here).
    await p.editConfig((c) => {
      c.permissions = { ...c.permissions, grant_unstated_reason: true, propagation_wait_seconds: 0, preflight_grants: false };
    });
    await createProfileUsers([
      { profile: 'assets-discover-deploy', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'sts:GetCallerIdentity'], Resource: '*' }] } },
      {
        profile: 'assets-test-deploy',
        policy: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['sts:GetCallerIdentity', 'cloudformation:*'], Resource: '*' },
            // may look into the bootstrap bucket, may not write to it
            { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: `arn:aws:s3:::${BUCKET}` },
          ],
        },
      },
    ]);
    await enableIamEnforcement();

    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(deploy.code, deploy.stderr).toBe(4);
    expect(deploy.json.error.code).toBe('E_PERMISSION_NEEDS_HUMAN');
    expect(deploy.stderr).toContain('auto-fix round 1: s3:PutObject');
    expect(JSON.stringify(deploy.json.error)).toMatch(new RegExp(`s3:PutObject on arn:aws:s3:::${BUCKET}/[0-9a-f]{64}\\.zip is outside environment test's scope`));
    const audit = await p.cli(['permissions', 'audit', '--env', 'test', '--json']);
    expect(audit.json.data.entries.filter((e: any) => e.status === 'granted')).toEqual([]);
    expect(audit.json.data.entries.filter((e: any) => e.status === 'refused').flatMap((e: any) => e.actions)).toContain('s3:PutObject');
    expect((await historyLines(p)).at(-1)).toMatchObject({ operation: 'deploy', outcome: 'failed', auto_fix_rounds: 1 });

    await disableIamEnforcement();
    expect(await objects()).toEqual([]);
    expect(await p.state('test')).toEqual([]);
  }, 600_000);
});

/** The function's logical id, from the synthesised template (read here, not through src/). */
async function workerLogicalId(appDir: string): Promise<string> {
  const template = JSON.parse(await readFile(path.join(appDir, 'cdk.out', 'test', 'App.template.json'), 'utf8'));
  const ids = Object.entries(template.Resources as Record<string, { Type: string }>).filter(([, r]) => r.Type === 'AWS::Lambda::Function').map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0]!;
}
