import { writeFile } from 'node:fs/promises';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { motoCommand, startMoto as startMotoServer } from '../../scripts/moto-server.mjs';
import type { TestTools } from './tools.js';

/**
 * A real moto server on 127.0.0.1 for the tests: started by the global setup (one per
 * vitest worker, so files running in parallel never share state), reset before every
 * test file, with helpers for IAM enforcement and profile users.
 */

export const MOTO_ACCOUNT_ID = '123456789012';
export const MOTO_REGION = 'us-east-1';

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts moto on 127.0.0.1 on a port it picks and reports (scripts/moto-server.mjs, shared with
 * the demo): under the scoped launcher, so IAM enforcement evaluates real resource ARNs as AWS
 * does, unless `scoped: false` (moto as it ships, for tests that show the difference) or
 * FABER_MOTO_SCOPED=0 in the environment (to compare a run against moto as it ships).
 */
export async function startMoto(tools: TestTools, { scoped = process.env.FABER_MOTO_SCOPED !== '0' } = {}): Promise<MotoServer> {
  const { endpoint, stop } = await startMotoServer(motoCommand(tools, { scoped }), { env: { ...process.env, MOTO_ACCOUNT_ID }, version: tools.moto_version });
  return { endpoint, stop };
}

function endpoint(): string {
  const url = process.env.AWS_ENDPOINT_URL;
  if (!url) throw new Error('AWS_ENDPOINT_URL is not set: is test/support/per-file-setup.ts in setupFiles?');
  return url;
}

async function motoApi(route: string, body?: string): Promise<void> {
  const res = await fetch(`${endpoint()}/moto-api/${route}`, { method: 'POST', body: body ?? '' });
  if (!res.ok) throw new Error(`moto ${route}: HTTP ${res.status} ${await res.text()}`);
}

/**
 * Forget every resource, turn IAM enforcement off and put moto's configuration back to its
 * defaults. `reset` keeps the configuration, and it leaks: with Lambda's `use_docker` off (a
 * test that invokes functions sets it), the Lambda API reads another backend than the one
 * CloudFormation creates functions in, so a stack's function is missing from GetFunction.
 */
export async function resetMoto(): Promise<void> {
  await motoApi('reset');
  await motoApi('reset-auth', 'inf');
  await motoApi('config', JSON.stringify({ lambda: { use_docker: true } }));
}

/** From now on moto checks IAM policies like AWS: unknown or unprivileged keys get AccessDenied. */
export async function enableIamEnforcement(): Promise<void> {
  await motoApi('reset-auth', '0');
}

export async function disableIamEnforcement(): Promise<void> {
  await motoApi('reset-auth', 'inf');
}

export interface ProfileUser {
  profile: string;
  userName: string;
  accessKeyId: string;
  secretAccessKey: string;
  arn: string;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: { Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource: string | string[] }[];
}

/**
 * Create one IAM user per profile (with an access key and an optional inline policy) and
 * write them as named profiles into this file's AWS_SHARED_CREDENTIALS_FILE and
 * AWS_CONFIG_FILE. Run it before enableIamEnforcement(): moto accepts any key until then.
 */
export async function createProfileUsers(users: { profile: string; policy?: PolicyDocument }[]): Promise<ProfileUser[]> {
  const iam = new IAMClient({ region: MOTO_REGION, endpoint: endpoint(), credentials: { accessKeyId: 'setup', secretAccessKey: 'setup' } });
  const created: ProfileUser[] = [];
  for (const { profile, policy } of users) {
    const user = await iam.send(new CreateUserCommand({ UserName: profile }));
    if (policy) {
      await iam.send(new PutUserPolicyCommand({ UserName: profile, PolicyName: `${profile}-test-policy`, PolicyDocument: JSON.stringify(policy) }));
    }
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: profile }));
    created.push({
      profile,
      userName: profile,
      accessKeyId: key.AccessKey!.AccessKeyId!,
      secretAccessKey: key.AccessKey!.SecretAccessKey!,
      arn: user.User!.Arn!,
    });
  }
  await writeProfiles(created);
  return created;
}

/** A profile user's keys as SDK credentials (for a test's own client acting as that user). */
export const credentialsOf = (u: ProfileUser) => ({ accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey });

/**
 * The permission manager's world: the discover profile may manage IAM, the deploy profiles may
 * only ask who they are, and an admin inspects what was granted. By profile name.
 */
export async function createGrantProfileUsers(): Promise<Record<string, ProfileUser>> {
  const whoAmIOnly: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }] };
  const created = await createProfileUsers([
    { profile: 'life-discover-deploy', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'sts:GetCallerIdentity'], Resource: '*' }] } },
    { profile: 'life-test-deploy', policy: whoAmIOnly },
    { profile: 'life-prod-deploy', policy: whoAmIOnly },
    { profile: 'life-admin', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
  ]);
  return Object.fromEntries(created.map((u) => [u.profile, u]));
}

/** Named profiles with static keys (any key works while enforcement is off). */
export async function writeProfiles(profiles: { profile: string; accessKeyId: string; secretAccessKey: string }[]): Promise<void> {
  const credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE;
  const configFile = process.env.AWS_CONFIG_FILE;
  if (!credentialsFile || !configFile) throw new Error('AWS_SHARED_CREDENTIALS_FILE/AWS_CONFIG_FILE unset: per-file setup missing');
  const all = [{ profile: 'default', accessKeyId: 'testing', secretAccessKey: 'testing' }, ...profiles];
  await writeFile(credentialsFile, all.map((p) => `[${p.profile}]\naws_access_key_id = ${p.accessKeyId}\naws_secret_access_key = ${p.secretAccessKey}\n`).join('\n'));
  await writeFile(
    configFile,
    all.map((p) => `[${p.profile === 'default' ? 'default' : `profile ${p.profile}`}]\nregion = ${MOTO_REGION}\n`).join('\n'),
  );
}

/** The three profiles `init --project NAME` configures, with keys moto accepts. */
export function defaultProfiles(project: string) {
  return ['discover', 'test', 'prod'].map((role) => ({
    profile: `${project}-${role}-deploy`,
    accessKeyId: `AKIA${role.toUpperCase()}TEST`,
    secretAccessKey: `${role}-secret`,
  }));
}
