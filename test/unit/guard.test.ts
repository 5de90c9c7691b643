import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/core/config/schema.js';
import { GuardError, UsageError } from '../../src/core/errors.js';
import { authorize, checkAccount } from '../../src/core/guard.js';
import { REPO_ROOT } from '../support/cli.js';

const config = ConfigSchema.parse(JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/fixtures/valid-config.json'), 'utf8')));
const PROFILES = { discover: 'myapp-discover-deploy', test: 'myapp-test-deploy', prod: 'myapp-prod-deploy' } as const;

function code(fn: () => unknown): string {
  try {
    fn();
    return 'allowed';
  } catch (error) {
    if (error instanceof GuardError || error instanceof UsageError) return error.code;
    throw error;
  }
}

describe('guard: profile role x operation x environment', () => {
  // Every cell: which profile the user forces, for which operation, on which environment.
  const operations = ['preview', 'deploy', 'destroy', 'iam-grant'] as const;
  const expected: Record<string, Record<string, Record<string, string>>> = {
    discover: {
      test: { preview: 'E_GUARD_WRONG_PROFILE', deploy: 'E_GUARD_WRONG_PROFILE', destroy: 'E_GUARD_WRONG_PROFILE', 'iam-grant': 'allowed' },
      prod: { preview: 'E_GUARD_WRONG_PROFILE', deploy: 'E_GUARD_WRONG_PROFILE', destroy: 'E_GUARD_WRONG_PROFILE', 'iam-grant': 'allowed' },
    },
    test: {
      test: { preview: 'allowed', deploy: 'allowed', destroy: 'allowed', 'iam-grant': 'E_GUARD_WRONG_PROFILE' },
      prod: { preview: 'E_GUARD_WRONG_PROFILE', deploy: 'E_GUARD_WRONG_PROFILE', destroy: 'E_GUARD_WRONG_PROFILE', 'iam-grant': 'E_GUARD_WRONG_PROFILE' },
    },
    prod: {
      test: { preview: 'E_GUARD_WRONG_PROFILE', deploy: 'E_GUARD_WRONG_PROFILE', destroy: 'E_GUARD_WRONG_PROFILE', 'iam-grant': 'E_GUARD_WRONG_PROFILE' },
      prod: { preview: 'allowed', deploy: 'allowed', destroy: 'allowed', 'iam-grant': 'E_GUARD_WRONG_PROFILE' },
    },
  };
  for (const role of ['discover', 'test', 'prod'] as const) {
    for (const env of ['test', 'prod']) {
      for (const operation of operations) {
        it(`${role} profile, ${operation} on ${env}: ${expected[role]?.[env]?.[operation]}`, () => {
          // Fully confirmed requests, so only the role decides.
          const result = code(() => authorize(config, { operation, env, profile: PROFILES[role], confirm: env, planId: 'abcdefabcdef' }));
          expect(result).toBe(expected[role]?.[env]?.[operation]);
        });
      }
    }
  }

  it('refuses a profile that is not one of the project profiles', () => {
    expect(code(() => authorize(config, { operation: 'deploy', env: 'test', profile: 'default' }))).toBe('E_GUARD_UNKNOWN_PROFILE');
  });
});

describe('guard: confirmations and plans', () => {
  it.each([
    [{ operation: 'deploy' as const, env: 'test' }, 'allowed'],
    [{ operation: 'deploy' as const, env: 'prod' }, 'E_GUARD_CONFIRMATION_REQUIRED'],
    [{ operation: 'deploy' as const, env: 'prod', confirm: 'prod' }, 'E_GUARD_PLAN_REQUIRED'],
    [{ operation: 'deploy' as const, env: 'prod', planId: 'abcdefabcdef' }, 'E_GUARD_CONFIRMATION_REQUIRED'],
    [{ operation: 'deploy' as const, env: 'prod', confirm: 'test', planId: 'abcdefabcdef' }, 'E_GUARD_CONFIRMATION_MISMATCH'],
    [{ operation: 'deploy' as const, env: 'prod', confirm: 'prod', planId: 'abcdefabcdef' }, 'allowed'],
    [{ operation: 'destroy' as const, env: 'test' }, 'E_GUARD_CONFIRMATION_REQUIRED'],
    [{ operation: 'destroy' as const, env: 'test', confirm: 'test' }, 'allowed'],
    [{ operation: 'destroy' as const, env: 'prod', confirm: 'prod' }, 'E_GUARD_PLAN_REQUIRED'],
    [{ operation: 'deploy' as const, env: 'staging' }, 'E_USAGE_UNKNOWN_ENV'],
  ])('%j -> %s', (request, expected) => {
    expect(code(() => authorize(config, request))).toBe(expected);
  });

  it('refuses mutation without a configured account, and a caller from another account', () => {
    const noAccount = ConfigSchema.parse({ ...JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/fixtures/valid-config.json'), 'utf8')) });
    delete noAccount.handlers.hosting.aws?.account_id;
    expect(code(() => authorize(noAccount, { operation: 'deploy', env: 'test' }))).toBe('E_GUARD_ACCOUNT_UNSET');

    const auth = authorize(config, { operation: 'deploy', env: 'test' });
    expect(auth).toMatchObject({ profile: PROFILES.test, role: 'test', accountId: '123456789012', region: 'us-east-1', production: false });
    expect(() => checkAccount(auth, { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/x' })).not.toThrow();
    expect(code(() => checkAccount(auth, { account: '999999999999', arn: 'arn:aws:iam::999999999999:user/x' }))).toBe('E_GUARD_ACCOUNT_MISMATCH');
  });
});
