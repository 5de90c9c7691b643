import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { MOTO_ACCOUNT_ID, MOTO_REGION, createProfileUsers, credentialsOf, disableIamEnforcement, enableIamEnforcement, resetMoto } from '../support/moto.js';
import { createProject, historyLines } from '../support/project.js';

/**
 * A CloudFormation deploy whose identity may not execute change sets goes through the same
 * auto-fix round and audit as a Terraform one (issue 18): the stack's failure is parsed as a
 * denial, the permission manager grants it scoped to the environment's stacks, a fresh change
 * set is previewed and executed.
 *
 * moto 5.2.1 evaluates CloudFormation calls against resource `*` (../shared/TEST-TOOLS.md), so
 * the correctly scoped grant does not satisfy it there: the second execution is denied again
 * and the loop stops with E_AUTO_FIX_REPEATED (exit 4). This test pins the loop up to that
 * point; it cannot show the success without widening the grant to `*`, which faber-cloud never does.
 */

const POLICY_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:policy/life-test-faber-cloud-deploy`;
const STACK_PATTERN = `arn:aws:cloudformation:us-east-1:${MOTO_ACCOUNT_ID}:stack/life-core-test-*/*`;

describe('a CloudFormation deploy with IAM enforcement on', () => {
  beforeEach(resetMoto);

  it('grants cloudformation:ExecuteChangeSet scoped to the stack pattern, audited, then previews and executes a fresh change set', async () => {
    const p = await createProject('app', { iac: 'cloudformation' });
    await p.editConfig((c) => {
      c.permissions = { ...c.permissions, grant_unstated_reason: true, propagation_wait_seconds: 0 };
    });
    const users = Object.fromEntries(
      (
        await createProfileUsers([
          { profile: 'life-discover-deploy', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'sts:GetCallerIdentity'], Resource: '*' }] } },
          {
            profile: 'life-test-deploy',
            policy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['sts:GetCallerIdentity', 'cloudformation:Describe*', 'cloudformation:List*', 'cloudformation:Get*', 'cloudformation:CreateChangeSet', 'cloudformation:ValidateTemplate'],
                  Resource: '*',
                },
              ],
            },
          },
        ])
      ).map((u) => [u.profile, u]),
    );
    await enableIamEnforcement();

    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(deploy.code, deploy.stderr).toBe(4);
    expect(deploy.json.error.code).toBe('E_AUTO_FIX_REPEATED');
    expect(deploy.stderr).toContain('auto-fix round 1: cloudformation:ExecuteChangeSet');
    expect(deploy.stderr).toContain(`granting cloudformation:ExecuteChangeSet on ${STACK_PATTERN}`);
    // Two change sets: the one denied, and the fresh one previewed after the grant.
    const applied = [...deploy.stderr.matchAll(/applying plan ([0-9a-f]{12})/g)].map((m) => m[1]);
    expect(applied).toHaveLength(2);
    expect(applied[0]).not.toBe(applied[1]);

    // The grant: exactly that action, on the environment's stacks only, audited as auto-fix.
    const iam = new IAMClient({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials: credentialsOf(users['life-discover-deploy']!) });
    const version = (await iam.send(new GetPolicyCommand({ PolicyArn: POLICY_ARN }))).Policy!.DefaultVersionId!;
    const text = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: POLICY_ARN, VersionId: version }))).PolicyVersion!.Document!;
    const document = JSON.parse(text.startsWith('%') ? decodeURIComponent(text) : text);
    expect(document.Statement.map((s: any) => [[s.Action].flat(), [s.Resource].flat()])).toEqual([[['cloudformation:ExecuteChangeSet'], [STACK_PATTERN]]]);
    const audit = await p.cli(['permissions', 'audit', '--env', 'test', '--json']);
    const granted = audit.json.data.entries.filter((e: any) => e.status === 'granted');
    expect(granted).toHaveLength(1);
    expect(granted[0]).toMatchObject({ source: 'auto-fix', actions: ['cloudformation:ExecuteChangeSet'] });

    // Recorded like a Terraform run: one failed deploy, one round; nothing was created.
    expect((await historyLines(p)).at(-1)).toMatchObject({ operation: 'deploy', outcome: 'failed', auto_fix_rounds: 1, plan_id: applied[1] });
    await disableIamEnforcement(); // the test's own read of the stack uses no profile user
    expect(await p.state('test')).toEqual([]);
  }, 300_000);
});
