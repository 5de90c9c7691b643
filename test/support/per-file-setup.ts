import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { MOTO_REGION, resetMoto, writeProfiles } from './moto.js';

/**
 * Runs in the worker before each test file: points the AWS SDK, the CLI and the IaC
 * tool at this worker's moto server, with fresh, empty moto state and throwaway
 * AWS config/credentials files (never the developer's real ones).
 */
const endpoints = inject('motoEndpoints');
const slot = Number(process.env.VITEST_POOL_ID ?? '1');
const endpoint = endpoints[(slot - 1) % endpoints.length];
if (!endpoint) throw new Error('no moto endpoint provided by the global setup');

let awsDir = '';

beforeAll(async () => {
  awsDir = await mkdtemp(path.join(tmpdir(), 'faber-aws-'));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_CONFIG_FILE: path.join(awsDir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(awsDir, 'credentials'),
    AWS_REGION: MOTO_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE']) {
    delete process.env[name];
  }
  await writeProfiles([]);
  await resetMoto();
});

afterAll(async () => {
  if (awsDir) await rm(awsDir, { recursive: true, force: true });
});
