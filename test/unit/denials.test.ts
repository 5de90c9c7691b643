import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../bench/registry-build.mjs';
import { describe, expect, it } from 'vitest';
import {
  DENIAL_REASONS,
  applyDecodedMessage,
  classifyDecodedMessage,
  decodeDenials,
  parseDenials,
  type Denial,
  type DenialContext,
  type ParsedError,
} from '../../src/handlers/hosting/aws/denials.js';
import { sdkErrorText } from '../../src/handlers/hosting/aws/error-text.js';
import { actionForOperation, actionForOperationHint, normaliseAction } from '../../src/handlers/hosting/aws/operations.js';

type Expected = Omit<Denial, 'raw'> | { kind: 'credentials'; code: string };
interface Fixture {
  file: string;
  source: string;
  input: string;
  expected: Expected[];
  context?: DenialContext;
}

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/denials');
const fixtures: Fixture[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...(JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Omit<Fixture, 'file'>) }));

const withoutRaw = (list: ParsedError[]) => list.map(({ raw: _raw, ...rest }) => rest);
const denials = (list: ParsedError[]) => list.filter((e): e is Denial => e.kind === 'denial');


describe('denial corpus', () => {
  it('holds at least 40 sourced entries covering every reason class, code family and outcome', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    for (const f of fixtures) {
      expect(f.source.trim().length, f.file).toBeGreaterThanOrEqual(20);
      expect(typeof f.input, f.file).toBe('string');
      expect(Array.isArray(f.expected), f.file).toBe(true);
    }
    const all = fixtures.flatMap((f) => f.expected);
    const reasons = new Set(all.flatMap((e) => (e.kind === 'denial' ? [e.reason] : [])));
    for (const reason of DENIAL_REASONS) expect(reasons, reason).toContain(reason);
    const codes = new Set(all.map((e) => e.code));
    for (const code of ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Forbidden', 'InvalidClientTokenId', 'ExpiredToken', 'SignatureDoesNotMatch', 'NoCredentialProviders']) {
      expect(codes, code).toContain(code);
    }
    expect(all.some((e) => e.kind === 'denial' && e.encodedMessage)).toBe(true);
    expect(all.some((e) => e.kind === 'denial' && e.resourceInferred && e.resourceArn?.startsWith('arn:aws:s3:::'))).toBe(true);
    expect(all.some((e) => e.kind === 'denial' && e.principalArn?.includes(':assumed-role/'))).toBe(true);
    expect(all.some((e) => e.kind === 'denial' && e.resourceArn?.startsWith('arn:aws-cn:'))).toBe(true);
    expect(all.some((e) => e.kind === 'denial' && e.resourceArn?.startsWith('arn:aws-us-gov:'))).toBe(true);
    expect(fixtures.filter((f) => f.expected.length === 0).length).toBeGreaterThanOrEqual(3);
    expect(fixtures.some((f) => f.expected.filter((e) => e.kind === 'denial').length >= 3)).toBe(true);
  });

  it.each(fixtures.map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const parsed = parseDenials(f.input, f.context);
    expect(withoutRaw(parsed)).toEqual(f.expected);
    for (const e of parsed) {
      expect(e.raw.length).toBeGreaterThan(0);
      expect(e.raw.length).toBeLessThanOrEqual(4001);
    }
  });
});

describe('parseDenials never throws', () => {
  const TOKENS = [
    'User: ',
    'arn:aws:iam::123456789012:user/x',
    'arn:aws-cn:sts::123456789012:assumed-role/r/s',
    'arn:',
    ' is not authorized to perform: ',
    'is not authorized to perform',
    's3:GetObject',
    'sqs:createqueue',
    ':',
    ' on resource: ',
    ' on "',
    '"',
    "'",
    ' because no ',
    'identity-based policy allows the ',
    ' with an explicit deny in a ',
    'service control policy',
    'permissions boundary: arn:',
    ' action',
    '<Code>',
    '</Code>',
    '<Message>',
    '&quot;',
    '{',
    '}',
    '[',
    ']',
    '{"diagnostic":',
    '"summary":',
    '"@level":"error"',
    '\n',
    '\r\n',
    '\t',
    '│ ',
    '╷',
    '╵',
    '\x1b[31m',
    'Error: ',
    'Warning: ',
    '* aws_s3_bucket.b: ',
    '  with aws_s3_bucket.b,',
    'api error ',
    'AccessDenied',
    'AccessDeniedException',
    'UnauthorizedOperation',
    'InvalidClientTokenId',
    'Forbidden',
    'operation error S3: CreateBucket, ',
    'when calling the CreateBucket operation',
    'An error occurred (',
    ') ',
    'creating S3 Bucket (',
    'creating DynamoDB Table (',
    'https://sqs.us-east-1.amazonaws.com/123456789012/q',
    'Encoded authorization failure message: ',
    'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-',
    'status code: 403',
    'StatusCode: 403, ',
    'no valid credential sources',
    '\u0000',
    '\uFFFF',
    '\uD800',
    '💥',
  ];

  it('on 2400 seeded random inputs: bytes, token soup, truncated and mutated corpus entries', () => {
    const rand = mulberry32(0x5eed_d3a1);
    const int = (n: number) => Math.floor(rand() * n);
    const inputs: string[] = [];
    for (let i = 0; i < 600; i++) {
      const bytes = Buffer.from(Array.from({ length: int(1500) }, () => int(256)));
      inputs.push(i % 2 ? bytes.toString('latin1') : bytes.toString('utf8'));
    }
    for (let i = 0; i < 800; i++) inputs.push(Array.from({ length: int(120) }, () => TOKENS[int(TOKENS.length)]).join(''));
    for (let i = 0; i < 1000; i++) {
      const f = fixtures[int(fixtures.length)]!;
      const cut = f.input.slice(0, int(f.input.length + 1));
      if (i % 3 === 0) inputs.push(cut);
      else if (i % 3 === 1) inputs.push(f.input.slice(int(f.input.length + 1)));
      else {
        const chars = [...f.input];
        for (let k = 0; k < 1 + int(8); k++) chars[int(chars.length + 1)] = TOKENS[int(TOKENS.length)]!;
        inputs.push(chars.join(''));
      }
    }
    expect(inputs.length).toBeGreaterThanOrEqual(2000);
    const started = Date.now();
    for (const input of inputs) {
      let out: ParsedError[] = [];
      expect(() => (out = parseDenials(input))).not.toThrow();
      expect(Array.isArray(out)).toBe(true);
      for (const e of out) {
        expect(['denial', 'credentials']).toContain(e.kind);
        expect(typeof e.code).toBe('string');
        expect(typeof e.raw).toBe('string');
        if (e.kind === 'denial') {
          expect(DENIAL_REASONS).toContain(e.reason);
          if (e.action !== undefined) expect(e.action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9*]+$/);
          expect(typeof e.resourceInferred).toBe('boolean');
          expect(typeof e.actionInferred).toBe('boolean');
        }
      }
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('on values that are not strings, hostile objects and pathological sizes', () => {
    const hostile = Object.defineProperty({}, 'message', {
      get() {
        throw new Error('boom');
      },
    });
    const circular: Record<string, unknown> = { name: 'AccessDenied' };
    circular.cause = circular;
    for (const value of [null, undefined, 42, {}, [], hostile, circular, Symbol('x'), () => 'x']) {
      expect(() => parseDenials(value as unknown as string)).not.toThrow();
    }
    expect(() => parseDenials('x', null as unknown as DenialContext)).not.toThrow();
    expect(() => parseDenials('x', { addressHints: null as unknown as Record<string, never> })).not.toThrow();
    const started = Date.now();
    const huge = [
      `arn:${'a'.repeat(300_000)} is not authorized to perform: s3:GetObject`,
      `User: arn:aws:iam::1:user/x is not authorized to perform: s3:GetObject on resource: ${'x'.repeat(300_000)}`,
      `Encoded authorization failure message: ${'A'.repeat(200_000)}\n${'B'.repeat(100)}\n`.repeat(3),
      '{'.repeat(100_000),
      `${'['.repeat(50_000)}"AccessDenied: x"${']'.repeat(50_000)}`,
      'creating S3 Bucket '.repeat(20_000),
      'api error AccessDenied: '.repeat(20_000),
    ];
    for (const input of huge) expect(() => parseDenials(input)).not.toThrow();
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('deduplication', () => {
  const line = 'An error occurred (AccessDenied) when calling the CreateRole operation: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/app because no identity-based policy allows the iam:CreateRole action';

  it('keeps one denial for the same error seen several times, and keeps the address one of them had', () => {
    const stream = [
      JSON.stringify({ '@level': 'error', type: 'diagnostic', diagnostic: { severity: 'error', summary: line, detail: '', address: 'aws_iam_role.app' } }),
      line,
      line,
    ].join('\n');
    const out = parseDenials(stream);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'denial', action: 'iam:CreateRole', address: 'aws_iam_role.app' });
  });

  it('keeps denials apart when action, resource or address differ', () => {
    const other = line.replaceAll('role/app', 'role/worker');
    expect(parseDenials(`${line}\n${other}`)).toHaveLength(2);
    const diag = (address: string) => JSON.stringify({ type: 'diagnostic', diagnostic: { severity: 'error', summary: 'api error AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:CreatePolicy', address } });
    expect(denials(parseDenials([diag('aws_iam_policy.a'), diag('aws_iam_policy.b'), diag('aws_iam_policy.a')].join('\n'))).map((d) => d.address)).toEqual(['aws_iam_policy.a', 'aws_iam_policy.b']);
  });

  it('reports each credential problem once', () => {
    const expired = 'An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired';
    expect(withoutRaw(parseDenials(`${expired}\n${expired}\n${expired}`))).toEqual([{ kind: 'credentials', code: 'ExpiredToken' }]);
  });
});

describe('action normalisation', () => {
  it.each([
    ['SNS:CreateTopic', 'sns:CreateTopic'],
    ['sqs:createqueue', 'sqs:CreateQueue'],
    ['sqs:SENDMESSAGE', 'sqs:SendMessage'],
    ['S3:getobject', 's3:GetObject'],
    ['s3:putbucketpublicaccessblock', 's3:PutBucketPublicAccessBlock'],
    ['iam:passrole', 'iam:PassRole'],
    ['dynamodb:describetable', 'dynamodb:DescribeTable'],
    ['logs:createloggroup', 'logs:CreateLogGroup'],
    ['Lambda:invokefunction', 'lambda:InvokeFunction'],
    ['ec2:RunInstances', 'ec2:RunInstances'],
    ['ec2:*', 'ec2:*'],
    ['s3:Get*', 's3:Get*'],
    ['execute-api:Invoke', 'execute-api:Invoke'],
    ['waf-regional:GetWebACLForResource', 'waf-regional:GetWebACLForResource'],
    ['foo:barBaz', 'foo:BarBaz'],
    ['(sts:DecodeAuthorizationMessage)', 'sts:DecodeAuthorizationMessage'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseAction(input)).toBe(expected);
  });

  it('refuses what is not an action', () => {
    for (const bad of ['', 'nope', 's3:', ':GetObject', 's3:Get Object', 'arn:aws:s3:::b']) expect(normaliseAction(bad)).toBeUndefined();
  });

  it('maps API operations to the IAM action they need', () => {
    expect(actionForOperation('s3', 'HeadBucket')).toBe('s3:ListBucket');
    expect(actionForOperation('s3', 'PutBucketEncryption')).toBe('s3:PutEncryptionConfiguration');
    expect(actionForOperation('s3', 'PutBucketTagging')).toBe('s3:PutBucketTagging');
    expect(actionForOperation('lambda', 'Invoke')).toBe('lambda:InvokeFunction');
    expect(actionForOperationHint('CloudWatch Logs:CreateLogGroup')).toBe('logs:CreateLogGroup');
    expect(actionForOperationHint('Resource Groups Tagging API:GetResources')).toBe('tag:GetResources');
    expect(actionForOperationHint('s3:CreateBucket')).toBe('s3:CreateBucket');
    expect(actionForOperationHint('CreateBucket')).toBe('s3:CreateBucket');
    expect(actionForOperationHint('TagResource')).toBeUndefined();
  });

  it('normalises the action of every parsed message', () => {
    const out = parseDenials('AuthorizationError: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:123456789012:t');
    expect(denials(out)[0]?.action).toBe('sns:Publish');
  });
});

describe('context', () => {
  it('builds ARNs in the partition, region and account it is given', () => {
    const text = 'creating DynamoDB Table (orders): operation error DynamoDB: CreateTable, https response error StatusCode: 403, RequestID: x, deserialization failed';
    expect(denials(parseDenials(text))[0]?.resourceArn).toBeUndefined();
    expect(denials(parseDenials(text, { region: 'cn-north-1', accountId: '123456789012' }))[0]?.resourceArn).toBe('arn:aws-cn:dynamodb:cn-north-1:123456789012:table/orders');
    expect(denials(parseDenials(text, { region: 'eu-west-1', accountId: '123456789012', partition: 'aws' }))[0]?.resourceArn).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/orders');
  });

  it('uses an address hint ARN as is', () => {
    const summary = 'operation error SQS: SetQueueAttributes, https response error StatusCode: 403, RequestID: x, api error AccessDenied: Access Denied';
    const input = JSON.stringify({ type: 'diagnostic', diagnostic: { severity: 'error', summary, address: 'aws_sqs_queue.q' } });
    const out = denials(parseDenials(input, { addressHints: { 'aws_sqs_queue.q': { arn: 'arn:aws:sqs:us-east-1:123456789012:q' } } }));
    expect(out[0]).toMatchObject({ action: 'sqs:SetQueueAttributes', resourceArn: 'arn:aws:sqs:us-east-1:123456789012:q', resourceInferred: true });
  });

  it('never infers a resource of another service than the action', () => {
    const text = 'creating Lambda Function (fn): operation error Lambda: CreateFunction, https response error StatusCode: 403, RequestID: x, api error AccessDenied: User: arn:aws:iam::123456789012:user/d is not authorized to perform: iam:PassRole';
    const [d] = denials(parseDenials(text, { region: 'us-east-1' }));
    expect(d).toMatchObject({ action: 'iam:PassRole', resourceInferred: false });
    expect(d?.resourceArn).toBeUndefined();
  });
});

describe('SDK errors as objects', () => {
  it('reads the hidden fields of a thrown SDK v3 error (moto XML body of a JSON-protocol call)', () => {
    const error = new SyntaxError('Unexpected token \'<\', "<?xml vers"... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.');
    Object.defineProperty(error, '$metadata', { value: { httpStatusCode: 403 }, enumerable: false });
    Object.defineProperty(error, '$responseBodyText', {
      value: '<?xml version="1.0" encoding="utf-8"?>\n<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: dynamodb:CreateTable</Message><Type>Sender</Type></Error></Errors></ErrorResponse>',
      enumerable: false,
    });
    expect(withoutRaw(parseDenials(sdkErrorText(error)))).toEqual([
      { kind: 'denial', principalArn: 'arn:aws:iam::123456789012:user/deployer', action: 'dynamodb:CreateTable', actionInferred: false, resourceInferred: false, reason: 'unknown', code: 'AccessDenied' },
    ]);
  });

  it('accepts the error object itself', () => {
    const error = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(withoutRaw(parseDenials(error as unknown as string, { operation: 'S3:CreateBucket' }))).toEqual([
      { kind: 'denial', action: 's3:CreateBucket', actionInferred: true, resourceInferred: false, reason: 'unknown', code: 'AccessDenied' },
    ]);
  });
});

describe('decoded authorization messages', () => {
  // AWS IAM User Guide, "Use DecodeAuthorizationMessage with a CLI" (explicit deny, bare
  // operation name in context.action; the condition list is shortened here).
  const explicit = JSON.stringify({
    allowed: false,
    explicitDeny: true,
    matchedStatements: {
      items: [
        {
          statementId: 'VisualEditor0',
          effect: 'DENY',
          principals: { items: [{ value: 'AROA123456789EXAMPLE' }] },
          principalGroups: { items: [] },
          actions: { items: [{ value: 'ec2:RunInstances' }] },
          resources: { items: [{ value: '*' }] },
          conditions: { items: [] },
        },
      ],
    },
    failures: { items: [] },
    context: {
      principal: { id: 'AROA123456789EXAMPLE:Ana', arn: 'arn:aws:sts::111122223333:assumed-role/Developer/Ana' },
      action: 'RunInstances',
      resource: 'arn:aws:ec2:us-east-1:111122223333:instance/*',
      conditions: { items: [{ key: 'ec2:MetadataHttpPutResponseHopLimit', values: { items: [{ value: '2' }] } }] },
    },
  });
  // AWS re:Post knowledge center "ec2-not-auth-launch" (implicit deny of iam:PassRole).
  const implicit = JSON.stringify({
    allowed: false,
    explicitDeny: false,
    matchedStatements: { items: [] },
    failures: { items: [] },
    context: {
      principal: { id: 'ABCDEFGHIJKLMNO', name: 'AWS-User', arn: 'arn:aws:iam::111122223333:user/test-user' },
      action: 'iam:PassRole',
      resource: 'arn:aws:iam::111122223333:role/EC2_instance_Profile_role',
      conditions: { items: [{ key: 'aws:Service', values: { items: [{ value: 'ec2' }] } }] },
    },
  });

  it('reads action, resource, principal and whether a Deny matched', () => {
    expect(classifyDecodedMessage(explicit)).toEqual({
      allowed: false,
      explicit: true,
      action: 'ec2:RunInstances',
      resourceArn: 'arn:aws:ec2:us-east-1:111122223333:instance/*',
      principalArn: 'arn:aws:sts::111122223333:assumed-role/Developer/Ana',
      reason: 'unknown',
      statements: [{ sid: 'VisualEditor0', effect: 'DENY', actions: ['ec2:RunInstances'], resources: ['*'] }],
    });
    expect(classifyDecodedMessage(JSON.stringify({ DecodedMessage: implicit }))).toEqual({
      allowed: false,
      explicit: false,
      action: 'iam:PassRole',
      resourceArn: 'arn:aws:iam::111122223333:role/EC2_instance_Profile_role',
      principalArn: 'arn:aws:iam::111122223333:user/test-user',
      reason: 'unknown',
      statements: [],
    });
  });

  it('returns undefined for anything else, without throwing', () => {
    for (const bad of ['', 'not json', '[]', '{}', '{"DecodedMessage":"nope"}', 'null', '{"context":', '"x"']) expect(classifyDecodedMessage(bad)).toBeUndefined();
    expect(() => classifyDecodedMessage(undefined as unknown as string)).not.toThrow();
  });

  it('completes an encoded EC2 denial', () => {
    const f = fixtures.find((x) => x.file === 'code-ec2-encoded-terraform-011.json')!;
    const [d] = denials(parseDenials(f.input));
    expect(d?.encodedMessage).toBeTruthy();
    const done = applyDecodedMessage(d!, explicit);
    expect(done).toMatchObject({
      action: 'ec2:RunInstances',
      actionInferred: false,
      resourceArn: 'arn:aws:ec2:us-east-1:111122223333:instance/*',
      resourceInferred: false,
      principalArn: 'arn:aws:sts::111122223333:assumed-role/Developer/Ana',
      explicit: true,
      reason: 'unknown',
      address: 'aws_instance.iOne',
    });
    expect(applyDecodedMessage(d!, 'garbage')).toBe(d);
  });
});

describe('decodeDenials (encoded EC2 messages, decoded by the provider)', () => {
  const corpus = JSON.parse(readFileSync(join(DIR, 'code-ec2-encoded-tofu-v6.json'), 'utf8'));
  const [encoded] = parseDenials(corpus.input) as Denial[];
  const decodedJson = JSON.stringify({
    allowed: false,
    explicitDeny: false,
    matchedStatements: { items: [] },
    failures: { items: [] },
    context: { principal: { arn: 'arn:aws:iam::123456789012:user/life-test-deploy' }, action: 'ec2:RunInstances', resource: 'arn:aws:ec2:us-east-1:123456789012:instance/*' },
  });

  it('fills action, resource and principal from the decoded message, once per encoded denial', async () => {
    const asked: string[] = [];
    const [plain] = parseDenials('User: arn:aws:iam::123456789012:user/u is not authorized to perform: s3:CreateBucket on resource: arn:aws:s3:::b') as Denial[];
    const out = await decodeDenials([encoded!, plain!], async (message) => {
      asked.push(message);
      return decodedJson;
    });
    expect(asked).toEqual([encoded!.encodedMessage]);
    expect(out[0]).toMatchObject({ action: 'ec2:RunInstances', actionInferred: false, resourceArn: 'arn:aws:ec2:us-east-1:123456789012:instance/*', principalArn: 'arn:aws:iam::123456789012:user/life-test-deploy', explicit: false });
    expect(out[1]).toBe(plain);
  });

  it('leaves a denial as it was when the message cannot be decoded', async () => {
    const out = await decodeDenials([encoded!], async () => {
      throw new Error('AccessDenied: not authorized to perform sts:DecodeAuthorizationMessage');
    });
    expect(out).toEqual([encoded]);
  });
});
