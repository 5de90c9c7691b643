import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreatePolicyCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { IacRunner, resolveIacBinary } from '../../src/handlers/iac/terraform/runner.js';
import { tempDir } from '../support/cli.js';
import { MOTO_ACCOUNT_ID, MOTO_REGION, createProfileUsers, disableIamEnforcement, enableIamEnforcement } from '../support/moto.js';
import { iacEnv, testTools } from '../support/tools.js';

/** The test environment itself: a real moto server and a real IaC binary with mirrored providers. */

const endpoint = () => process.env.AWS_ENDPOINT_URL!;

describe('moto server', () => {
  it('is a real moto on loopback, empty at the start of every test file', async () => {
    expect(endpoint()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const iam = new IAMClient({ region: MOTO_REGION, endpoint: endpoint(), credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    expect((await iam.send(new ListUsersCommand({}))).Users ?? []).toEqual([]);
    const sts = new STSClient({ region: MOTO_REGION, endpoint: endpoint(), credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(MOTO_ACCOUNT_ID);
  });

  it('enforces IAM policies once enforcement is on, for users created per profile', async () => {
    const [reader] = await createProfileUsers([
      { profile: 'envtest-test-deploy', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }] } },
    ]);
    await enableIamEnforcement();
    try {
      // The keys of the profile's user (this process's SDK caches the shared files it read
      // earlier; the CLI under test reads them fresh in its own process).
      const credentials = { accessKeyId: reader!.accessKeyId, secretAccessKey: reader!.secretAccessKey };
      const sts = new STSClient({ region: MOTO_REGION, endpoint: endpoint(), credentials });
      const me = await sts.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe(reader!.arn);
      expect(me.Arn).toBe(`arn:aws:iam::${MOTO_ACCOUNT_ID}:user/envtest-test-deploy`);

      const iam = new IAMClient({ region: MOTO_REGION, endpoint: endpoint(), credentials });
      const denied = await iam
        .send(new CreatePolicyCommand({ PolicyName: 'x', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }))
        .then(() => undefined, (e: Error) => e);
      expect(denied?.name).toBe('AccessDenied');
      expect(denied?.message).toContain(`${reader!.arn} is not authorized to perform: iam:CreatePolicy`);

      const stranger = new STSClient({ region: MOTO_REGION, endpoint: endpoint(), credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' } });
      const rejected = await stranger.send(new GetCallerIdentityCommand({})).then(() => undefined, (e: Error) => e);
      expect(rejected?.name).toBe('InvalidClientTokenId');
    } finally {
      await disableIamEnforcement();
    }
  });
});

describe('IaC binary and provider mirror', () => {
  it('runs the pinned binary built by setup-test-tools', async () => {
    const tools = testTools();
    const binary = await resolveIacBinary('auto', { ...process.env, ...iacEnv() });
    expect(binary).toEqual({ path: tools.iac_binary, kind: tools.iac_kind, version: tools.iac_version });
  });

  it('inits, plans and applies with mirrored providers through the execa wrapper', async () => {
    const dir = await tempDir('faber-iac-');
    await writeFile(
      path.join(dir, 'main.tf'),
      `terraform {
  required_providers {
    random = { source = "hashicorp/random" }
    local  = { source = "hashicorp/local" }
  }
}
resource "random_pet" "name" { length = 2 }
resource "local_file" "note" {
  filename = "\${path.module}/out/note.txt"
  content  = random_pet.name.id
}
output "pet" { value = random_pet.name.id }
`,
    );
    const env = { ...process.env, ...iacEnv() };
    const runner = new IacRunner(await resolveIacBinary('auto', env), { cwd: dir, env });
    await runner.run(['init']);
    const plan = await runner.run(['plan', '-out=tfplan']);
    expect(plan.stdout).toContain('2 to add');
    const events: { type?: string }[] = [];
    await runner.run(['apply', '-json', 'tfplan'], { onLine: (line) => line.startsWith('{') && events.push(JSON.parse(line)) });
    expect(events.filter((e) => e.type === 'apply_complete')).toHaveLength(2);
    const state = (await runner.showJson()) as { values: { outputs: { pet: { value: string } } } };
    const pet = state.values.outputs.pet.value;
    expect(pet).toMatch(/^[a-z]+-[a-z]+$/);
    expect(await readFile(path.join(dir, 'out', 'note.txt'), 'utf8')).toBe(pet);
  });

  it('never reaches a registry: a provider missing from the mirror fails to install', async () => {
    const dir = await tempDir('faber-iac-');
    await writeFile(path.join(dir, 'main.tf'), 'terraform {\n  required_providers {\n    tls = { source = "hashicorp/tls" }\n  }\n}\n');
    const env = { ...process.env, ...iacEnv() };
    const runner = new IacRunner(await resolveIacBinary('auto', env), { cwd: dir, env });
    const result = await runner.run(['init'], { okExitCodes: [1] });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/hashicorp\/tls/);
  });
});
