import { describe, expect, it } from 'vitest';
import { ACCOUNT_ID, ecsServiceOf, iamPrincipalOf, isAwsManagedPolicy, parseArn } from '../../src/handlers/hosting/aws/arn.js';
import { grantPrincipalOf } from '../../src/handlers/hosting/aws/iam-grants.js';

const ACCT = '123456789012';

describe('parseArn', () => {
  it('splits the five fields and keeps the resource whole, colons and slashes included', () => {
    expect(parseArn(`arn:aws:lambda:us-east-1:${ACCT}:function:api:live`)).toEqual({
      partition: 'aws',
      service: 'lambda',
      region: 'us-east-1',
      accountId: ACCT,
      resource: 'function:api:live',
    });
    expect(parseArn('arn:aws-cn:s3:::bucket/key/with:colon')).toEqual({ partition: 'aws-cn', service: 's3', region: '', accountId: '', resource: 'bucket/key/with:colon' });
    expect(parseArn('arn:aws:iam::aws:policy/AdministratorAccess')?.accountId).toBe('aws');
  });

  it('never throws, and refuses what is not an ARN', () => {
    for (const bad of [undefined, null, 42, {}, '', 'arn', 'arn:aws:s3', 'arn:aws:s3:::', 'arn::s3:::b', 'ARN:aws:s3:::b', ' arn:aws:s3:::b', 'urn:aws:s3:::b']) {
      expect(parseArn(bad)).toBeUndefined();
    }
  });
});

describe('iamPrincipalOf (one home for assumed-role handling)', () => {
  it('an assumed-role session stands for its role, in every partition', () => {
    for (const p of ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso']) {
      expect(iamPrincipalOf(`arn:${p}:sts::${ACCT}:assumed-role/deploy/ci-run-42@example.com`)).toEqual({
        type: 'role',
        name: 'deploy',
        arn: `arn:${p}:iam::${ACCT}:role/deploy`,
      });
    }
  });

  it('IAM users and roles are themselves; the name drops the IAM path', () => {
    expect(iamPrincipalOf(`arn:aws:iam::${ACCT}:user/alice`)).toEqual({ type: 'user', name: 'alice', arn: `arn:aws:iam::${ACCT}:user/alice` });
    expect(iamPrincipalOf(`arn:aws:iam::${ACCT}:role/svc/team/deploy`)).toEqual({ type: 'role', name: 'deploy', arn: `arn:aws:iam::${ACCT}:role/svc/team/deploy` });
  });

  it('anything else is no deploy principal', () => {
    for (const arn of [
      undefined,
      '',
      `arn:aws:iam::${ACCT}:root`,
      `arn:aws:iam::${ACCT}:group/admins`,
      `arn:aws:iam::${ACCT}:role/`,
      `arn:aws:iam::${ACCT}:role/svc/`,
      `arn:aws:sts::${ACCT}:federated-user/bob`,
      `arn:aws:sts::${ACCT}:assumed-role/deploy`,
      `arn:aws:sts::${ACCT}:assumed-role/deploy/`,
      `arn:aws:sts::${ACCT}:assumed-role/a/b/c`,
      `arn:aws:sts:us-east-1:${ACCT}:assumed-role/deploy/s`,
      'arn:aws:sts::12345:assumed-role/deploy/s',
      `arn:aws:iam::${ACCT}:user/ali ce`,
      `arn:aws:iam::${ACCT}:user/alice\n`,
      `arn:AWS:iam::${ACCT}:user/alice`,
      `arn:aws:s3:::${ACCT}`,
    ]) {
      expect(iamPrincipalOf(arn), String(arn)).toBeUndefined();
    }
  });

  it('the grant applier uses it and refuses other principals with E_IAM_GRANT_PRINCIPAL', () => {
    expect(grantPrincipalOf(`arn:aws:sts::${ACCT}:assumed-role/deploy/s`)).toEqual({ type: 'role', name: 'deploy', arn: `arn:aws:iam::${ACCT}:role/deploy` });
    expect(() => grantPrincipalOf(`arn:aws:iam::${ACCT}:root`)).toThrow(expect.objectContaining({ code: 'E_IAM_GRANT_PRINCIPAL' }));
  });
});

describe('ecsServiceOf', () => {
  it('reads cluster and service from the long ARN, only the service from the old short one', () => {
    expect(ecsServiceOf(`arn:aws:ecs:us-east-1:${ACCT}:service/prod/api`)).toEqual({ cluster: 'prod', service: 'api' });
    expect(ecsServiceOf(`arn:aws:ecs:us-east-1:${ACCT}:service/api`)).toEqual({ service: 'api' });
  });

  it('anything else -> undefined', () => {
    for (const v of [null, '', 'service/prod/api', `arn:aws:ecs:us-east-1:${ACCT}:cluster/prod`, `arn:aws:ecs:us-east-1:${ACCT}:service/a/b/c`, `arn:aws:lambda:us-east-1:${ACCT}:service/prod/api`]) {
      expect(ecsServiceOf(v), String(v)).toBeUndefined();
    }
  });
});

describe('isAwsManagedPolicy', () => {
  it('only IAM policies owned by the account `aws`', () => {
    expect(isAwsManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')).toBe(true);
    expect(isAwsManagedPolicy('arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')).toBe(true);
    expect(isAwsManagedPolicy(`arn:aws:iam::${ACCT}:policy/app-deploy`)).toBe(false);
    expect(isAwsManagedPolicy('arn:aws:iam::aws:role/x')).toBe(false);
    expect(isAwsManagedPolicy('policy/AdministratorAccess')).toBe(false);
  });
});

// The edges of each pattern, one case per anchor and character class: these ARNs decide whose
// policy a grant may reach (grant-plan's self-reach refusal), so a loosened pattern must fail here.
describe('identity ARN patterns, edge by edge', () => {
  const ok = (arn: string) => expect(iamPrincipalOf(arn), arn).toBeDefined();
  const no = (arn: string) => expect(iamPrincipalOf(arn), arn).toBeUndefined();

  it('an account id is exactly twelve digits', () => {
    ok('arn:aws:iam::123456789012:role/deploy');
    for (const account of ['1234567890123', 'x123456789012', '12345678901x', '1', 'aaaaaaaaaaaa']) no(`arn:aws:iam::${account}:role/deploy`);
    expect(ACCOUNT_ID.test('0123456789012')).toBe(false);
    expect(ACCOUNT_ID.test('01234567890')).toBe(false);
  });

  it('the partition is lowercase letters and hyphens only, whole', () => {
    ok('arn:aws-us-gov:iam::123456789012:role/deploy');
    for (const partition of ['aws1', '1aws', 'AWS', 'aws_cn', 'a']) {
      const arn = `arn:${partition}:iam::123456789012:role/deploy`;
      if (partition === 'a') ok(arn);
      else no(arn);
    }
  });

  it('user and role names: IAM characters, a path in front allowed, nothing after', () => {
    expect(iamPrincipalOf('arn:aws:iam::123456789012:role/team/ci/deploy+x=y,z.@-1')).toEqual({
      type: 'role',
      name: 'deploy+x=y,z.@-1',
      arn: 'arn:aws:iam::123456789012:role/team/ci/deploy+x=y,z.@-1',
    });
    expect(iamPrincipalOf('arn:aws:iam::123456789012:user/ab')?.name).toBe('ab');
    for (const resource of ['role/', 'role/team/', 'xrole/deploy', 'roles/deploy', 'group/deploy', 'role/de ploy', 'role/de:ploy', 'role/dep#loy', 'role/team path/deploy']) {
      no(`arn:aws:iam::123456789012:${resource}`);
    }
  });

  it('an assumed-role session names a role and a session, both IAM names, nothing else', () => {
    expect(iamPrincipalOf('arn:aws:sts::123456789012:assumed-role/deploy-ci/session@x.y')).toEqual({
      type: 'role',
      name: 'deploy-ci',
      arn: 'arn:aws:iam::123456789012:role/deploy-ci',
    });
    expect(iamPrincipalOf('arn:aws:sts::123456789012:assumed-role/ab/cd')?.name).toBe('ab');
    for (const resource of ['assumed-role/deploy', 'assumed-role/deploy/', 'assumed-role//s', 'xassumed-role/deploy/s', 'assumed-role/dep loy/s', 'assumed-role/deploy/s s', 'assumed-role/deploy/s/extra', 'federated-user/bob']) {
      no(`arn:aws:sts::123456789012:${resource}`);
    }
  });

  it('an ECS service ARN: service/NAME or service/CLUSTER/NAME, nothing else', () => {
    expect(ecsServiceOf('arn:aws:ecs:us-east-1:123456789012:service/web')).toEqual({ service: 'web' });
    expect(ecsServiceOf('arn:aws:ecs:us-east-1:123456789012:service/prod/web')).toEqual({ cluster: 'prod', service: 'web' });
    for (const resource of ['xservice/web', 'service/', 'service/a/b/c', 'task/prod/abc']) {
      expect(ecsServiceOf(`arn:aws:ecs:us-east-1:123456789012:${resource}`), resource).toBeUndefined();
    }
  });
});
