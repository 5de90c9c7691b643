import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { MOTO_ACCOUNT_ID, MOTO_REGION, createProfileUsers, credentialsOf, disableIamEnforcement, enableIamEnforcement, resetMoto, type ProfileUser } from '../support/moto.js';
import { createProject, historyLines, type TestProject } from '../support/project.js';

/**
 * A CloudFormation deploy and destroy whose identity may read and plan its stack but not change
 * it go through the same auto-fix round and audit as a Terraform one (issue 18): the denied
 * ExecuteChangeSet (DeleteStack) is parsed, the permission manager grants it scoped to the
 * environment's stacks, a fresh change set (destroy preview) is made and applied, and the run
 * succeeds. moto evaluates CloudFormation calls on the stack's ARN under the scoped launcher
 * (scripts/moto-scoped-server.py; moto alone uses `*`, where a scoped grant never satisfies it).
 */

const POLICY_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:policy/life-test-faber-cloud-deploy`;
const STACK_PATTERN = `arn:aws:cloudformation:us-east-1:${MOTO_ACCOUNT_ID}:stack/life-core-test-*/*`;

async function grantedStatements(discover: ProfileUser): Promise<[string[], string[]][]> {
  const iam = new IAMClient({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials: credentialsOf(discover) });
  const version = (await iam.send(new GetPolicyCommand({ PolicyArn: POLICY_ARN }))).Policy!.DefaultVersionId!;
  const text = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: POLICY_ARN, VersionId: version }))).PolicyVersion!.Document!;
  const document = JSON.parse(text.startsWith('%') ? decodeURIComponent(text) : text);
  return document.Statement.map((s: any) => [[s.Action].flat(), [s.Resource].flat()]);
}

async function registryAsState(p: TestProject) {
  const registry = await p.readJson(p.artifact('test', 'registry.json')).catch(() => ({ resources: [] }));
  return registry.resources.map((r: any) => ({ address: r.address, id: r.id })).sort((a: any, b: any) => a.address.localeCompare(b.address));
}

describe('a CloudFormation deploy with IAM enforcement on', () => {
  beforeEach(resetMoto);

  it('grants ExecuteChangeSet, then DeleteStack, scoped to the stack pattern and audited; deploy and destroy succeed', async () => {
    const p = await createProject('app', { iac: 'cloudformation' });
    // preflight_grants off: this tests the auto-fix loop, the safety net behind the preflight (which
    // predicts ExecuteChangeSet; test/integration/cloudformation-neutral.test.ts deploys with it, 0 rounds).
    await p.editConfig((c) => {
      c.permissions = { ...c.permissions, grant_unstated_reason: true, propagation_wait_seconds: 0, preflight_grants: false };
    });
    const users = Object.fromEntries(
      (
        await createProfileUsers([
          { profile: 'life-discover-deploy', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'sts:GetCallerIdentity'], Resource: '*' }] } },
          {
            // Reads and plans its own stacks only; nothing that changes one.
            profile: 'life-test-deploy',
            policy: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['sts:GetCallerIdentity', 'cloudformation:ValidateTemplate', 'cloudformation:ListStacks'], Resource: '*' },
                {
                  Effect: 'Allow',
                  Action: ['cloudformation:Describe*', 'cloudformation:List*', 'cloudformation:Get*', 'cloudformation:CreateChangeSet', 'cloudformation:DeleteChangeSet'],
                  Resource: STACK_PATTERN,
                },
              ],
            },
          },
        ])
      ).map((u) => [u.profile, u]),
    );
    await enableIamEnforcement();

    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], { timeoutMs: 240_000 });
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stderr).toContain('auto-fix round 1: cloudformation:ExecuteChangeSet');
    expect(deploy.stderr).toContain(`granting cloudformation:ExecuteChangeSet on ${STACK_PATTERN}`);
    expect(deploy.json.data.auto_fix).toEqual({ rounds: 1, granted: ['cloudformation:ExecuteChangeSet'] });
    // Two change sets: the one denied, and the fresh one previewed after the grant and executed.
    const applied = [...deploy.stderr.matchAll(/applying plan ([0-9a-f]{12})/g)].map((m) => m[1]);
    expect(applied).toHaveLength(2);
    expect(applied[0]).not.toBe(applied[1]);
    expect(await grantedStatements(users['life-discover-deploy']!)).toEqual([[['cloudformation:ExecuteChangeSet'], [STACK_PATTERN]]]);
    expect((await historyLines(p)).at(-1)).toMatchObject({ operation: 'deploy', outcome: 'success', auto_fix_rounds: 1, plan_id: applied[1] });

    await disableIamEnforcement(); // the test's own read of the stack uses no profile user
    const deployed = await p.state('test');
    expect(deployed.map((r) => r.address)).toEqual(['Data', 'Events', 'Items', 'Worker']);
    expect(await registryAsState(p)).toEqual(deployed);
    await enableIamEnforcement();

    // The destroy: its preview needs nothing new; DeleteStack is denied, granted, and a fresh
    // destroy preview is applied.
    const destroyPreview = await p.cli(['infra', 'preview', '--env', 'test', '--destroy', '--json']);
    expect(destroyPreview.code, destroyPreview.stderr).toBe(0);
    const destroy = await p.cli(['infra', 'destroy', '--env', 'test', '--plan', destroyPreview.json.data.plan_id, '--confirm', 'test', '--json'], { timeoutMs: 240_000 });
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(destroy.stderr).toContain('auto-fix round 1: cloudformation:DeleteStack');
    expect(destroy.json.data.auto_fix).toEqual({ rounds: 1, granted: ['cloudformation:DeleteStack'] });
    expect(await grantedStatements(users['life-discover-deploy']!)).toEqual([[['cloudformation:DeleteStack', 'cloudformation:ExecuteChangeSet'], [STACK_PATTERN]]]);

    // Audited like a Terraform run: one auto-fix entry per grant, and the history of both runs.
    const audit = await p.cli(['permissions', 'audit', '--env', 'test', '--json']);
    const granted = audit.json.data.entries.filter((e: any) => e.status === 'granted');
    expect(granted.map((e: any) => [e.source, e.actions])).toEqual([
      ['auto-fix', ['cloudformation:ExecuteChangeSet']],
      ['auto-fix', ['cloudformation:DeleteStack']],
    ]);
    expect((await historyLines(p)).map((l) => [l.operation, l.outcome, l.auto_fix_rounds])).toEqual([
      ['deploy', 'success', 1],
      ['destroy', 'success', 1],
    ]);
    await disableIamEnforcement();
    expect(await p.state('test')).toEqual([]);
    expect(await registryAsState(p)).toEqual([]);
  }, 600_000);
});
