// Reading IAM Policy Autopilot 0.3.0's answers for the denial-corpus comparison
// (bench/denial-corpus-autopilot.mjs), on output captured from real runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { autopilotAnswer, autopilotClassFor, compareMessage, parseAutopilotCli, parseAutopilotMcp, tally } from '../../bench/autopilot-output.mjs';

const captured = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'autopilot', 'autopilot-0.3.0-outputs.json'), 'utf8')) as {
  cli: Record<string, { code: number; stdout: string; stderr: string }>;
  mcp: Record<string, unknown>;
};
const cli = (name: string) => parseAutopilotCli(captured.cli[name]!);

describe('Autopilot fix-access-denied output', () => {
  it('reads the plan it offers for an implicit identity denial, and that it refused to apply without a TTY', () => {
    expect(cli('code-sqs-lowercase-action')).toEqual({
      outcome: 'plan',
      class: 'ImplicitIdentity',
      principal: 'arn:aws:sts::123456789012:assumed-role/ci/gh-actions',
      action: 'sqs:createqueue',
      resource: 'arn:aws:sqs:eu-west-1:123456789012:jobs',
      triedToApply: false,
    });
  });

  it('flags a run that tried to apply (here --yes with no network: refused only after trying STS)', () => {
    const r = cli('reason-no-identity-policy-cli --yes');
    expect(r.outcome).toBe('plan');
    expect(r.triedToApply).toBe(true);
  });

  it('reads the class it only names (explicit deny: no action) and the action it shows for a resource policy', () => {
    expect(cli('reason-explicit-deny-identity-cli')).toEqual({ outcome: 'explained', class: 'ExplicitIdentity' });
    expect(cli('reason-resource-policy-implicit-kms-json')).toEqual({
      outcome: 'explained',
      class: 'ResourcePolicy',
      action: 'kms:GenerateDataKey',
      resource: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
  });

  it('tells an unsupported denial from no denial at all, and keeps anything else as an error', () => {
    expect(cli('moto-iam-boto3')).toEqual({ outcome: 'unsupported', class: 'Other' });
    expect(cli('cred-expired-token-cli')).toEqual({ outcome: 'none' });
    expect(parseAutopilotCli({ code: 101, stdout: '', stderr: "thread 'main' panicked at src/main.rs\n" })).toEqual({
      outcome: 'error',
      note: "exit 101: thread 'main' panicked at src/main.rs",
    });
  });
});

describe('Autopilot generate_policy_for_access_denied (MCP) output', () => {
  it('reads the proposed policy, garbage action and all', () => {
    expect(parseAutopilotMcp(captured.mcp['moto-sqs-boto3-xml'])).toEqual({
      outcome: 'policy',
      effect: 'Allow',
      actions: ['sqs:CreateQueue</Message><Type>Sender</Type></Error></Errors></ErrorResponse>'],
      resources: ['arn:aws:iam::123456789012:user/deployer'],
    });
    // An explicit deny still gets an Allow proposal from the MCP tool.
    expect(parseAutopilotMcp(captured.mcp['reason-explicit-deny-identity-cli'])).toMatchObject({ effect: 'Allow', actions: ['codecommit:ListRepositories'] });
  });

  it('keeps the parse error short, and a missing answer apart', () => {
    expect(parseAutopilotMcp(captured.mcp['code-assume-role-denied'])).toEqual({ outcome: 'error', note: 'Failed to parse AccessDenied message' });
    expect(parseAutopilotMcp(undefined)).toEqual({ outcome: 'no-answer' });
  });
});

describe('side by side with permissions parse-error', () => {
  const ours = (action: string | undefined, resource_arn: string | undefined, reason: string) => ({ denials: [{ action, resource_arn, reason }], credential_problems: [] });

  it('takes the CLI answer first and the MCP policy only where the CLI shows no action', () => {
    const explicit = cli('reason-explicit-deny-identity-cli');
    const mcp = parseAutopilotMcp(captured.mcp['reason-explicit-deny-identity-cli']);
    expect(autopilotAnswer(explicit, mcp)).toEqual({
      found: true,
      class: 'ExplicitIdentity',
      action: 'codecommit:ListRepositories',
      resource: 'arn:aws:iam::777788889999:user/MaryMajor',
      from: 'mcp',
    });
    expect(autopilotAnswer(cli('code-sqs-lowercase-action'), mcp)).toMatchObject({ action: 'sqs:createqueue', from: 'cli' });
    // No denial found by the CLI: an MCP policy does not make one.
    expect(autopilotAnswer(cli('cred-expired-token-cli'), mcp)).toEqual({ found: false, class: undefined });
  });

  it('compares actions case-insensitively (noting exactness), resources exactly, classes through the mapping', () => {
    const sqs = autopilotAnswer(cli('code-sqs-lowercase-action'));
    const v = compareMessage(ours('sqs:CreateQueue', 'arn:aws:sqs:eu-west-1:123456789012:jobs', 'no-identity-policy'), sqs);
    expect(v).toEqual({ found: 'agree', action: 'agree', actionExact: false, resource: 'agree', resourceIsPrincipal: false, class: 'agree' });
    const other = compareMessage(ours('sqs:CreateQueue', undefined, 'scp'), { found: true, class: 'ExplicitIdentity', action: 'sqs:CreateQueue', resource: 'arn:aws:iam::1:user/x' });
    expect(other).toEqual({ found: 'agree', action: 'agree', actionExact: true, resource: 'autopilot-only', resourceIsPrincipal: false, class: 'differ' });
    const missed = compareMessage(ours('s3:CreateBucket', 'arn:aws:s3:::b', 'unknown'), autopilotAnswer(cli('cred-expired-token-cli')));
    expect(missed).toEqual({ found: 'ours-only', action: 'ours-only', actionExact: false, resource: 'ours-only', resourceIsPrincipal: false, class: 'ours-only' });
    const none = compareMessage({ denials: [], credential_problems: [{ code: 'ExpiredToken' }] }, autopilotAnswer(cli('cred-expired-token-cli')));
    expect(none).toMatchObject({ found: 'neither', action: 'neither', class: 'neither' });
  });

  it("notices when Autopilot's resource is the denied principal itself (the message named no resource)", () => {
    const plan = autopilotAnswer(cli('reason-no-identity-policy-cli'));
    const mary = { denials: [{ action: 'codecommit:ListRepositories', principal_arn: 'arn:aws:iam::777788889999:user/MaryMajor', reason: 'no-identity-policy' }], credential_problems: [] };
    expect(compareMessage(mary, plan)).toMatchObject({ action: 'agree', resource: 'autopilot-only', resourceIsPrincipal: true, class: 'agree' });
  });

  it('compares with our denial of the same action when we found several', () => {
    const several = { denials: [{ action: 's3:CreateBucket', reason: 'unknown' }, { action: 'iam:CreatePolicy', resource_arn: 'arn:aws:iam::1:policy/p', reason: 'unknown' }], credential_problems: [] };
    expect(compareMessage(several, { found: true, class: 'Other', action: 'iam:CreatePolicy', resource: 'arn:aws:iam::1:policy/p' })).toMatchObject({ action: 'agree', resource: 'agree' });
    expect(compareMessage(several, { found: true, class: 'Other', action: 'sqs:CreateQueue' })).toMatchObject({ action: 'differ', resource: 'neither' }); // our first denial, which names no resource
  });

  it('maps our reasons onto its three classes and Other (which also holds what the message leaves unsaid)', () => {
    expect(['no-identity-policy', 'explicit-deny-identity', 'resource-policy', 'scp', 'permissions-boundary', 'session-policy', 'unknown'].map(autopilotClassFor)).toEqual([
      'ImplicitIdentity',
      'ExplicitIdentity',
      'ResourcePolicy',
      'Other',
      'Other',
      'Other',
      'Other',
    ]);
    expect(autopilotClassFor('no-such-reason')).toBeUndefined();
  });

  it('counts each verdict per column', () => {
    const rows = [
      { verdict: { found: 'agree', action: 'agree', resource: 'differ', class: 'agree' } },
      { verdict: { found: 'agree', action: 'differ', resource: 'differ', class: 'ours-only' } },
    ] as const;
    expect(tally(rows as never)).toEqual({ found: { agree: 2 }, action: { agree: 1, differ: 1 }, resource: { differ: 2 }, class: { agree: 1, 'ours-only': 1 } });
  });
});
