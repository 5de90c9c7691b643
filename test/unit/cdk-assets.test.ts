import { mkdir, symlink, utimes, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { resolvePlaceholders, resolveUploads, stackAssets, type FileAsset } from '../../src/handlers/iac/cdk/assembly.js';
import { assetBody, deterministicZip, directoryEntries } from '../../src/handlers/iac/cdk/package.js';
import { failureSummary } from '../../src/handlers/hosting/aws/asset-bucket.js';
import { call } from '../../src/handlers/hosting/aws/errors.js';
import { parseDenials, type Denial } from '../../src/handlers/hosting/aws/denials.js';
import { ProviderCallError } from '../../src/handlers/hosting/failures.js';
import { planGrant } from '../../src/permissions/grant-plan.js';
import { tempDir } from '../support/cli.js';
import { ACCOUNT, CTX } from '../support/grant-context.js';

/** The asset manifest aws-cdk-lib 2.278 writes for a stack with one Lambda function (lambda.Code.fromAsset of a directory). */
const HASH = '71967241d77ac124ba0a65d478097f678a6d78f7593cfb8daa65187d2efd9cb3';
const ROLE = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-file-publishing-role-${AWS::AccountId}-${AWS::Region}';
const MANIFEST = {
  version: '55.0.0',
  files: {
    [HASH]: {
      displayName: 'Fn/Code',
      source: { path: `asset.${HASH}`, packaging: 'zip' },
      destinations: { 'current_account-current_region-2a0ba909': { bucketName: 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}', objectKey: `${HASH}.zip`, assumeRoleArn: ROLE } },
    },
    '2a869f': {
      displayName: 'App Template',
      source: { path: 'App.template.json', packaging: 'file' },
      destinations: { d: { bucketName: 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}', objectKey: '2a869f.json', assumeRoleArn: ROLE } },
    },
  },
  dockerImages: {},
};
const SCOPE = { accountId: ACCOUNT, region: 'us-east-1', partition: 'aws' };

describe('CDK asset manifests', () => {
  it('lists the file assets a stack needs, leaving out its template (sent inline)', () => {
    expect(stackAssets('App.template.json', [{ file: 'App.assets.json', json: MANIFEST }])).toEqual({
      files: [{ id: HASH, name: 'Fn/Code', path: `asset.${HASH}`, packaging: 'zip', destinations: [{ bucketName: 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}', objectKey: `${HASH}.zip`, assumeRoleArn: ROLE }] }],
      images: [],
    });
    expect(stackAssets('App.template.json', [])).toEqual({ files: [], images: [] });
  });

  it('names Docker image assets and refuses what it cannot publish', () => {
    const images = { ...MANIFEST, dockerImages: { abc: { displayName: 'Svc/Image' }, def: {} } };
    expect(stackAssets('App.template.json', [{ file: 'App.assets.json', json: images }])).toMatchObject({ images: ['Svc/Image', 'def'] });
    const withSource = (source: unknown) => ({ files: { h: { displayName: 'X', source, destinations: {} } } });
    expect(stackAssets('t', [{ file: 'a.json', json: withSource({ executable: ['make'] }) }])).toMatch(/asset X is built by a command/);
    expect(stackAssets('t', [{ file: 'a.json', json: withSource({ path: 'p', packaging: 'tar' }) }])).toMatch(/packaging "tar"/);
    expect(stackAssets('t', [{ file: 'a.json', json: withSource({}) }])).toMatch(/asset X has no source path/);
    expect(stackAssets('t', [{ file: 'a.json', json: { files: { h: { source: { path: 'p' }, destinations: { d: { bucketName: 'b' } } } } } }])).toMatch(/destination d of asset h lacks a bucket or object key/);
  });

  it('resolves the placeholders to the deploy identity and the environment region, a destination region first', () => {
    expect(resolvePlaceholders('arn:${AWS::Partition}:s3:::cdk-${AWS::AccountId}-${AWS::Region}', { accountId: '111122223333', region: 'eu-west-1', partition: 'aws-cn' })).toBe('arn:aws-cn:s3:::cdk-111122223333-eu-west-1');
    const asset = (stackAssets('App.template.json', [{ file: 'App.assets.json', json: MANIFEST }]) as { files: FileAsset[] }).files[0]!;
    expect(resolveUploads([asset], SCOPE)).toEqual([{ asset, bucket: `cdk-hnb659fds-assets-${ACCOUNT}-us-east-1`, key: `${HASH}.zip`, region: 'us-east-1', account: ACCOUNT }]);
    const pinned: FileAsset = { ...asset, destinations: [{ bucketName: 'cdk-hnb659fds-assets-444455556666-${AWS::Region}', objectKey: 'k.zip', region: 'eu-west-1', assumeRoleArn: 'arn:${AWS::Partition}:iam::444455556666:role/r' }] };
    expect(resolveUploads([pinned], SCOPE)).toEqual([{ asset: pinned, bucket: 'cdk-hnb659fds-assets-444455556666-eu-west-1', key: 'k.zip', region: 'eu-west-1', account: '444455556666' }]);
  });
});

describe('asset packaging', () => {
  it('zips the same entries to the same bytes, whatever their order', () => {
    const a = { name: 'a.js', data: Buffer.from('a') };
    const b = { name: 'lib/b.js', data: Buffer.from('b'.repeat(1000)) };
    const zip = deterministicZip([a, { name: 'lib/' }, b]);
    expect(deterministicZip([b, a, { name: 'lib/' }]).equals(zip)).toBe(true);
    expect(Object.keys(unzipSync(zip))).toEqual(['a.js', 'lib/', 'lib/b.js']);
    expect(deterministicZip([a, { name: 'lib/' }, { ...b, data: Buffer.from('c') }]).equals(zip)).toBe(false);
  });

  it('zips a directory to the same bytes after its files were touched, keeping the executable bit', async () => {
    const dir = await tempDir('faber-asset-');
    await mkdir(path.join(dir, 'lib'));
    await writeFile(path.join(dir, 'index.js'), 'exports.handler = 1;\n');
    await writeFile(path.join(dir, 'lib', 'util.js'), 'module.exports = 2;\n');
    await writeFile(path.join(dir, 'bootstrap'), '#!/bin/sh\n');
    await chmod(path.join(dir, 'bootstrap'), 0o755);
    const first = await assetBody(dir, 'zip');
    await utimes(path.join(dir, 'index.js'), new Date(2030, 1, 1), new Date(2030, 1, 1));
    const second = await assetBody(dir, 'zip');
    expect(second.body.equals(first.body)).toBe(true);
    expect(first.contentType).toBe('application/zip');
    const files = unzipSync(first.body);
    expect(Object.keys(files)).toEqual(['bootstrap', 'index.js', 'lib/', 'lib/util.js']);
    expect(Buffer.from(files['index.js']!).toString()).toBe('exports.handler = 1;\n');
    // External attributes (central directory, offset 38): Unix mode in the high 16 bits.
    expect(modes(first.body)).toEqual({ bootstrap: 0o100755, 'index.js': 0o100644, 'lib/': 0o40755, 'lib/util.js': 0o100644 });
  });

  it('uploads a file as it is, and refuses a packaging that does not fit the source', async () => {
    const dir = await tempDir('faber-asset-');
    await writeFile(path.join(dir, 'data.json'), '{"a":1}');
    expect(await assetBody(path.join(dir, 'data.json'), 'file')).toEqual({ body: Buffer.from('{"a":1}'), contentType: 'application/json' });
    await expect(assetBody(path.join(dir, 'data.json'), 'zip')).rejects.toThrow(/data.json is not a directory/);
    await expect(assetBody(dir, 'file')).rejects.toThrow(/is not a file/);
  });

  it('follows links inside the directory and refuses one back to a directory it is in', async () => {
    const dir = await tempDir('faber-asset-');
    await mkdir(path.join(dir, 'real'));
    await writeFile(path.join(dir, 'real', 'x.txt'), 'x');
    await symlink(path.join(dir, 'real', 'x.txt'), path.join(dir, 'link.txt'));
    expect((await directoryEntries(dir)).map((e) => e.name)).toEqual(['link.txt', 'real/', 'real/x.txt']);
    await symlink(dir, path.join(dir, 'real', 'loop'));
    await expect(directoryEntries(dir)).rejects.toThrow(/links back to a directory/);
  });
});

/** Each entry's Unix mode, from the zip's central directory. */
function modes(zip: Buffer): Record<string, number> {
  const out: Record<string, number> = {};
  let at = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(at + 10);
  at = zip.readUInt32LE(at + 16);
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString();
    out[name] = zip.readUInt32LE(at + 38) >>> 16;
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

/** A refused bucket call, as the deploy's denial handling reads it (the apply diagnostics' JSON lines). */
async function deniedSummary(error: object, action: string, resource: string): Promise<string> {
  const thrown = await call(action, () => Promise.reject(Object.assign(new Error((error as { message: string }).message), error)), { region: 'us-east-1', resource }).catch((e: unknown) => e);
  expect(thrown).toBeInstanceOf(ProviderCallError);
  return failureSummary(thrown as ProviderCallError);
}

const asApplyDiagnostic = (summary: string) => JSON.stringify({ '@level': 'error', type: 'diagnostic', diagnostic: { severity: 'error', summary, detail: '' } });
const BUCKET_ARN = `arn:aws:s3:::cdk-hnb659fds-assets-${ACCOUNT}-us-east-1`;

describe('a refused publish is a denial', () => {
  it("reads S3's bare Access Denied (moto's too) as s3:PutObject on the object", async () => {
    const summary = await deniedSummary({ name: 'AccessDenied', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }, 's3:PutObject', `${BUCKET_ARN}/${HASH}.zip`);
    const parsed = parseDenials(asApplyDiagnostic(summary), { region: 'us-east-1', accountId: ACCOUNT, partition: 'aws' });
    expect(parsed).toEqual([expect.objectContaining({ kind: 'denial', action: 's3:PutObject', resourceArn: `${BUCKET_ARN}/${HASH}.zip` })]);
  });

  it("keeps AWS's own sentence, reason included, and the grant planner will not grant on the shared bootstrap bucket", async () => {
    const message = `User: arn:aws:iam::${ACCOUNT}:user/myapp-test-deploy is not authorized to perform: s3:ListBucket on resource: "${BUCKET_ARN}" because no identity-based policy allows the s3:ListBucket action`;
    const summary = await deniedSummary({ name: 'AccessDenied', message, $metadata: { httpStatusCode: 403 } }, 's3:ListBucket', BUCKET_ARN);
    expect(summary).toContain(message);
    const parsed = parseDenials(asApplyDiagnostic(summary), { region: 'us-east-1', accountId: ACCOUNT, partition: 'aws' });
    expect(parsed).toEqual([expect.objectContaining({ kind: 'denial', action: 's3:ListBucket', resourceArn: BUCKET_ARN, reason: 'no-identity-policy' })]);
    // Every CDK app of the account shares the bucket: outside the environment's names, so a person grants it.
    const plan = await planGrant(parsed as Denial[], CTX);
    expect(plan.grantable).toEqual([]);
    expect(plan.refused).toEqual([expect.objectContaining({ message: expect.stringMatching(/s3:ListBucket.*outside environment test's scope/) })]);
  });

  it('says which call failed for anything else', async () => {
    const summary = await deniedSummary({ name: 'SlowDown', message: 'Please reduce your request rate.', $metadata: { httpStatusCode: 503 } }, 's3:PutObject', `${BUCKET_ARN}/k`);
    expect(summary).toBe(`s3:PutObject on ${BUCKET_ARN}/k: SlowDown: Please reduce your request rate.`);
    expect(parseDenials(asApplyDiagnostic(summary)).filter((p) => p.kind === 'denial')).toEqual([]);
  });
});
