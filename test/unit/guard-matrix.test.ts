import { describe, expect, it } from 'vitest';
import { ConfigSchema, type FaberConfig } from '../../src/core/config/schema.js';
import { GuardError, UsageError } from '../../src/core/errors.js';
import { authorize, checkAccount, type GuardedOperation, type GuardRequest } from '../../src/core/guard.js';

/**
 * DESIGN §5 as a table: every operation against every environment, with the forced profile,
 * --confirm and --plan varying independently. The expected outcome is computed here from the
 * rules as written (not from the guard's code), so a guard that skips one check for one
 * operation fails the cells where only that check could refuse.
 */

const PROFILES = { discover: 'acme-discover', test: 'acme-test', prod: 'acme-prod' } as const;
const config: FaberConfig = ConfigSchema.parse({
  project: { name: 'acme' },
  handlers: {
    hosting: { active: 'aws', aws: { region: 'us-east-1', account_id: '111111111111', profiles: PROFILES } },
    iac: { active: 'terraform', terraform: { directory: './tf' } },
  },
  environments: {
    // Non-prod, no confirmation.
    test: { profile: 'test' },
    // Non-prod that asks for confirmation anyway, in its own account and region.
    staging: { profile: 'test', require_confirmation: true, account_id: '222222222222', region: 'eu-west-1' },
    prod: { profile: 'prod', require_confirmation: true },
    // A production environment not called prod: the prod role, not the name, makes it production.
    live: { profile: 'prod', require_confirmation: true, region: 'ap-southeast-2' },
  },
});

const OPERATIONS: GuardedOperation[] = ['preview', 'deploy', 'destroy', 'iam-grant', 'remediate', 'ops-read'];
const ENVS = ['test', 'staging', 'prod', 'live'] as const;
const FORCED = [undefined, 'discover', 'test', 'prod', 'unknown'] as const;
const PLAN = 'abcdefabcdef';

type Cell = { operation: GuardedOperation; env: (typeof ENVS)[number]; forced: (typeof FORCED)[number]; confirm: 'none' | 'env' | 'other'; plan: boolean };

/** The rules of DESIGN §5, in the order a user meets them. */
function expected(cell: Cell): string {
  const environment = config.environments[cell.env]!;
  const needed = cell.operation === 'iam-grant' ? 'discover' : environment.profile;
  if (cell.forced === 'unknown') return 'E_GUARD_UNKNOWN_PROFILE';
  if (cell.forced !== undefined && cell.forced !== needed) return 'E_GUARD_WRONG_PROFILE';
  const mutates = cell.operation === 'deploy' || cell.operation === 'destroy' || cell.operation === 'remediate';
  if (!mutates) return 'allowed';
  if (cell.confirm === 'other') return 'E_GUARD_CONFIRMATION_MISMATCH';
  const production = environment.profile === 'prod';
  const confirmationNeeded = environment.require_confirmation || production || cell.operation === 'destroy';
  if (confirmationNeeded && cell.confirm !== 'env') return 'E_GUARD_CONFIRMATION_REQUIRED';
  // ops remediate applies one catalogue action, not a plan: no --plan for it, even in prod.
  if (production && cell.operation !== 'remediate' && !cell.plan) return 'E_GUARD_PLAN_REQUIRED';
  return 'allowed';
}

function requestOf(cell: Cell): GuardRequest {
  const request: GuardRequest = { operation: cell.operation, env: cell.env };
  if (cell.forced === 'unknown') request.profile = 'default';
  else if (cell.forced !== undefined) request.profile = PROFILES[cell.forced];
  if (cell.confirm === 'env') request.confirm = cell.env;
  if (cell.confirm === 'other') request.confirm = cell.env === 'prod' ? 'test' : 'prod';
  if (cell.plan) request.planId = PLAN;
  return request;
}

function outcome(cfg: FaberConfig, request: GuardRequest): string {
  try {
    authorize(cfg, request);
    return 'allowed';
  } catch (error) {
    if (error instanceof GuardError || error instanceof UsageError) return error.code;
    throw error;
  }
}

const cells: Cell[] = [];
for (const operation of OPERATIONS)
  for (const env of ENVS)
    for (const forced of FORCED)
      for (const confirm of ['none', 'env', 'other'] as const)
        for (const plan of [false, true]) cells.push({ operation, env, forced, confirm, plan });

describe('guard matrix: operation x environment x profile x --confirm x --plan', () => {
  it(`decides all ${cells.length} cells as DESIGN §5 says`, () => {
    const wrong = cells
      .map((cell) => ({ cell, want: expected(cell), got: outcome(config, requestOf(cell)) }))
      .filter((r) => r.want !== r.got)
      .map((r) => `${JSON.stringify(r.cell)}: want ${r.want}, got ${r.got}`);
    expect(wrong).toEqual([]);
  });

  it('every refusal class occurs in the matrix (the table is not trivially permissive)', () => {
    const seen = new Set(cells.map(expected));
    expect([...seen].sort()).toEqual([
      'E_GUARD_CONFIRMATION_MISMATCH',
      'E_GUARD_CONFIRMATION_REQUIRED',
      'E_GUARD_PLAN_REQUIRED',
      'E_GUARD_UNKNOWN_PROFILE',
      'E_GUARD_WRONG_PROFILE',
      'allowed',
    ]);
  });

  it.each(ENVS)('an allowed request on %s resolves the role, profile, account and region the call must use', (env) => {
    const environment = config.environments[env]!;
    for (const operation of OPERATIONS) {
      const auth = authorize(config, { operation, env, confirm: env, planId: PLAN });
      const role = operation === 'iam-grant' ? 'discover' : environment.profile;
      expect(auth).toEqual({
        operation,
        env,
        environment,
        role,
        profile: PROFILES[role],
        region: environment.region ?? 'us-east-1',
        accountId: environment.account_id ?? '111111111111',
        production: environment.profile === 'prod',
      });
    }
  });
});

describe('guard: the cases the safety rules exist for', () => {
  it('refuses ops remediate --apply on prod without --confirm, and accepts it with --confirm prod and no plan', () => {
    expect(outcome(config, { operation: 'remediate', env: 'prod' })).toBe('E_GUARD_CONFIRMATION_REQUIRED');
    expect(outcome(config, { operation: 'remediate', env: 'prod', planId: PLAN })).toBe('E_GUARD_CONFIRMATION_REQUIRED');
    expect(outcome(config, { operation: 'remediate', env: 'prod', confirm: 'test' })).toBe('E_GUARD_CONFIRMATION_MISMATCH');
    expect(outcome(config, { operation: 'remediate', env: 'prod', confirm: 'prod' })).toBe('allowed');
  });

  it('never asks for --confirm or --plan on read-only operations, even in prod', () => {
    for (const operation of ['preview', 'ops-read'] as const) {
      expect(outcome(config, { operation, env: 'prod' })).toBe('allowed');
      expect(outcome(config, { operation, env: 'live' })).toBe('allowed');
    }
    expect(outcome(config, { operation: 'iam-grant', env: 'prod' })).toBe('allowed');
  });

  it('treats an environment deployed with the prod profile as production even if its config skipped require_confirmation', () => {
    // The schema refuses this config; the guard must not depend on it (configs also come from code).
    const unchecked = structuredClone(config);
    unchecked.environments.live = { ...unchecked.environments.live!, require_confirmation: false };
    for (const operation of ['deploy', 'destroy', 'remediate'] as const) {
      expect(outcome(unchecked, { operation, env: 'live', planId: PLAN })).toBe('E_GUARD_CONFIRMATION_REQUIRED');
    }
    expect(outcome(unchecked, { operation: 'deploy', env: 'live', confirm: 'live' })).toBe('E_GUARD_PLAN_REQUIRED');
    expect(outcome(unchecked, { operation: 'deploy', env: 'live', confirm: 'live', planId: PLAN })).toBe('allowed');
  });

  it('names the operation, the environment and the exact flag in each refusal', () => {
    const messageOf = (request: GuardRequest) => {
      try {
        authorize(config, request);
      } catch (error) {
        return { message: (error as GuardError).message, hint: (error as GuardError).hint };
      }
      throw new Error('expected a refusal');
    };
    expect(messageOf({ operation: 'remediate', env: 'prod' })).toEqual({
      message: "remediate on 'prod' needs --confirm prod",
      hint: 'review the plan (faber-cloud infra preview --env prod), then re-run with --confirm prod',
    });
    expect(messageOf({ operation: 'destroy', env: 'prod', confirm: 'prod' })).toEqual({
      message: "destroy on 'prod' applies only a previewed plan: pass --plan <id>",
      hint: 'run faber-cloud infra preview --env prod --destroy and pass the plan id it prints',
    });
    expect(messageOf({ operation: 'deploy', env: 'live', confirm: 'live' }).hint).toBe('run faber-cloud infra preview --env live and pass the plan id it prints');
    expect(messageOf({ operation: 'deploy', env: 'prod', confirm: 'staging' })).toEqual({
      message: "--confirm staging does not match the environment 'prod'",
      hint: '--confirm must name the environment: --confirm prod',
    });
    expect(messageOf({ operation: 'iam-grant', env: 'test', profile: PROFILES.test })).toEqual({
      message: "iam-grant on 'test' needs the discover profile, not test ('acme-test'): the test profile deploys non-production environments only and never touches IAM",
      hint: 'drop --profile, or use --profile acme-discover',
    });
    expect(messageOf({ operation: 'deploy', env: 'prod', profile: PROFILES.discover }).message).toContain('the discover profile manages IAM permissions only and never deploys');
    expect(messageOf({ operation: 'deploy', env: 'test', profile: PROFILES.prod }).message).toContain('the prod profile deploys production only and never touches IAM');
    expect(messageOf({ operation: 'deploy', env: 'test', profile: 'default' })).toEqual({
      message: "profile 'default' is not one of this project's profiles",
      hint: "for deploy on test use 'acme-test' (handlers.hosting.aws.profiles.test)",
    });
    expect(messageOf({ operation: 'deploy', env: 'nope' })).toEqual({ message: "unknown environment 'nope'", hint: 'configured environments: test, staging, prod, live' });
  });

  it('accepts --profile naming the profile the operation needs', () => {
    expect(outcome(config, { operation: 'iam-grant', env: 'prod', profile: PROFILES.discover })).toBe('allowed');
    expect(authorize(config, { operation: 'deploy', env: 'test', profile: PROFILES.test }).profile).toBe(PROFILES.test);
  });

  it('refuses a project without hosting', () => {
    const noHosting = structuredClone(config);
    delete noHosting.handlers.hosting.aws;
    expect(outcome(noHosting, { operation: 'preview', env: 'test' })).toBe('E_GUARD_NO_HOSTING');
    expect(() => authorize(noHosting, { operation: 'preview', env: 'test' })).toThrow('no hosting provider is configured for this project');
  });

  it('says how to fix a missing account id and a caller in another account', () => {
    const noAccount = structuredClone(config);
    delete noAccount.handlers.hosting.aws!.account_id;
    const refusal = (() => {
      try {
        authorize(noAccount, { operation: 'deploy', env: 'test' });
      } catch (error) {
        return error as GuardError;
      }
    })();
    expect(refusal?.code).toBe('E_GUARD_ACCOUNT_UNSET');
    expect(refusal?.message).toBe("no account id configured for 'test': mutations are refused without one");
    expect(refusal?.hint).toBe('set handlers.hosting.aws.account_id (or environments.<env>.account_id) in devops.json');
    // staging has its own account: it needs none at the top.
    expect(authorize(noAccount, { operation: 'deploy', env: 'staging', confirm: 'staging' }).accountId).toBe('222222222222');

    const auth = authorize(config, { operation: 'deploy', env: 'staging', confirm: 'staging' });
    const mismatch = (() => {
      try {
        checkAccount(auth, { account: '111111111111', arn: 'arn:aws:iam::111111111111:user/x' });
      } catch (error) {
        return error as GuardError;
      }
    })();
    expect(mismatch?.code).toBe('E_GUARD_ACCOUNT_MISMATCH');
    expect(mismatch?.message).toBe("profile 'acme-test' is in account 111111111111 (arn:aws:iam::111111111111:user/x), but 'staging' is configured for 222222222222");
    expect(mismatch?.hint).toBe("check the profile's credentials, or the account_id in devops.json");
  });

  it('never takes the profiles $comment for a profile role', () => {
    const commented = structuredClone(config);
    (commented.handlers.hosting.aws!.profiles as Record<string, string>).$comment = 'acme-admin';
    expect(outcome(commented, { operation: 'deploy', env: 'test', profile: 'acme-admin' })).toBe('E_GUARD_UNKNOWN_PROFILE');
  });
});
