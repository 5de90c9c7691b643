import { describe, expect, it } from 'vitest';
import { DEFAULT_NEVER_AUTO_GRANT } from '../../src/core/config/schema.js';
import { ConfigError } from '../../src/core/errors.js';
import type { Denial } from '../../src/handlers/hosting/aws/denials.js';
import { POLICY_MAX_CHARS, buildPolicyDocuments } from '../../src/handlers/hosting/aws/policy-document.js';
import { arnMatches, planGrant, type GrantContext, type GrantPlan } from '../../src/permissions/grant-plan.js';
import type { CatalogueAction, CatalogueResourceType, IamCatalogue } from '../../src/handlers/hosting/aws/iam-catalogue.js';
import { ACCOUNT, CTX } from '../support/grant-context.js';

/**
 * The planner's safety properties, each stated as what a user of the grant depends on: whose
 * identity a grant may reach, which contexts it refuses to scope, which resource types it
 * cannot scope, and how grants are packed into the few managed policies a principal may hold.
 */


function denial(action: string, principalArn: string, resourceArn?: string, extra: Partial<Denial> = {}): Denial {
  const d: Denial = {
    kind: 'denial',
    action,
    principalArn,
    actionInferred: false,
    resourceInferred: false,
    reason: 'no-identity-policy',
    explicit: false,
    code: 'AccessDenied',
    raw: `User: ${principalArn} is not authorized to perform: ${action}`,
    ...extra,
  };
  if (resourceArn !== undefined) d.resourceArn = resourceArn;
  return d;
}

const grantsOf = (plan: GrantPlan) => Object.fromEntries(plan.grantable.map((g) => [g.action, g.resources]));

// ---------------------------------------------------------------------------------------------
// Whose identity a grant may reach

describe('self-grant protection: principals of every shape', () => {
  const iam = (p: string, partition = 'aws') => `arn:${partition}:iam::${ACCOUNT}:${p}`;
  const PRINCIPALS: { name: string; arn: string; identity: string | undefined }[] = [
    { name: 'IAM user inside the prefix', arn: iam('user/myapp-core-test-deployer'), identity: iam('user/myapp-core-test-deployer') },
    { name: 'IAM user inside the prefix, with a path', arn: iam('user/ci/myapp-core-test-deployer'), identity: iam('user/ci/myapp-core-test-deployer') },
    { name: 'IAM user outside the prefix', arn: iam('user/faber-deployer'), identity: iam('user/faber-deployer') },
    { name: 'role inside the prefix', arn: iam('role/myapp-core-test-deployer'), identity: iam('role/myapp-core-test-deployer') },
    { name: 'role inside the prefix, with a path', arn: iam('role/ci/myapp-core-test-deployer'), identity: iam('role/ci/myapp-core-test-deployer') },
    { name: 'role outside the prefix', arn: iam('role/deploy'), identity: iam('role/deploy') },
    // The session ARN drops the role's path: the role is taken to be on the root path (refusing more, never less).
    { name: 'assumed role inside the prefix', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/myapp-core-test-deployer/ci-42`, identity: iam('role/myapp-core-test-deployer') },
    { name: 'assumed role outside the prefix', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/ci-42`, identity: iam('role/deploy') },
    { name: 'unparseable principal', arn: 'anonymous', identity: undefined },
  ];
  // Non-read iam:/sts: actions on users and roles, none of them on the escalation floor or in the default list.
  const ACTIONS = ['iam:DeleteRole', 'iam:TagRole', 'iam:DeleteUser', 'iam:TagUser', 'sts:TagSession', 'sts:SetSourceIdentity'];

  for (const principal of PRINCIPALS) {
    it(`${principal.name}: refuses exactly the grants that would cover it`, async () => {
      const plan = await planGrant(ACTIONS.map((a) => denial(a, principal.arn)), CTX);
      const granted = grantsOf(plan);
      for (const action of ACTIONS) {
        const wouldGrant = await planGrant([denial(action, 'anonymous')], CTX).then((p) => grantsOf(p)[action] ?? []);
        expect(wouldGrant.length, action).toBeGreaterThan(0);
        const coversSelf = principal.identity !== undefined && wouldGrant.some((r) => arnMatches(r, principal.identity!));
        if (coversSelf) {
          expect(granted[action], `${action} must not be granted`).toBeUndefined();
          const refusal = plan.refused.find((r) => r.action === action);
          expect(refusal?.reason).toBe('escalation');
          expect(refusal?.message).toContain(principal.identity);
        } else {
          expect(granted[action], `${action} must be granted`).toEqual(wouldGrant);
        }
      }
    });
  }

  it('the matrix has both outcomes for users, roles and assumed roles', async () => {
    const refusedFor = async (arn: string, action: string) => (await planGrant([denial(action, arn)], CTX)).refused.length === 1;
    expect(await refusedFor(iam('user/myapp-core-test-deployer'), 'iam:TagUser')).toBe(true);
    expect(await refusedFor(iam('user/faber-deployer'), 'iam:TagUser')).toBe(false);
    expect(await refusedFor(iam('role/myapp-core-test-deployer'), 'iam:DeleteRole')).toBe(true);
    expect(await refusedFor(iam('role/ci/myapp-core-test-deployer'), 'iam:DeleteRole')).toBe(false);
    expect(await refusedFor(`arn:aws:sts::${ACCOUNT}:assumed-role/myapp-core-test-deployer/s`, 'sts:TagSession')).toBe(true);
    expect(await refusedFor(`arn:aws:sts::${ACCOUNT}:assumed-role/deploy/s`, 'sts:TagSession')).toBe(false);
  });

  it('never grants iam:UpdateAssumeRolePolicy or iam:CreateAccessKey on the deploy principal itself', async () => {
    for (const [action, principal] of [
      ['iam:UpdateAssumeRolePolicy', iam('role/myapp-core-test-deployer')],
      ['iam:UpdateAssumeRolePolicy', `arn:aws:sts::${ACCOUNT}:assumed-role/myapp-core-test-deployer/s`],
      ['iam:CreateAccessKey', iam('user/myapp-core-test-deployer')],
    ] as const) {
      for (const neverAutoGrant of [DEFAULT_NEVER_AUTO_GRANT, []]) {
        const plan = await planGrant([denial(action, principal), denial(action, principal, iam(action.includes('Key') ? 'user/myapp-core-test-deployer' : 'role/myapp-core-test-deployer'))], { ...CTX, neverAutoGrant });
        expect(plan.grantable).toEqual([]);
        expect(plan.refused.map((r) => r.reason)).toEqual(['escalation', 'escalation']);
      }
    }
  });

  it('keeps sts: actions in the self-coverage check (sts:AssumeRole on its own role, once the config list allows it)', async () => {
    const self = `arn:aws:sts::${ACCOUNT}:assumed-role/myapp-core-test-deployer/s`;
    const plan = await planGrant([denial('sts:AssumeRole', self, iam('role/myapp-core-test-deployer')), denial('sts:AssumeRole', self)], { ...CTX, neverAutoGrant: [] });
    expect(plan.grantable).toEqual([]);
    expect(plan.refused.map((r) => [r.action, r.reason])).toEqual([
      ['sts:AssumeRole', 'escalation'],
      ['sts:AssumeRole', 'escalation'],
    ]);
    // Another principal may be granted the same scoped sts:AssumeRole.
    const other = await planGrant([denial('sts:AssumeRole', iam('user/faber-deployer'), iam('role/myapp-core-test-deployer'))], { ...CTX, neverAutoGrant: [] });
    expect(grantsOf(other)).toEqual({ 'sts:AssumeRole': [iam('role/myapp-core-test-*')] });
  });

  it('reads read-only iam: actions on itself as harmless', async () => {
    const plan = await planGrant([denial('iam:GetRole', iam('role/myapp-core-test-deployer')), denial('iam:ListRoleTags', iam('role/myapp-core-test-deployer'))], CTX);
    expect(plan.refused).toEqual([]);
    expect(Object.keys(grantsOf(plan))).toEqual(['iam:GetRole', 'iam:ListRoleTags']);
  });

  it('recognises principals in the other partitions', async () => {
    const ctx = { ...CTX, partition: 'aws-us-gov', region: 'us-gov-west-1' };
    for (const principal of [`arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/myapp-core-test-deployer/s`, iam('role/myapp-core-test-deployer', 'aws-us-gov')]) {
      const plan = await planGrant([denial('iam:TagRole', principal)], ctx);
      expect(plan.refused.map((r) => r.reason)).toEqual(['escalation']);
      expect(plan.refused[0]?.message).toContain(iam('role/myapp-core-test-deployer', 'aws-us-gov'));
    }
  });

  it('protects the deploy policy and its further documents from iam: writes', async () => {
    const ctx = { ...CTX, namingPattern: '{project}-{environment}-{resource}' };
    const plan = await planGrant([denial('iam:DeletePolicy', iam('user/faber-deployer')), denial('iam:GetPolicy', iam('user/faber-deployer'))], ctx);
    expect(plan.refused.map((r) => [r.action, r.reason])).toEqual([['iam:DeletePolicy', 'escalation']]);
    expect(plan.refused[0]?.message).toContain(`would also cover ${iam('policy/myapp-test-faber-cloud-deploy')},`);
    expect(Object.keys(grantsOf(plan))).toEqual(['iam:GetPolicy']);
    // A pattern that reaches only the further documents (…-deploy-2, …) is refused too.
    const further = await planGrant([denial('iam:DeletePolicy', iam('user/faber-deployer'))], { ...CTX, namingPattern: '{project}-{environment}-faber-cloud-deploy-{resource}' });
    expect(further.refused[0]?.reason).toBe('escalation');
    expect(further.refused[0]?.message).toContain(`would also cover ${iam('policy/myapp-test-faber-cloud-deploy-2')},`);
  });
});

// ---------------------------------------------------------------------------------------------
// The planner's own validation of its context

describe('the planner refuses a context it cannot scope safely', () => {
  const refusal = async (ctx: Partial<GrantContext>) => {
    const error = await planGrant([], { ...CTX, ...ctx } as GrantContext).then(
      () => undefined,
      (e: unknown) => e,
    );
    return error instanceof ConfigError ? error.code : error === undefined ? 'accepted' : String(error);
  };

  it.each([
    ['project', 'my*'],
    ['project', '*'],
    ['project', '*my'],
    ['project', 'My'],
    ['project', 'my app'],
    ['project', '-my'],
    ['project', 'my-'],
    ['project', ''],
    ['project', 'm'.repeat(41)],
    ['project', 'my\napp'],
    ['project', 42],
    // Not strings, though they print as valid values.
    ['project', ['acme']],
    ['env', ['test']],
    ['accountId', [ACCOUNT]],
    ['region', ['us-east-1']],
    ['subsystem', 'core*'],
    ['subsystem', '*core'],
    ['env', 'te*'],
    ['env', '*st'],
    ['env', 'Test'],
    ['accountId', '12345678901'],
    ['accountId', '1234567890123'],
    ['accountId', '12345678901x'],
    ['accountId', 'x12345678901'],
    ['accountId', '*'],
    ['accountId', 123456789012],
    ['region', '*'],
    ['region', 'us-east-*'],
    ['region', 'us-east-1*'],
    ['region', '*us-east-1'],
    ['region', 'US-EAST-1'],
    ['region', 'us-east-12'],
    ['region', undefined],
    ['partition', 'aws-cn'],
    ['partition', '*'],
    ['partition', undefined],
    ['namingPattern', undefined],
    ['namingPattern', '{project}-{region}-{environment}-{resource}'],
    ['namingPattern', '{project}-{environment}-{resource}*'],
    ['namingPattern', '{project}-{environment}*{resource}'],
  ] as const)('%s %j', async (key, value) => {
    expect(await refusal({ [key]: value })).toBe('E_CONFIG_GRANT_SCOPE');
  });

  it.each([
    [{ project: 'a' }],
    [{ project: 'my-app-2', subsystem: 'x', env: 'qa1' }],
    [{ project: 'm'.repeat(40) }],
    [{ region: 'eu-central-2' }],
    [{ region: 'cn-northwest-1', partition: 'aws-cn' }],
    [{ region: 'us-gov-east-1', partition: 'aws-us-gov' }],
    [{ region: 'us-isob-east-1', partition: 'aws-iso-b' }],
    [{ region: 'us-iso-east-1', partition: 'aws-iso' }],
    [{ namingPattern: '{environment}_{project}.{resource}' }],
  ])('accepts %j', async (ctx) => {
    expect(await refusal(ctx)).toBe('accepted');
  });

  it('says what is wrong and how to fix it', async () => {
    const messageOf = (ctx: Partial<GrantContext>): Promise<(string | undefined)[]> =>
      planGrant([], { ...CTX, ...ctx } as GrantContext).then(
        () => ['accepted'],
        (e: ConfigError) => [e.message, e.hint],
      );
    expect(await messageOf({ project: 'my*' })).toEqual(['cannot scope permission grants: project "my*" is not a valid name', 'Names are lowercase letters, digits and -, as the config schema requires.']);
    expect(await messageOf({ accountId: '1' })).toEqual(['cannot scope permission grants: account id "1" is not 12 digits', 'Set handlers.hosting.aws.account_id.']);
    expect(await messageOf({ region: '*' })).toEqual(['cannot scope permission grants: region "*" is not an AWS region', 'Set the environment region.']);
    expect(await messageOf({ partition: 'aws-cn' })).toEqual([
      'cannot scope permission grants: partition "aws-cn" does not match region us-east-1 (expected aws)',
      'Pass the partition of the account the environment deploys to.',
    ]);
    expect(await messageOf({ namingPattern: '{project}-{region}-{environment}-{resource}' })).toEqual([
      'cannot scope permission grants: resource_naming.pattern uses an unknown placeholder {region}',
      'Use a resource_naming.pattern that starts with the project and environment and ends with {resource}, e.g. {project}-{subsystem}-{environment}-{resource}.',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Resource types that cannot be scoped

describe('resource types the naming pattern cannot select', () => {
  /** A catalogue with one action, `fake:Op`, of the given resource types. */
  function catalogueWith(types: Partial<CatalogueResourceType>[], accessLevel = 'Write', service = 'fake'): IamCatalogue {
    const entry: CatalogueAction = {
      service,
      name: 'Op',
      action: `${service}:Op`,
      accessLevel,
      resourceTypes: types.map((t, i) => ({ key: t.key ?? `type${i}`, required: t.required ?? true, arnFormat: t.arnFormat })),
    };
    const found = async (s: string, a: string) => (s.toLowerCase() === service && a.toLowerCase() === 'op' ? entry : undefined);
    return {
      version: async () => 'test',
      serviceExists: async (s) => s === service,
      actionExists: async (s, a) => (await found(s, a)) !== undefined,
      actionName: async (s, a) => (await found(s, a))?.name,
      action: found,
      resourceTypes: async (s, a) => (await found(s, a))?.resourceTypes,
    };
  }
  const plan = (types: Partial<CatalogueResourceType>[], resource?: string) =>
    planGrant([denial('fake:Op', 'anonymous', resource)], { ...CTX, catalogue: catalogueWith(types) });

  it.each([
    [undefined, /gives no ARN format/],
    ['arn:aws:fake:${Region}:${Account}:thing/${ThingName}', /not one faber-cloud can fill/],
    ['arn:${Partition}:fake:${Region}', /not one faber-cloud can fill/],
    ['urn:${Partition}:fake:${Region}:${Account}:thing/${ThingName}', /not one faber-cloud can fill/],
    ['arn:${Partition}:fake:${Region}:aws:thing/${ThingName}', /belong to AWS, not to the environment's account/],
    ['arn:${Partition}:fake:${Region}:999999999999:thing/${ThingName}', /belong to account 999999999999/],
    ['arn:${Partition}:fake:us-west-2:${Account}:thing/${ThingName}', /live only in us-west-2/],
    ['arn:${Partition}:fake:${Region}:${Account}:settings', /no name of its own/],
    ['arn:${Partition}:fake:${Region}:${Account}:thing/${ThingId}', /identified by \$\{ThingId\}, which AWS assigns/],
    ['arn:${Partition}:fake:${Region}:${Account}:thing/${ThingArn}', /identified by \$\{ThingArn\}/],
  ])('refuses a required type with format %s, without and with a named resource', async (arnFormat, why) => {
    const without = await plan([{ arnFormat }]);
    expect(without.grantable).toEqual([]);
    expect(without.policyDocuments).toEqual([]);
    expect(without.refused).toHaveLength(1);
    expect(without.refused[0]).toMatchObject({ action: 'fake:Op', reason: 'out-of-scope' });
    expect(without.refused[0]?.message).toMatch(why);
    expect(without.refused[0]?.message).toMatch(/cannot be scoped to the naming pattern/);

    const named = await plan([{ arnFormat }], `arn:aws:fake:us-east-1:${ACCOUNT}:thing/myapp-core-test-x`);
    expect(named.grantable).toEqual([]);
    expect(named.refused[0]).toMatchObject({ reason: 'out-of-scope', resource: `arn:aws:fake:us-east-1:${ACCOUNT}:thing/myapp-core-test-x` });
    expect(named.refused[0]?.message).toMatch(why);
  });

  it.each([
    ['arn:${Partition}:fake:${Region}:${Account}:thing/${ThingName}', `arn:aws:fake:us-east-1:${ACCOUNT}:thing/myapp-core-test-*`],
    ['arn:${Partition}:fake:${Region}:${Account}:thing/${ThingNameWithPath}', `arn:aws:fake:us-east-1:${ACCOUNT}:thing/myapp-core-test-*`],
    ['arn:${Partition}:fake:${Region}:${Account}:thing/${ThingNameWithoutLeadingSlash}', `arn:aws:fake:us-east-1:${ACCOUNT}:thing/myapp-core-test-*`],
    ['arn:${Partition}:fake:${Region}:${Account}:secret:${SecretId}', `arn:aws:fake:us-east-1:${ACCOUNT}:secret:myapp-core-test-*`],
    ['arn:${Partition}:fake:${Region}:${Account}:alias/${Alias}', `arn:aws:fake:us-east-1:${ACCOUNT}:alias/myapp-core-test-*`],
    ['arn:${Partition}:fake:::${BucketName}/${ObjectName}', 'arn:aws:fake:::myapp-core-test-*/*'],
    ['arn:${Partition}:fake:${Region}:${Account}:thing/${ThingName}/part/${PartId}', `arn:aws:fake:us-east-1:${ACCOUNT}:thing/myapp-core-test-*/part/*`],
  ])('scopes format %s to %s', async (arnFormat, pattern) => {
    const p = await plan([{ arnFormat }]);
    expect(p.refused).toEqual([]);
    expect(grantsOf(p)).toEqual({ 'fake:Op': [pattern] });
  });

  it('refuses when a required type cannot be scoped, even if another type can', async () => {
    const p = await plan([
      { key: 'thing', required: false, arnFormat: 'arn:${Partition}:fake:${Region}:${Account}:thing/${ThingName}' },
      { key: 'key', required: true, arnFormat: 'arn:${Partition}:fake:${Region}:${Account}:key/${KeyId}' },
    ]);
    expect(p.grantable).toEqual([]);
    expect(p.refused[0]?.message).toMatch(/resource type key cannot be scoped/);
  });

  it('never drops an action silently: no required type and none scopable is a refusal with its reason', async () => {
    const p = await plan([
      { key: 'key', required: false, arnFormat: 'arn:${Partition}:fake:${Region}:${Account}:key/${KeyId}' },
      { key: 'settings', required: false, arnFormat: 'arn:${Partition}:fake:${Region}:${Account}:settings' },
    ]);
    expect(p.grantable).toEqual([]);
    expect(p.policyDocuments).toEqual([]);
    expect(p.refused).toEqual([
      expect.objectContaining({ action: 'fake:Op', reason: 'out-of-scope', message: expect.stringMatching(/resource type key cannot be scoped.*KeyId/) }),
    ]);
  });

  it('grants only the scopable types when none is required', async () => {
    const p = await plan([
      { key: 'key', required: false, arnFormat: 'arn:${Partition}:fake:${Region}:${Account}:key/${KeyId}' },
      { key: 'thing', required: false, arnFormat: 'arn:${Partition}:fake:${Region}:${Account}:thing/${ThingName}' },
    ]);
    expect(grantsOf(p)).toEqual({ 'fake:Op': [`arn:aws:fake:us-east-1:${ACCOUNT}:thing/myapp-core-test-*`] });
  });

  it('names every type and why when a named resource fits none of them', async () => {
    const p = await plan(
      [
        { key: 'key', arnFormat: 'arn:${Partition}:fake:${Region}:${Account}:key/${KeyId}' },
        { key: 'settings', arnFormat: 'arn:${Partition}:fake:${Region}:${Account}:settings' },
      ],
      `arn:aws:fake:us-east-1:${ACCOUNT}:key/1234`,
    );
    expect(p.refused[0]?.message).toMatch(/key: its resources are identified by \$\{KeyId\}.*; settings: it has no name of its own/);
  });

  it('lists the environment patterns when a named resource is outside them', async () => {
    const p = await plan([{ key: 'thing', arnFormat: 'arn:${Partition}:fake:${Region}:${Account}:thing/${ThingName}' }], `arn:aws:fake:us-east-1:${ACCOUNT}:thing/other`);
    expect(p.refused[0]?.message).toContain(`not covered by the environment's patterns for it (thing: arn:aws:fake:us-east-1:${ACCOUNT}:thing/myapp-core-test-*)`);
  });

  it('refuses an iam: write when any one of its resource patterns covers the deploying identity', async () => {
    const types = [
      { key: 'role', required: false, arnFormat: 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}' },
      { key: 'user', required: false, arnFormat: 'arn:${Partition}:iam::${Account}:user/${UserNameWithPath}' },
    ];
    const role = `arn:aws:iam::${ACCOUNT}:role/myapp-core-test-deployer`;
    const p = await planGrant([denial('iam:Op', role)], { ...CTX, catalogue: catalogueWith(types, 'Write', 'iam') });
    expect(p.grantable).toEqual([]);
    expect(p.refused[0]).toMatchObject({ reason: 'escalation' });
    expect(p.refused[0]?.message).toBe(
      `iam:Op on arn:aws:iam::${ACCOUNT}:role/myapp-core-test-*, arn:aws:iam::${ACCOUNT}:user/myapp-core-test-* would also cover ${role}, the deploying identity or faber-cloud's own deploy policy; faber-cloud never grants an identity power over itself. An administrator must grant a narrower resource by hand, or rename the deploying identity so it falls outside myapp-core-test-*.`,
    );
  });

  it('refuses a resource that is not an ARN, and * for an action with resource types', async () => {
    const types = [{ key: 'thing', arnFormat: 'arn:${Partition}:fake:${Region}:${Account}:thing/${ThingName}' }];
    expect((await plan(types, 'myapp-core-test-x')).refused[0]?.message).toContain('"myapp-core-test-x" is not an ARN faber-cloud can check');
    expect((await plan(types, '*')).refused[0]?.message).toContain('granting "*" would cover every fake resource in the account');
  });
});

// ---------------------------------------------------------------------------------------------
// Packing into managed policies

describe('policy packing', () => {
  const size = (d: unknown) => JSON.stringify(d).length;
  const pairs = (docs: ReturnType<typeof buildPolicyDocuments>) =>
    docs.flatMap((d) => d.Statement.flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => `${a} ${r}`)))).sort();

  it('packs many actions on one resource set into as few documents as the size allows (a principal holds 10 managed policies)', () => {
    const resource = `arn:aws:s3:::myapp-core-test-*`;
    const grants = Array.from({ length: 600 }, (_v, i) => ({ action: `s3:Action${String(i).padStart(4, '0')}`, resources: [resource] }));
    const docs = buildPolicyDocuments(grants);
    // About 20 characters per action: 600 actions need 12,000+ characters, so 2 or 3 documents, never one per action.
    const lowerBound = Math.ceil((600 * `"s3:Action0000",`.length) / POLICY_MAX_CHARS);
    expect(docs.length).toBeGreaterThanOrEqual(lowerBound);
    expect(docs.length).toBeLessThanOrEqual(lowerBound + 1);
    for (const d of docs) expect(size(d)).toBeLessThanOrEqual(POLICY_MAX_CHARS);
    // Every document but the last is full: the next action would not have fitted.
    for (const d of docs.slice(0, -1)) expect(size(d)).toBeGreaterThan(POLICY_MAX_CHARS - '"s3:Action0000",'.length);
    expect(pairs(docs)).toEqual(grants.map((g) => `${g.action} ${resource}`).sort());
  });

  it('merges actions sharing a resource set into one statement, and keeps different sets apart', () => {
    const grants = [
      { action: 'b:Two', resources: ['arn:aws:b:::y', 'arn:aws:b:::x'] },
      { action: 'a:One', resources: ['arn:aws:a:::x'] },
      { action: 'b:One', resources: ['arn:aws:b:::x', 'arn:aws:b:::y'] },
      { action: 'a:Two', resources: ['arn:aws:a:::x'] },
    ];
    expect(buildPolicyDocuments(grants)).toEqual([
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['a:One', 'a:Two'], Resource: ['arn:aws:a:::x'] },
          { Effect: 'Allow', Action: ['b:One', 'b:Two'], Resource: ['arn:aws:b:::x', 'arn:aws:b:::y'] },
        ],
      },
    ]);
  });

  it('continues a statement that does not fit in the next document, filling the current one first', () => {
    const grants = [
      { action: 'a:Small', resources: ['arn:aws:a:::one'] },
      ...Array.from({ length: 12 }, (_v, i) => ({ action: `b:Act${String(i).padStart(2, '0')}`, resources: ['arn:aws:b:::two'] })),
    ];
    const docs = buildPolicyDocuments(grants, 200);
    for (const d of docs) expect(size(d)).toBeLessThanOrEqual(200);
    expect(docs[0]?.Statement.map((s) => s.Resource)).toEqual([['arn:aws:a:::one'], ['arn:aws:b:::two']]);
    expect(docs[0]?.Statement[1]?.Action.length).toBeGreaterThan(0);
    for (const d of docs.slice(0, -1)) expect(size(d)).toBeGreaterThan(200 - '"b:Act00",'.length);
    expect(pairs(docs)).toEqual(grants.map((g) => `${g.action} ${g.resources[0]}`).sort());
  });

  it('splits one action over documents by resources, and refuses a single resource longer than a document', () => {
    const resources = Array.from({ length: 30 }, (_v, i) => `arn:aws:s3:::myapp-core-test-${String(i).padStart(2, '0')}`);
    const docs = buildPolicyDocuments([{ action: 's3:GetObject', resources }], 300);
    expect(docs.length).toBeGreaterThan(1);
    for (const d of docs) expect(size(d)).toBeLessThanOrEqual(300);
    for (const d of docs.slice(0, -1)) expect(size(d)).toBeGreaterThan(300 - '"arn:aws:s3:::myapp-core-test-00",'.length);
    expect(pairs(docs)).toEqual(resources.map((r) => `s3:GetObject ${r}`));
    expect(() => buildPolicyDocuments([{ action: 's3:GetObject', resources: [`arn:aws:s3:::${'x'.repeat(400)}`] }], 300)).toThrow(/exceeds 300 characters/);
  });

  it('refuses to build a policy from a grant without resources instead of dropping it', () => {
    expect(() => buildPolicyDocuments([{ action: 's3:CreateBucket', resources: ['arn:aws:s3:::a'] }, { action: 's3:PutObject', resources: [] }])).toThrow(/s3:PutObject.*no resources/);
  });
});

// ---------------------------------------------------------------------------------------------
// Malformed denials and what each refusal tells a person

describe('malformed input and refusal messages', () => {
  const USER = `arn:aws:iam::${ACCOUNT}:user/faber-deployer`;

  it('refuses entries that are not denials, and reads a non-list as no denials', async () => {
    const entries = [null, 42, 'AccessDenied', { kind: 'credentials', code: 'ExpiredToken', raw: '' }, denial('s3:CreateBucket', USER)] as unknown as Denial[];
    const plan = await planGrant(entries, CTX);
    expect(Object.keys(grantsOf(plan))).toEqual(['s3:CreateBucket']);
    expect(plan.grantable[0]?.denials).toEqual([4]);
    expect(plan.refused).toEqual([
      { reason: 'not-fixable-reason', message: 'Not a permission denial (credential problems need a person to fix the credentials).', denials: [0, 1, 2, 3] },
    ]);
    const none = await planGrant(null as unknown as Denial[], CTX);
    expect(none.grantable).toEqual([]);
    expect(none.refused).toEqual([]);
    expect(none.policyDocuments).toEqual([]);
  });

  it('reads an action or resource that is not a string as absent', async () => {
    const noAction = await planGrant([{ ...denial('x:y', USER), action: 42 as unknown as string }], CTX);
    expect(noAction.refused.map((r) => r.reason)).toEqual(['no-action']);
    const noResource = await planGrant([denial('s3:CreateBucket', USER, 42 as unknown as string), denial('s3:PutBucketTagging', USER, '')], CTX);
    expect(noResource.refused).toEqual([]);
    expect(grantsOf(noResource)).toEqual({ 's3:CreateBucket': ['arn:aws:s3:::myapp-core-test-*'], 's3:PutBucketTagging': ['arn:aws:s3:::myapp-core-test-*'] });
  });

  it('takes the action exactly as service:Action, surrounding spaces aside', async () => {
    const plan = await planGrant(['evil/s3:CreateBucket', 's3:CreateBucket/x', 's3:CreateBucket x', ' s3:CreateBucket '].map((a) => denial(a, USER)), CTX);
    expect(plan.refused.map((r) => [r.action, r.reason])).toEqual([
      ['evil/s3:CreateBucket', 'unknown-action'],
      ['s3:CreateBucket/x', 'unknown-action'],
      ['s3:CreateBucket x', 'unknown-action'],
    ]);
    expect(Object.keys(grantsOf(plan))).toEqual(['s3:CreateBucket']);
  });

  it('ignores entries of never_auto_grant that are not strings, and matches the others case-insensitively', async () => {
    const plan = await planGrant([denial('lambda:AddPermission', USER), denial('lambda:CreateFunction', USER)], { ...CTX, neverAutoGrant: [42 as unknown as string, 'LAMBDA:addpermission'] });
    expect(plan.refused.map((r) => [r.action, r.reason])).toEqual([['lambda:AddPermission', 'escalation']]);
    expect(plan.refused[0]?.message).toContain('lambda:AddPermission matches LAMBDA:addpermission in permissions.never_auto_grant');
  });

  it('omits the resource of a refusal when the denial named none', async () => {
    const plan = await planGrant([denial('iam:PutRolePolicy', USER), denial('iam:PutRolePolicy', USER, `arn:aws:iam::${ACCOUNT}:role/myapp-core-test-fn`)], CTX);
    expect('resource' in plan.refused[0]!).toBe(false);
    expect(plan.refused[1]?.resource).toBe(`arn:aws:iam::${ACCOUNT}:role/myapp-core-test-fn`);
    expect(plan.refused[0]?.message).toBe(
      "iam:PutRolePolicy: iam:PutRolePolicy is a privilege-escalation action that faber-cloud never grants (templates/iam-escalation.json: permissions-management). A person with IAM administrator rights must decide: review why the deployment needs it and grant it by hand, scoped to the environment's resources (myapp-core-test-*), or change the infrastructure so it is not needed; then re-run.",
    );
    expect(plan.refused[1]?.message).toMatch(new RegExp(`^iam:PutRolePolicy on arn:aws:iam::${ACCOUNT}:role/myapp-core-test-fn: iam:PutRolePolicy is a privilege-escalation`));
    const star = await planGrant([denial('iam:PassRole', USER, '*')], { ...CTX, neverAutoGrant: [] });
    expect(star.refused[0]?.message).toMatch(/^iam:PassRole on \*: iam:PassRole on \* is a privilege-escalation action/);
  });

  it('says which policy denied, and what a person must do', async () => {
    const resource = 'arn:aws:s3:::myapp-core-test-a';
    const msg = async (extra: Partial<Denial>) => (await planGrant([denial('s3:CreateBucket', USER, resource, extra)], CTX)).refused[0]?.message;
    const change = 'a person must change that policy (or ask its owner) before the deployment can succeed.';
    const lead = `s3:CreateBucket on ${resource} was denied by`;
    const rule = 'Auto-fix only adds Allow statements for "no identity-based policy allows" denials; ';
    expect(await msg({ reason: 'scp', explicit: true, policyArn: 'arn:aws:organizations::1:policy/p-1' })).toBe(
      `${lead} an AWS Organizations service or resource control policy (arn:aws:organizations::1:policy/p-1). ${rule}${change}`,
    );
    expect(await msg({ reason: 'permissions-boundary', explicit: false })).toBe(`${lead} a permissions boundary. ${rule}${change}`);
    expect(await msg({ reason: 'unknown', explicit: true })).toBe(`${lead} an explicit Deny. ${rule}${change}`);
    expect(await msg({ reason: 'unknown', explicit: undefined })).toBe(
      `${lead} a policy AWS did not name (the message has no "because …" reason). ${rule}AWS did not say which policy denied it, so a person must check the identity policies, SCPs, permissions boundary and session policy, and grant or change what is missing.`,
    );
    expect(await msg({ reason: 'no-identity-policy', explicit: true })).toBe(`${lead} reason no-identity-policy. ${rule}${change}`);
    expect(await msg({ reason: 'brand-new' as Denial['reason'] })).toBe(`${lead} reason brand-new. ${rule}${change}`);
  });

  it('keeps refusals apart that share action and resource but not the reason they give', async () => {
    const resource = 'arn:aws:s3:::myapp-core-test-a';
    const plan = await planGrant(
      [denial('s3:CreateBucket', USER, resource, { reason: 'scp', explicit: true }), denial('s3:CreateBucket', USER, resource, { reason: 'session-policy' }), denial('s3:CreateBucket', USER, resource, { reason: 'scp', explicit: true })],
      CTX,
    );
    expect(plan.refused.map((r) => r.denials)).toEqual([[0, 2], [1]]);
  });

  it('a denial without an action says how to find it', async () => {
    const msg = async (extra: Partial<Denial>) => {
      const d = denial('x', USER, undefined, extra);
      delete d.action;
      return (await planGrant([d], CTX)).refused[0]?.message;
    };
    expect(await msg({ code: '' })).toBe(
      'AWS denied a request (access denied) without saying which action; find it in the error output, then have an administrator grant it by hand (scoped to myapp-core-test-* resources) and re-run.',
    );
    expect(await msg({ code: 'UnauthorizedOperation', encodedMessage: 'AAAA' })).toBe(
      'AWS denied a request (UnauthorizedOperation) without saying which action; decode the message with `aws sts decode-authorization-message` to see it, then have an administrator grant it by hand (scoped to myapp-core-test-* resources) and re-run.',
    );
  });

  it('explains the out-of-scope refusals', async () => {
    const msgOf = async (d: Denial) => (await planGrant([d], CTX)).refused[0]?.message;
    // Account-wide identity settings are on the escalation list: refused as escalation before the scope question.
    expect(await msgOf(denial('iam:UpdateAccountPasswordPolicy', USER))).toContain('iam:UpdateAccountPasswordPolicy is a privilege-escalation action that faber-cloud never grants');
    expect(await msgOf(denial('s3:PutAccountPublicAccessBlock', USER))).toContain('s3:PutAccountPublicAccessBlock supports only Resource "*" and changes account-wide access controls');
    expect(await msgOf(denial('sts:GetCallerIdentity', USER, USER))).toContain(
      `is outside environment test's scope: the IAM catalogue says sts:GetCallerIdentity supports only Resource "*", but AWS evaluated it on a specific resource`,
    );
    expect(await msgOf(denial('dynamodb:Query', USER, `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/other`))).toContain(
      `(index: arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/myapp-core-test-*/index/*, table: arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/myapp-core-test-*)`,
    );
  });

  it('the exit-4 error lists each refusal and mentions what can still be granted', async () => {
    const { refusalError } = await import('../../src/permissions/grant-plan.js');
    const plan = await planGrant([denial('iam:PutRolePolicy', USER)], CTX);
    expect(refusalError(plan, 'test')?.message).toBe(`1 permission denial(s) in environment test need a person:\n  - [escalation] ${plan.refused[0]?.message}`);
  });
});

describe('policy packing: document boundaries', () => {
  const size = (d: unknown) => JSON.stringify(d).length;

  it('starts a new document when not even one action of the next statement fits', () => {
    const big = { action: 'a:Big', resources: [`arn:aws:a:::${'x'.repeat(90)}`] };
    const small = { action: 'b:Small', resources: ['arn:aws:b:::y'] };
    const docs = buildPolicyDocuments([big, small], 200);
    expect(docs.map((d) => d.Statement.map((s) => s.Action))).toEqual([[['a:Big']], [['b:Small']]]);
    for (const d of docs) expect(size(d)).toBeLessThanOrEqual(200);
  });

  it('lets the next statement share the document that holds the tail of a split one', () => {
    // 16 actions of 10 characters: 13 fit in the first document, 3 go on in the second, where b:One fits too.
    const split = Array.from({ length: 16 }, (_v, i) => ({ action: `a:Act${String(i).padStart(2, '0')}`, resources: ['arn:aws:a:::x'] }));
    const after = { action: 'b:One', resources: ['arn:aws:b:::y'] };
    const docs = buildPolicyDocuments([...split, after], 220);
    expect(docs).toHaveLength(2);
    const last = docs[docs.length - 1]!;
    expect(last.Statement.map((s) => s.Resource[0])).toEqual(['arn:aws:a:::x', 'arn:aws:b:::y']);
    for (const d of docs) for (const s of d.Statement) expect(s.Effect).toBe('Allow');
  });

  it('split statements are Allow statements', () => {
    const docs = buildPolicyDocuments([{ action: 's3:GetObject', resources: Array.from({ length: 20 }, (_v, i) => `arn:aws:s3:::bucket-${i}`) }], 200);
    expect(docs.length).toBeGreaterThan(1);
    for (const d of docs) expect(d).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: expect.any(Array) }] });
  });

  it('arnMatches treats * as any run of characters, line breaks included', () => {
    expect(arnMatches(`arn:aws:iam::${ACCOUNT}:role/myapp-*`, `arn:aws:iam::${ACCOUNT}:role/myapp-x\ny`)).toBe(true);
    expect(arnMatches('arn:aws:s3:::a?c', 'arn:aws:s3:::a\nc')).toBe(true);
  });
});
