import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, DEFAULT_NAMING_PATTERN, DEFAULT_NEVER_AUTO_GRANT } from '../../src/core/config/schema.js';
import { configJsonSchemaText } from '../../src/core/config/json-schema.js';
import { ESCALATION_LIST } from '../../src/core/escalation.js';
import { REPO_ROOT } from '../support/cli.js';

/**
 * devops.json's contract: the cross-field rules the guard relies on (one profile per role, a
 * production environment on the prod profile and behind --confirm), the value rules of the
 * fields that end up in ARNs, profile names and grants, and the defaults a minimal file gets.
 */

const PROFILES = { discover: 'acme-discover', test: 'acme-test', prod: 'acme-prod' };
function configWith(patch: { profiles?: Record<string, string>; environments?: Record<string, unknown>; top?: Record<string, unknown>; terraform?: Record<string, unknown>; aws?: Record<string, unknown> } = {}) {
  return {
    project: { name: 'acme' },
    handlers: {
      hosting: { active: 'aws', aws: { region: 'us-east-1', account_id: '123456789012', profiles: patch.profiles ?? PROFILES, ...patch.aws } },
      iac: { active: 'terraform', terraform: { directory: './tf', ...patch.terraform } },
    },
    environments: patch.environments ?? { test: { profile: 'test' }, prod: { profile: 'prod', require_confirmation: true } },
    ...patch.top,
  };
}

/** `path: message` of every issue, or [] when the config is valid. */
function issues(input: unknown): string[] {
  const result = ConfigSchema.safeParse(input);
  if (result.success) return [];
  // The cross-field rules report custom issues, like every refinement.
  for (const i of result.error.issues) if (/must differ|must use the prod|must be true|required because|names environment/.test(i.message)) expect(i.code).toBe('custom');
  return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('cross-field rules the guard relies on', () => {
  it('accepts the reference config', () => {
    expect(issues(configWith())).toEqual([]);
  });

  it.each([
    [{ discover: 'same', test: 'same', prod: 'acme-prod' }, ['handlers.hosting.aws.profiles.test: must differ from profiles.discover: each role needs its own profile']],
    [{ discover: 'same', test: 'acme-test', prod: 'same' }, ['handlers.hosting.aws.profiles.prod: must differ from profiles.discover: each role needs its own profile']],
    [{ discover: 'acme-discover', test: 'same', prod: 'same' }, ['handlers.hosting.aws.profiles.prod: must differ from profiles.test: each role needs its own profile']],
    [
      { discover: 'same', test: 'same', prod: 'same' },
      ['handlers.hosting.aws.profiles.test: must differ from profiles.discover: each role needs its own profile', 'handlers.hosting.aws.profiles.prod: must differ from profiles.test: each role needs its own profile'],
    ],
  ])('one profile per role: %j', (profiles, expected) => {
    expect(issues(configWith({ profiles }))).toEqual(expected);
  });

  it.each(['prod', 'production'])('an environment named %s must use the prod profile', (name) => {
    expect(issues(configWith({ environments: { [name]: { profile: 'test' } } }))).toEqual([`environments.${name}.profile: environment '${name}' must use the prod profile`]);
    expect(issues(configWith({ environments: { [name]: { profile: 'prod', require_confirmation: true } } }))).toEqual([]);
  });

  it.each(['prod-eu', 'preprod', 'products', 'xprod', 'productionx'])('%s is not held to the prod-name rule', (name) => {
    expect(issues(configWith({ environments: { [name]: { profile: 'test' } } }))).toEqual([]);
  });

  it('an environment deployed with the prod profile must require confirmation, whatever its name', () => {
    for (const name of ['prod', 'live']) {
      for (const env of [{ profile: 'prod' }, { profile: 'prod', require_confirmation: false }]) {
        expect(issues(configWith({ environments: { [name]: env } }))).toEqual([`environments.${name}.require_confirmation: must be true for an environment deployed with the prod profile`]);
      }
    }
    expect(issues(configWith({ environments: { test: { profile: 'test', require_confirmation: true } } }))).toEqual([]);
  });

  it('reports a prod-named test-profile environment once, for its profile', () => {
    expect(issues(configWith({ environments: { prod: { profile: 'test', require_confirmation: false } } }))).toEqual([`environments.prod.profile: environment 'prod' must use the prod profile`]);
  });

  it('workspaces and var_files may only name configured environments', () => {
    expect(issues(configWith({ terraform: { workspaces: { test: 'w-test', staging: 'w-staging' }, var_files: { prod: 'prod.tfvars', qa: 'qa.tfvars' } } }))).toEqual([
      "handlers.iac.terraform.workspaces.staging: names environment 'staging', which is not in environments",
      "handlers.iac.terraform.var_files.qa: names environment 'qa', which is not in environments",
    ]);
  });

  it('the active handlers must be configured', () => {
    const c = configWith();
    delete (c.handlers.hosting as { aws?: unknown }).aws;
    delete (c.handlers.iac as { terraform?: unknown }).terraform;
    expect(issues(c)).toEqual(["handlers.hosting.aws: required because handlers.hosting.active is 'aws'", "handlers.iac.terraform: required because handlers.iac.active is 'terraform'"]);
  });

  it('needs at least one environment', () => {
    expect(issues(configWith({ environments: {} }))).toEqual(['environments: at least one environment is required']);
  });
});

describe('values that end up in ARNs, profiles and grants', () => {
  it.each([
    ['project name', (v: string) => configWith({ top: { project: { name: v } } }), 'project.name', 40],
    ['subsystem', (v: string) => configWith({ top: { project: { name: 'acme', subsystem: v } } }), 'project.subsystem', 40],
    ['environment name', (v: string) => configWith({ environments: { [v]: { profile: 'test' } } }), 'environments', 31],
  ])('%s is a slug', (_what, make, where, longest) => {
    for (const good of ['a', 'a1', 'my-app', 'x'.repeat(longest)]) expect(issues(make(good)), good).toEqual([]);
    for (const bad of ['my*', '*', 'My', '1app', '-app', 'app-', 'my app', 'my_app', 'x'.repeat(longest + 1), '', 'a\nb']) {
      const found = issues(make(bad));
      expect(found.length, bad).toBeGreaterThan(0);
      expect(found.every((i) => i.startsWith(where)), `${bad}: ${found.join('; ')}`).toBe(true);
    }
  });

  it('profile names: 1-64 characters of the AWS CLI profile alphabet', () => {
    const withTest = (test: string) => issues(configWith({ profiles: { ...PROFILES, test } }));
    for (const good of ['a', 'Acme.Test_1+=,@-', 'p'.repeat(64)]) expect(withTest(good), good).toEqual([]);
    expect(withTest('')).toEqual(['handlers.hosting.aws.profiles.test: profile name must not be empty', 'handlers.hosting.aws.profiles.test: profile name may only contain letters, digits and . _ + = , @ -']);
    expect(withTest('p'.repeat(65))).toEqual(['handlers.hosting.aws.profiles.test: profile name must be at most 64 characters']);
    for (const bad of ['a b', 'a/b', 'a;b', '$(x)', 'a\nb']) expect(withTest(bad), bad).toEqual(['handlers.hosting.aws.profiles.test: profile name may only contain letters, digits and . _ + = , @ -']);
  });

  it('regions and account ids', () => {
    for (const good of ['us-east-1', 'eu-central-2', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1', 'cn-north-1']) {
      expect(issues(configWith({ aws: { region: good } })), good).toEqual([]);
      expect(issues(configWith({ environments: { test: { profile: 'test', region: good } } })), good).toEqual([]);
    }
    for (const bad of ['*', 'us-east-*', 'us-east-1*', 'xus-east-1', 'US-EAST-1', 'us-east', 'us-east-12', 'useast1']) {
      expect(issues(configWith({ aws: { region: bad } })), bad).toEqual(['handlers.hosting.aws.region: region must look like us-east-1']);
      expect(issues(configWith({ environments: { test: { profile: 'test', region: bad } } })), bad).toEqual(['environments.test.region: region must look like us-east-1']);
    }
    for (const bad of ['12345678901', '1234567890123', 'x23456789012', '12345678901x', '*']) {
      expect(issues(configWith({ aws: { account_id: bad } })), bad).toEqual(['handlers.hosting.aws.account_id: account id must be exactly 12 digits (quote it as a string)']);
      expect(issues(configWith({ environments: { test: { profile: 'test', account_id: bad } } })), bad).toEqual(['environments.test.account_id: account id must be exactly 12 digits (quote it as a string)']);
    }
    expect(issues(configWith({ aws: { account_id: 123456789012 } })).length).toBe(1);
  });

  it('an environment deploys with the test or prod role, never discover', () => {
    expect(issues(configWith({ environments: { test: { profile: 'discover' } } }))).toHaveLength(1);
  });

  it('naming pattern: ends up as the grant prefix, so only known placeholders and {resource}', () => {
    const withPattern = (pattern: string) => issues(configWith({ top: { resource_naming: { pattern } } }));
    expect(withPattern('{project}-{environment}-{resource}')).toEqual([]);
    expect(withPattern('{project}-{environment}')).toEqual(['resource_naming.pattern: pattern must contain {resource}']);
    expect(withPattern('{project}-{region}-{resource}')).toEqual(['resource_naming.pattern: pattern may only use the placeholders {project}, {subsystem}, {environment}, {resource}']);
    expect(withPattern('{}-{resource}')).toHaveLength(1);
  });

  it('never_auto_grant entries look like service:Action', () => {
    const withList = (never_auto_grant: string[]) => issues(configWith({ top: { permissions: { never_auto_grant } } }));
    expect(withList(['iam:PassRole', 'lambda:Add*', 'organizations:*', 'iam:*'])).toEqual([]);
    for (const bad of ['PassRole', 'iam:', ':PassRole', 'iam:Pass Role', 'IAM:PassRole', 'iam:PassRole,sts:AssumeRole']) {
      expect(withList([bad]), bad).toEqual(['permissions.never_auto_grant.0: actions look like service:Action']);
    }
  });

  it('numeric limits', () => {
    const perm = (permissions: Record<string, unknown>) => issues(configWith({ top: { permissions } }));
    expect(perm({ max_auto_fix_rounds: 0, propagation_wait_seconds: 0 })).toEqual([]);
    expect(perm({ max_auto_fix_rounds: 10, propagation_wait_seconds: 120 })).toEqual([]);
    expect(perm({ max_auto_fix_rounds: 11 })).toHaveLength(1);
    expect(perm({ max_auto_fix_rounds: -1 })).toHaveLength(1);
    expect(perm({ max_auto_fix_rounds: 1.5 })).toHaveLength(1);
    expect(perm({ propagation_wait_seconds: 121 })).toHaveLength(1);
    const dbg = (debuggerConfig: Record<string, unknown>) => issues(configWith({ top: { debugger: debuggerConfig } }));
    expect(dbg({ confidence: { high: 0.9, medium: 0.9, low: 0.9 } })).toEqual([]);
    expect(dbg({ confidence: { high: 0.5, medium: 0.6, low: 0.4 } })).toEqual(['debugger.confidence: must satisfy high >= medium >= low']);
    expect(dbg({ confidence: { high: 0.8, medium: 0.3, low: 0.4 } })).toEqual(['debugger.confidence: must satisfy high >= medium >= low']);
    expect(dbg({ min_attempts: 0 })).toHaveLength(1);
    expect(dbg({ max_matches: 21 })).toHaveLength(1);
  });

  it('unknown keys are errors at every level', () => {
    expect(issues({ ...configWith(), extra: 1 })).toHaveLength(1);
    expect(issues(configWith({ environments: { test: { profile: 'test', confirm: true } } }))).toHaveLength(1);
    expect(issues(configWith({ profiles: { ...PROFILES, admin: 'acme-admin' } }))).toHaveLength(1);
    expect(issues(configWith({ profiles: { ...PROFILES, $comment: 'one per role' } }))).toEqual([]);
  });
});

describe('defaults of a minimal config', () => {
  it('are the safe ones', () => {
    const c = ConfigSchema.parse(configWith({ environments: { test: { profile: 'test' } } }));
    expect(c.schema_version).toBe(1);
    expect(c.project.subsystem).toBe('core');
    expect(c.resource_naming.pattern).toBe(DEFAULT_NAMING_PATTERN);
    expect(c.environments.test).toEqual({ profile: 'test', require_confirmation: false, auto_fix_permissions: false });
    expect(c.permissions).toEqual({ max_auto_fix_rounds: 3, never_auto_grant: DEFAULT_NEVER_AUTO_GRANT, grant_unstated_reason: false, propagation_wait_seconds: 10, preflight_grants: true });
    expect(c.handlers.iac.terraform).toEqual({ directory: './tf', binary: 'auto' });
    expect(c.debugger).toEqual({ min_attempts: 3, confidence: { high: 0.8, medium: 0.6, low: 0.4 }, max_matches: 5 });
    const bare = configWith();
    delete (bare.handlers.hosting.aws as { region?: string }).region;
    expect(ConfigSchema.parse(bare).handlers.hosting.aws?.region).toBe('us-east-1');
  });

  it('never_auto_grant defaults to the scoped role actions; with the escalation list it refuses every action of DESIGN §5', () => {
    expect(DEFAULT_NEVER_AUTO_GRANT).toEqual(expect.arrayContaining(['iam:PassRole', 'sts:AssumeRole']));
    const refused = new Set([...DEFAULT_NEVER_AUTO_GRANT, ...ESCALATION_LIST.map((e) => e.action)]);
    for (const action of ['iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'organizations:CreateAccount', 'organizations:AttachPolicy']) {
      expect(refused.has(action), action).toBe(true);
    }
  });
});

describe('templates/devops.schema.json', () => {
  // What editors show users about each key: generated from the zod schema, so it must not drift.
  it('matches the zod schema (run `npm run build` if this fails)', async () => {
    const committed = await readFile(path.join(REPO_ROOT, 'plugin', 'templates', 'devops.schema.json'), 'utf8');
    expect(committed).toBe(configJsonSchemaText());
    expect(JSON.parse(committed).$comment).toMatch(/^Generated by/);
  });
});
