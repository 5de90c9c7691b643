import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clearSensitive,
  MIN_SENSITIVE_LENGTH,
  REDACTED,
  redactText,
  redactValue,
  registerSensitive,
  SHAPE_NAMES,
} from '../../src/core/redaction/index.js';
import { registerSensitiveFromShowJson } from '../../src/handlers/iac/terraform/sensitive.js';

afterEach(() => clearSensitive());

/** One secret per shape, each inside the kind of text it turns up in; `secret` must disappear. */
const SECRETS: { shape: string; text: string; secret: string; keeps?: string }[] = [
  { shape: 'aws-access-key-id', text: 'using key AKIAIOSFODNN7EXAMPLE for s3', secret: 'AKIAIOSFODNN7EXAMPLE' },
  { shape: 'aws-access-key-id', text: 'temporary ASIAY34FZKBOKMUTVV7A expired', secret: 'ASIAY34FZKBOKMUTVV7A' },
  { shape: 'aws-secret-labelled', text: 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', keeps: 'aws_secret_access_key=' },
  { shape: 'aws-secret-labelled', text: '"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', keeps: 'SecretAccessKey' },
  { shape: 'aws-secret-labelled', text: 'aws_secret:q8Rd7Ya1Zb2Xc3Wv4Ut5Sr6Qp7On8Ml9Kj0Ih1Gf', secret: 'q8Rd7Ya1Zb2Xc3Wv4Ut5Sr6Qp7On8Ml9Kj0Ih1Gf' },
  { shape: 'aws-secret-standalone', text: 'export KEY wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY now', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  { shape: 'aws-session-token', text: 'token FwoGZXIvYXdzEJr//////////wEaDM3EXAMPLEtokenVALUE1234567890abcdef end', secret: 'FwoGZXIvYXdzEJr//////////wEaDM3EXAMPLEtokenVALUE1234567890abcdef' },
  { shape: 'aws-session-token', text: 'X-Amz-Security-Token: IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN0123456789abcdefABCDEF', secret: 'IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN0123456789abcdefABCDEF' },
  { shape: 'jwt', text: 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U rejected', secret: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U' },
  { shape: 'authorization-header', text: 'GET / Authorization: Bearer abc.def-ghi_jkl123', secret: 'abc.def-ghi_jkl123', keeps: 'Authorization: Bearer ' },
  { shape: 'authorization-header', text: 'headers={"authorization": "Basic dXNlcjpwYXNzd29yZA=="}', secret: 'dXNlcjpwYXNzd29yZA==' },
  { shape: 'bearer-token', text: 'sent Bearer 9f8e7d6c5b4a39281706 upstream', secret: '9f8e7d6c5b4a39281706', keeps: 'Bearer ' },
  { shape: 'key-value', text: 'login failed password=hunter2xyz user=bob', secret: 'hunter2xyz', keeps: 'password=' },
  { shape: 'key-value', text: 'db passwd: s3cr3t-pass for admin', secret: 's3cr3t-pass' },
  { shape: 'key-value', text: 'config {"password": "Tr0ub4dor&3", "user": "x"}', secret: 'Tr0ub4dor&3', keeps: '"password": "' },
  { shape: 'key-value', text: "client_secret='abcDEF123456' grant", secret: 'abcDEF123456' },
  { shape: 'key-value', text: 'call ?api_key=zzTopKey999&x=1', secret: 'zzTopKey999' },
  // A value followed by '(' is still a value unless it is a lowercase function name.
  { shape: 'key-value', text: 'retry token=Zq7vTokenValue(2)', secret: 'Zq7vTokenValue', keeps: 'token=' },
  { shape: 'key-value', text: 'password = hunter2pass (from env)', secret: 'hunter2pass' },
  { shape: 'key-value', text: 'token = abcdefgh', secret: 'abcdefgh' },
  { shape: 'key-value', text: 'password="hunterpass"(x)', secret: 'hunterpass' },
  { shape: 'key-value', text: 'X-Api-Key: live-key-887766', secret: 'live-key-887766' },
  { shape: 'key-value', text: 'refresh_token=rt-0a1b2c3d4e', secret: 'rt-0a1b2c3d4e' },
  { shape: 'key-value', text: 'token=opaque-session-42', secret: 'opaque-session-42' },
  {
    shape: 'pem-private-key',
    text: 'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n-----END RSA PRIVATE KEY-----\nafter',
    secret: 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw',
    keeps: 'after',
  },
  { shape: 'pem-private-key', text: 'cut -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC', secret: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' },
  { shape: 'url-credentials', text: 'connect postgres://admin:Sup3rS3cret@db.example.com:5432/app', secret: 'Sup3rS3cret', keeps: 'postgres://admin:' },
  { shape: 'github-token', text: 'remote ghp_16C7e42F292c6912E7710c838347Ae178B4a used', secret: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a' },
  { shape: 'github-token', text: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF', secret: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF' },
  { shape: 'slack-token', text: 'slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', secret: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx' },
  { shape: 'stripe-key', text: 'charge with sk_live_4eC39HqLyjWDarjtT1zdp7dc', secret: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' },
];

/** Identifiers that registries, console URLs and plan ids depend on: never redacted. */
const NOT_SECRETS = [
  'arn:aws:iam::123456789012:role/faber-core-test-deploy',
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf',
  'arn:aws:ssm:us-east-1:123456789012:parameter/app/db/password',
  'arn:aws:lambda:us-east-1:123456789012:function:faber-core-test-api',
  'arn:aws:iam::123456789012:role/SomeLongRoleNameWithDigits123456789AbCd',
  'arn:aws:sts::123456789012:assumed-role/Admin/session-1',
  '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
  'A94A8FE5CCB19BA61C4C0873D391E987982FBBD3',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'plan 1a2b3c4d5e6f',
  'd-20261126T063817-156d83',
  'sg-0123456789abcdef0 vpc-0a1b2c3d subnet-abcdef0123456789a',
  'AROAEXAMPLEID1234567 AIDAJQABLZS4A3QDU576Q ANPAJ2UCCR6DPCEXAMPLE',
  'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/faber-core-test-api',
  'https://s3.console.aws.amazon.com/s3/buckets/faber-core-test-assets?region=us-east-1&tab=objects',
  '.fractary/plugins/faber-cloud/deployments/test/plans/1a2b3c4d5e6f.tfplan',
  'src/handlers/iac/terraform/plan/SomethingLongEnoughToBeForty1',
  'User: arn:aws:sts::123456789012:assumed-role/faber-test/x is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
  'ExpiredToken: The security token included in the request is expired',
  'manage_master_user_password         = true',
  '  password = var.db_password',
  '  master_password = random_password.db.result',
  // HCL function calls (terraform-aws-modules/s3-bucket): code, not a value.
  '  token                 = try(var.object_lock_configuration.token, null)',
  '  password = coalesce(var.db_password, random_password.db.result)',
  'aws_secretsmanager_secret: 2 resources',
  'Basic authentication is not enabled; Bearer tokens are used',
  'error: sts:GetSessionToken denied',
  'Encoded authorization failure message: 4oHd8zEXAMPLEaZtPq9xLm',
  'outputs: db_password (sensitive, redacted)',
  'token: [REDACTED]',
];

describe('redactText', () => {
  it.each(SECRETS.map((s) => [s.shape, s] as const))('%s: removes the secret and keeps the label', (_shape, s) => {
    const out = redactText(s.text);
    expect(out).not.toContain(s.secret);
    expect(out).toContain(REDACTED.slice(0, 9));
    if (s.keeps) expect(out).toContain(s.keeps);
  });

  it('the corpus covers every shape the module knows', () => {
    expect(new Set(SECRETS.map((s) => s.shape))).toEqual(new Set(SHAPE_NAMES));
  });

  it.each(NOT_SECRETS)('leaves %s untouched', (text) => {
    expect(redactText(text)).toBe(text);
  });

  it('is idempotent', () => {
    for (const s of SECRETS) {
      const once = redactText(s.text);
      expect(redactText(once)).toBe(once);
    }
  });
});

describe('redactValue', () => {
  it('redacts strings in place and values under secret-named keys; JSON stays valid', () => {
    const value = {
      arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
      message: 'failed with password=hunter2xyz',
      nested: [{ DbPassword: 'plain words here', sensitive: true, count: 3 }],
      headers: { Authorization: 'Bearer 9f8e7d6c5b4a39281706' },
      pem: '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIKq\n-----END EC PRIVATE KEY-----',
    };
    const out = redactValue(value);
    const text = JSON.stringify(out);
    expect(JSON.parse(text)).toEqual(out);
    expect(text).not.toMatch(/hunter2xyz|plain words here|9f8e7d6c5b4a39281706|MHcCAQEEIKq/);
    expect(out.arn).toBe(value.arn);
    expect(out.nested[0]!.count).toBe(3);
    expect(out.nested[0]!.sensitive).toBe(true);
  });

  it('returns the same object when nothing needs redacting (no copy of a big registry)', () => {
    const value = { resources: [{ address: 'aws_s3_bucket.a', arn: 'arn:aws:s3:::faber-core-test-a', tags: { Env: 'test' } }] };
    expect(redactValue(value)).toBe(value);
  });

  it('redacts what an Error serialises to', () => {
    const out = redactValue({ at: new Date(0), url: new URL('https://u:pw12345678@h.example/x') });
    expect(JSON.stringify(out)).not.toContain('pw12345678');
  });
});

describe('sensitive values from plan and state JSON', () => {
  const plan = {
    variables: { db_password: { value: 'canary-var-Zq81' }, region: { value: 'us-east-1' }, short: { value: '1' } },
    configuration: { root_module: { variables: { db_password: { sensitive: true }, region: {}, short: { sensitive: true } } } },
    resource_changes: [
      { address: 'aws_db_instance.a', change: { actions: ['create'], after: { name: 'app', master: 'canary-after-Ka92' }, after_sensitive: { master: true } } },
    ],
    output_changes: { conn: { actions: ['create'], after: 'canary-output-Pp55', after_sensitive: true } },
    prior_state: {
      values: {
        root_module: {
          child_modules: [{ resources: [{ values: { token: ['x', 'canary-prior-Mm11'] }, sensitive_values: { token: [false, true] } }] }],
        },
      },
    },
  };

  it('registers sensitive variables, after_sensitive, output and nested module values', () => {
    registerSensitiveFromShowJson(plan);
    const text = 'error: canary-var-Zq81 / canary-after-Ka92 / canary-output-Pp55 / canary-prior-Mm11 in us-east-1 app';
    const out = redactText(text);
    expect(out).toBe(`error: ${REDACTED} / ${REDACTED} / ${REDACTED} / ${REDACTED} in us-east-1 app`);
  });

  it('registers state outputs and sensitive_attributes paths', () => {
    registerSensitiveFromShowJson({
      values: {
        outputs: { secret: { value: 'canary-state-out-1', sensitive: true }, plain: { value: 'visible-output', sensitive: false } },
        root_module: { resources: [{ values: { a: { b: 'canary-attr-path-2' } }, sensitive_values: {}, sensitive_attributes: [[{ type: 'get_attr', value: 'a' }, { type: 'get_attr', value: 'b' }]] }] },
      },
    });
    expect(redactText('canary-state-out-1 canary-attr-path-2 visible-output')).toBe(`${REDACTED} ${REDACTED} visible-output`);
  });

  it(`does not register values shorter than ${MIN_SENSITIVE_LENGTH} characters`, () => {
    registerSensitiveFromShowJson(plan);
    registerSensitive('abc');
    expect(redactText('count 1 abc')).toBe('count 1 abc');
  });

  it.each(['plan-create.json', 'state-1.json'])('registers what the real tool output %s marks sensitive', (name) => {
    registerSensitiveFromShowJson(JSON.parse(readFileSync(path.join('test/fixtures/terraform-json', name), 'utf8')));
    expect(redactText('apply failed: hunter2 was rejected')).toBe(`apply failed: ${REDACTED} was rejected`);
  });

  it('also finds a registered value JSON-escaped inside text', () => {
    registerSensitive('a"quoted\\value');
    expect(redactText('{"v":"a\\"quoted\\\\value"}')).not.toContain('quoted');
  });
});

describe('no false positives on the text the CLI itself writes', () => {
  /**
   * Templates (generated Terraform, designs, the knowledge base) and the recorded tool and AWS
   * error fixtures pass through the writers: redaction must leave them as they are.
   */
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(path.join(d, f)).isDirectory() ? walk(path.join(d, f)) : [path.join(d, f)]));
  const files = [...walk('plugin/templates'), ...walk('test/fixtures/debugger'), ...walk('test/fixtures/denials'), ...walk('test/fixtures/terraform'), 'README.md'];

  it.each(files)('%s is unchanged', (file) => {
    const text = readFileSync(file, 'utf8');
    const out = redactText(text);
    if (out === text) return;
    const changed = text.split('\n').filter((line, i) => line !== out.split('\n')[i]);
    expect(changed).toEqual([]);
  });
});

describe('the debugger normaliser', () => {
  it('gives the same signature to one error carrying different secrets', async () => {
    const { createNormaliser } = await import('../../src/debugger/normalise.js');
    const normalise = createNormaliser();
    const a = normalise('Error: login failed password=first-Secret-1 for Bearer abcDEF123456789');
    const b = normalise('Error: login failed password=other-Secret-2 for Bearer zyxWVU987654321');
    expect(a).toBe(b);
    expect(a).not.toMatch(/Secret-|abcDEF/);
  });
});

describe('one chokepoint for printing and writing', () => {
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(path.join(d, f)).isDirectory() ? walk(path.join(d, f)) : [path.join(d, f)]));
  const sources = walk('src').filter((f) => f.endsWith('.ts'));

  it('only src/cli/output.ts writes to stdout or stderr', () => {
    const offenders = sources.filter((f) => f !== path.join('src', 'cli', 'output.ts') && /process\.(?:stdout|stderr)\.write|console\.(?:log|error|warn|info)/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('artifacts are written through core/files/atomic.ts or the history append (both redact)', () => {
    const allowed = new Map([
      [path.join('src', 'core', 'files', 'atomic.ts'), 'the atomic writers'],
      [path.join('src', 'infra', 'history.ts'), 'the history append'],
      [path.join('src', 'core', 'files', 'lock.ts'), 'lock holder: pid, host, a fixed command label'],
      [path.join('src', 'handlers', 'iac', 'terraform', 'handler.ts'), 'full plan JSON for scanners, in a private temp dir deleted after'],
      [path.join('src', 'handlers', 'iac', 'cloudformation', 'handler.ts'), 'the change-set plan file (ids, hashes and changes, no values) and the template for scanners in a private temp dir'],
      [path.join('src', 'engineer', 'engineer.ts'), 'the placeholder Lambda zip (binary, fixed content)'],
    ]);
    const offenders = sources.filter((f) => !allowed.has(f) && /\b(?:writeFile|appendFile|writeFileSync|appendFileSync|createWriteStream|writeFileAtomic)\(/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
