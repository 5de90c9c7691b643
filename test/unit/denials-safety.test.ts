import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyDecodedMessage, classifyDecodedMessage, parseDenials, type Denial, type ParsedError } from '../../src/handlers/hosting/aws/denials.js';
import { planGrant, type GrantContext } from '../../src/permissions/grant-plan.js';
import { ACCOUNT, CTX as TEST_CTX } from '../support/grant-context.js';

/**
 * The parser's answers that decide what the planner may grant: a `*` resource kept as `*`,
 * every reason kept apart, credential problems never lost, stated facts never overwritten by
 * a decoded message, and bounded work on oversized input.
 */

const USER = `arn:aws:iam::${ACCOUNT}:user/faber-deployer`;
// Opted in to scoped PassRole/AssumeRole: only the `*` floor stands between them and a grant.
const CTX: GrantContext = { ...TEST_CTX, neverAutoGrant: [] };
const denialsOf = (list: ParsedError[]) => list.filter((e): e is Denial => e.kind === 'denial');
const sentence = (action: string, resource: string, tail = `because no identity-based policy allows the ${action} action`) =>
  `User: ${USER} is not authorized to perform: ${action} on resource: ${resource} ${tail}`;

describe('resource * is kept, so PassRole/AssumeRole on * stay refused', () => {
  it.each([
    ['iam:PassRole', (r: string) => sentence('iam:PassRole', r)],
    ['sts:AssumeRole', (r: string) => sentence('sts:AssumeRole', r)],
    ['iam:PassRole', (r: string) => `api error AccessDenied: User: ${USER} is not authorized to perform: iam:PassRole on resource: ${r}`],
    ['sts:AssumeRole', (r: string) => `An error occurred (AccessDenied) when calling the AssumeRole operation: User: ${USER} is not authorized to perform: sts:AssumeRole on resource: "${r}"`],
  ])('%s on *', async (action, message) => {
    for (const resource of ['*', '*.', '*,']) {
      const [d, ...rest] = denialsOf(parseDenials(message(resource)));
      expect(rest).toEqual([]);
      expect(d).toMatchObject({ action, resourceArn: '*', resourceInferred: false, principalArn: USER });
      const plan = await planGrant([d!], { ...CTX, grantUnknownReason: true });
      expect(plan.grantable).toEqual([]);
      expect(plan.refused).toEqual([expect.objectContaining({ action, resource: '*', reason: 'escalation' })]);
    }
  });

  it('keeps a scoped resource scoped, and drops what is neither an ARN nor *', () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/myapp-core-test-fn`;
    expect(denialsOf(parseDenials(sentence('iam:PassRole', `${role}.`)))[0]?.resourceArn).toBe(role);
    expect(denialsOf(parseDenials(sentence('iam:PassRole', `${role}<br/>`)))[0]?.resourceArn).toBe(role);
    expect(denialsOf(parseDenials(sentence('iam:PassRole', 'my-role')))[0]?.resourceArn).toBeUndefined();
    expect(denialsOf(parseDenials(sentence('iam:PassRole', '**')))[0]?.resourceArn).toBeUndefined();
  });
});

describe('one output, several reasons', () => {
  const REASONS: [string, string, boolean][] = [
    ['because no identity-based policy allows the s3:CreateBucket action', 'no-identity-policy', false],
    ['with an explicit deny in an identity-based policy', 'explicit-deny-identity', true],
    ['with an explicit deny in a service control policy', 'scp', true],
    ['because no service control policy allows the s3:CreateBucket action', 'scp', false],
    ['with an explicit deny in a resource control policy', 'scp', true],
    ['because no permissions boundary allows the s3:CreateBucket action', 'permissions-boundary', false],
    ['because no session policy allows the s3:CreateBucket action', 'session-policy', false],
    ['because no resource-based policy allows the s3:CreateBucket action', 'resource-policy', false],
    ['with an explicit deny in a VPC endpoint policy', 'resource-policy', true],
    ['because of something else', 'unknown', false],
  ];

  it('classifies each reason tail', () => {
    for (const [tail, reason, explicit] of REASONS) {
      const [d] = denialsOf(parseDenials(sentence('s3:CreateBucket', 'arn:aws:s3:::myapp-core-test-a', tail)));
      expect(d?.reason, tail).toBe(reason);
      if (reason !== 'unknown') expect(d?.explicit, tail).toBe(explicit);
      else expect(d?.explicit).toBeUndefined();
    }
  });

  it('never merges the same action and resource denied for different reasons (an SCP deny is not hidden behind an identity one)', async () => {
    const resource = 'arn:aws:s3:::myapp-core-test-a';
    // One tail per (reason, explicit): an SCP and an RCP deny are the same class, and merge.
    const distinct = REASONS.filter(([tail]) => !tail.includes('resource control'));
    const text = distinct.map(([tail]) => `Error: creating S3 Bucket: ${sentence('s3:CreateBucket', resource, tail)}`).join('\n\n');
    const parsed = denialsOf(parseDenials(text));
    expect(parsed.map((d) => [d.reason, d.explicit ?? null])).toEqual(distinct.map(([, reason, explicit]) => [reason, reason === 'unknown' ? null : explicit]));
    // The planner grants the identity one and refuses every other.
    const plan = await planGrant(parsed, CTX);
    expect(plan.grantable.map((g) => g.denials)).toEqual([[0]]);
    expect(plan.refused.flatMap((r) => r.denials).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps denials apart that differ only in the denying policy, code, principal or encoded message', () => {
    const resource = 'arn:aws:s3:::myapp-core-test-a';
    const scp = (arn: string) => `with an explicit deny in a service control policy: ${arn}`;
    const a = sentence('s3:CreateBucket', resource, scp(`arn:aws:organizations::${ACCOUNT}:policy/o-1/service_control_policy/p-aaaa`));
    const b = sentence('s3:CreateBucket', resource, scp(`arn:aws:organizations::${ACCOUNT}:policy/o-1/service_control_policy/p-bbbb`));
    expect(denialsOf(parseDenials(`${a}\n\n${b}`)).map((d) => d.policyArn)).toEqual([
      `arn:aws:organizations::${ACCOUNT}:policy/o-1/service_control_policy/p-aaaa`,
      `arn:aws:organizations::${ACCOUNT}:policy/o-1/service_control_policy/p-bbbb`,
    ]);
    const other = sentence('s3:CreateBucket', resource).replace(USER, `arn:aws:iam::${ACCOUNT}:user/other`);
    expect(denialsOf(parseDenials(`${sentence('s3:CreateBucket', resource)}\n\n${other}`))).toHaveLength(2);
    const codes = `AccessDenied: ${sentence('s3:CreateBucket', resource)}\n\nForbidden: ${sentence('s3:CreateBucket', resource)}`;
    expect(denialsOf(parseDenials(codes)).map((d) => d.code)).toEqual(['AccessDenied', 'Forbidden']);
    const enc = (blob: string) => `Error: UnauthorizedOperation: You are not authorized to perform this operation. Encoded authorization failure message: ${blob}`;
    expect(denialsOf(parseDenials(`${enc('A'.repeat(40))}\n\n${enc('B'.repeat(40))}`))).toHaveLength(2);
    // The same error twice is one denial.
    expect(denialsOf(parseDenials(`${a}\n\n${a}`))).toHaveLength(1);
  });
});

describe('credential problems next to denials', () => {
  it('reports a credential problem that follows a denial, and one that precedes it', () => {
    const denied = `Error: creating S3 Bucket (myapp-core-test-a): ${sentence('s3:CreateBucket', 'arn:aws:s3:::myapp-core-test-a')}`;
    const expired = 'Error: reading IAM Role: ExpiredToken: The security token included in the request is expired';
    for (const [text, kinds] of [
      [`${denied}\n\n${expired}`, ['denial', 'credentials']],
      [`${expired}\n\n${denied}`, ['credentials', 'denial']],
    ] as const) {
      const parsed = parseDenials(text);
      expect(parsed.map((e) => e.kind)).toEqual(kinds);
      expect(parsed.find((e) => e.kind === 'credentials')).toMatchObject({ code: 'ExpiredToken' });
    }
  });

  it('keeps different credential problems, once each', () => {
    const text = [
      'Error: ExpiredToken: The security token included in the request is expired',
      'Error: InvalidClientTokenId: The security token included in the request is invalid',
      'Error: ExpiredToken: The security token included in the request is expired',
      `Error: ${sentence('s3:CreateBucket', 'arn:aws:s3:::myapp-core-test-a')}`,
    ].join('\n\n');
    expect(parseDenials(text).map((e) => (e.kind === 'credentials' ? e.code : e.action))).toEqual(['ExpiredToken', 'InvalidClientTokenId', 's3:CreateBucket']);
  });

  it('recognises credential problems by their sentence when no code is printed', () => {
    for (const [text, code] of [
      ['Error: failed to refresh cached credentials, no valid credential sources for S3 Backend found.', 'NoCredentialProviders'],
      ['Could not load credentials from any providers', 'NoCredentialProviders'],
      ['Unable to locate credentials. You can configure credentials by running "aws configure".', 'NoCredentialProviders'],
      ['The security token included in the request is expired', 'ExpiredToken'],
      ['The security token included in the request is invalid.', 'InvalidClientTokenId'],
      ['Error when retrieving token from sso: Token has expired and refresh failed', 'SSOTokenExpired'],
    ] as const) {
      expect(parseDenials(text), text).toEqual([expect.objectContaining({ kind: 'credentials', code })]);
    }
  });
});

describe('a decoded authorization message completes a denial, never overwrites what AWS stated', () => {
  const decoded = JSON.stringify({
    allowed: false,
    explicitDeny: true,
    matchedStatements: { items: [] },
    context: {
      principal: { arn: `arn:aws:iam::${ACCOUNT}:user/decoded` },
      action: 'ec2:TerminateInstances',
      resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-decoded`,
    },
  });
  const base: Denial = { kind: 'denial', actionInferred: false, resourceInferred: false, reason: 'unknown', code: 'UnauthorizedOperation', raw: 'x' };

  it('keeps a stated action, resource and principal', () => {
    const stated: Denial = { ...base, action: 'ec2:RunInstances', resourceArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`, principalArn: USER };
    expect(applyDecodedMessage(stated, decoded)).toEqual({ ...stated, explicit: true });
  });

  it('replaces inferred ones and fills missing ones', () => {
    const inferred: Denial = { ...base, action: 'ec2:RunInstances', actionInferred: true, resourceArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/guess`, resourceInferred: true };
    expect(applyDecodedMessage(inferred, decoded)).toEqual({
      ...base,
      action: 'ec2:TerminateInstances',
      actionInferred: false,
      resourceArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-decoded`,
      resourceInferred: false,
      principalArn: `arn:aws:iam::${ACCOUNT}:user/decoded`,
      explicit: true,
    });
    expect(applyDecodedMessage(base, decoded)).toMatchObject({ action: 'ec2:TerminateInstances', resourceArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-decoded`, explicit: true });
  });

  it('keeps the denial when the decoded text is not an authorization message, and takes explicitDeny false as it is', () => {
    expect(applyDecodedMessage(base, 'not json')).toBe(base);
    expect(applyDecodedMessage(base, JSON.stringify({ allowed: false, explicitDeny: false, context: {} }))).toEqual({ ...base, explicit: false });
  });
});

describe('oversized input', () => {
  const one = sentence('s3:CreateBucket', 'arn:aws:s3:::myapp-core-test-a');

  it('reads the first 8 MiB of the output and ignores what follows', () => {
    const filler = `${'x'.repeat(1023)}\n`.repeat(8 * 1024);
    expect(denialsOf(parseDenials(`${one}\n\n${filler}`))).toHaveLength(1);
    expect(denialsOf(parseDenials(`${filler}\n\n${one}`))).toHaveLength(0);
  });

  it('caps the raw text kept with each denial at 4,000 characters', () => {
    const long = `${one} ${'y'.repeat(10_000)}`;
    const [d] = denialsOf(parseDenials(long));
    expect(d?.raw).toHaveLength(4001);
    expect(d?.raw.endsWith('…')).toBe(true);
    expect(denialsOf(parseDenials(one))[0]?.raw).toBe(one);
  });

  it('reads at most 500 denial sentences of one error block', () => {
    const many = Array.from({ length: 700 }, (_v, i) => sentence('s3:CreateBucket', `arn:aws:s3:::myapp-core-test-${i}`)).join(' ');
    const parsed = denialsOf(parseDenials(many));
    expect(parsed).toHaveLength(500);
    expect(parsed[499]?.resourceArn).toBe('arn:aws:s3:::myapp-core-test-499');
  });
});

describe('what each parsed error holds', () => {
  const DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/denials');
  const corpus = readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { input: string; context?: object });

  it('never carries a field set to undefined (a field is present only when known), across the corpus', () => {
    let seen = 0;
    for (const { input, context } of corpus) {
      for (const e of parseDenials(input, context as never)) {
        seen += 1;
        for (const [key, value] of Object.entries(e)) expect(value, `${key} in ${JSON.stringify(e).slice(0, 200)}`).not.toBeUndefined();
      }
    }
    expect(seen).toBeGreaterThan(40);
  });

  it('reads XML-escaped messages (moto answers JSON-protocol calls with XML)', () => {
    const xml = (inner: string) => `<ErrorResponse><Error><Code>AccessDenied</Code><Message>${inner}</Message></Error></ErrorResponse>`;
    const on = (resource: string) => denialsOf(parseDenials(xml(`User: ${USER} is not authorized to perform: s3:CreateBucket on resource: ${resource}`)))[0];
    expect(on('&quot;arn:aws:s3:::b&quot;')?.resourceArn).toBe('arn:aws:s3:::b');
    expect(on('&#34;arn:aws:s3:::b&#34;')?.resourceArn).toBe('arn:aws:s3:::b');
    expect(on('arn:aws:s3:::b&lt;/x&gt;')?.resourceArn).toBe('arn:aws:s3:::b');
    expect(on('arn:aws:s3:::b&gt;')?.resourceArn).toBe('arn:aws:s3:::b');
    expect(on('arn:aws:s3:::a&amp;b')?.resourceArn).toBe('arn:aws:s3:::a&b');
    const quoted = (q: string) => denialsOf(parseDenials(xml(`User: ${q}${USER}${q} is not authorized to perform: s3:CreateBucket`)))[0]?.principalArn;
    expect(quoted('&apos;')).toBeUndefined();
    expect(quoted('&#39;')).toBeUndefined();
    expect(quoted('')).toBe(USER);
    expect(on('arn:aws:s3:::b&unknown;x')?.resourceArn).toBe('arn:aws:s3:::b&unknown;x');
  });

  it('cleans the punctuation around a stated resource, principal and policy', () => {
    const resource = (r: string) => denialsOf(parseDenials(sentence('s3:CreateBucket', r, '')))[0]?.resourceArn;
    expect(resource('arn:aws:s3:::b).')).toBe('arn:aws:s3:::b');
    expect(resource('arn:aws:s3:::b],')).toBe('arn:aws:s3:::b');
    expect(resource('arn:aws:s3:::a.b')).toBe('arn:aws:s3:::a.b');
    const principal = (p: string) => denialsOf(parseDenials(`User: ${p} is not authorized to perform: s3:CreateBucket`))[0]?.principalArn;
    expect(principal(`arn:aws:iam::${ACCOUNT}:user/first.last.,`)).toBe(`arn:aws:iam::${ACCOUNT}:user/first.last`);
    expect(principal('anonymous')).toBeUndefined();
    const policy = denialsOf(parseDenials(sentence('s3:CreateBucket', 'arn:aws:s3:::b', `with an explicit deny in a service control policy: arn:aws:organizations::${ACCOUNT}:policy/o-1/service_control_policy/p-1).`)))[0];
    expect(policy?.policyArn).toBe(`arn:aws:organizations::${ACCOUNT}:policy/o-1/service_control_policy/p-1`);
  });

  it('classifies a reason tail that a terminal wrapped or punctuated', () => {
    const tail = (t: string) => denialsOf(parseDenials(`User: ${USER} is not authorized to perform: s3:CreateBucket on resource: "arn:aws:s3:::b"${t}`))[0];
    expect(tail(' because no identity-based\n      policy allows the s3:CreateBucket action')).toMatchObject({ reason: 'no-identity-policy', explicit: false });
    expect(tail(', with an explicit deny in a service control policy')).toMatchObject({ reason: 'scp', explicit: true });
    expect(tail(' with an explicit deny in a permission boundary')).toMatchObject({ reason: 'permissions-boundary', explicit: true });
  });

  it("takes a denial's code from before its sentence, never a credential code", () => {
    const text = `InvalidClientTokenId: ignored\nForbidden: User: ${USER} is not authorized to perform: s3:CreateBucket`;
    expect(denialsOf(parseDenials(text)).map((d) => d.code)).toEqual(['Forbidden']);
    const nearer = `Forbidden: request failed\nInvalidClientTokenId: User: ${USER} is not authorized to perform: s3:CreateBucket`;
    expect(denialsOf(parseDenials(nearer)).map((d) => d.code)).toEqual(['Forbidden']);
  });

  it('attaches an encoded message only to the sentence it follows', () => {
    const blob = 'A'.repeat(30);
    const text = `User: ${USER} is not authorized to perform: ec2:RunInstances. User: ${USER} is not authorized to perform: ec2:CreateTags. Encoded authorization failure message: ${blob}`;
    const [first, second] = denialsOf(parseDenials(text));
    expect(first && 'encodedMessage' in first).toBe(false);
    expect(second?.encodedMessage).toBe(blob);
  });

  it('reads encoded messages of at least 20 characters, wrapped up to the end of the output', () => {
    const enc = (blob: string) => denialsOf(parseDenials(`Error: UnauthorizedOperation: You are not authorized to perform this operation. Encoded authorization failure message: ${blob}`))[0]?.encodedMessage;
    expect(enc('A'.repeat(20))).toBe('A'.repeat(20));
    expect(enc('A'.repeat(19))).toBeUndefined();
    expect(enc(`${'A'.repeat(12)}\n${'B'.repeat(12)}`)).toBe(`${'A'.repeat(12)}${'B'.repeat(12)}`);
    // No code printed, only the encoded message: EC2's UnauthorizedOperation.
    expect(denialsOf(parseDenials(`You are not authorized to perform this operation. Encoded authorization failure message: ${'C'.repeat(30)}`))[0]).toMatchObject({ code: 'UnauthorizedOperation', encodedMessage: 'C'.repeat(30) });
  });

  it('a 403 is a denial only when no other error code explains it, and never next to a credential problem', () => {
    expect(denialsOf(parseDenials('operation error S3: HeadBucket, https response error StatusCode: 403, RequestID: X, api error NoSuchBucket: gone'))).toEqual([]);
    expect(parseDenials('operation error S3: HeadBucket, https response error StatusCode: 403, RequestID: X, api error ExpiredToken: expired').map((e) => e.kind)).toEqual(['credentials']);
    expect(denialsOf(parseDenials('operation error S3: HeadBucket, https response error StatusCode: 403, RequestID: X'))[0]).toMatchObject({ code: 'Forbidden' });
  });

  it('reads a null or non-object context as none', () => {
    for (const context of [null, 42, 'x']) {
      expect(denialsOf(parseDenials(sentence('s3:CreateBucket', 'arn:aws:s3:::b'), context as never))).toHaveLength(1);
    }
  });

  it('caps raw text above 4,000 characters only', () => {
    const exactly = `${sentence('s3:CreateBucket', 'arn:aws:s3:::b')} `.padEnd(4000, 'z');
    expect(denialsOf(parseDenials(exactly))[0]?.raw).toBe(exactly);
  });

  it('merges the same error seen twice with the same address, and keeps the address whichever copy had it', () => {
    const diag = (address?: string) =>
      JSON.stringify({ type: 'diagnostic', diagnostic: { severity: 'error', summary: sentence('s3:CreateBucket', 'arn:aws:s3:::b'), detail: '', ...(address ? { address } : {}) } });
    expect(denialsOf(parseDenials([diag('aws_s3_bucket.b'), diag('aws_s3_bucket.b')].join('\n'))).map((d) => d.address)).toEqual(['aws_s3_bucket.b']);
    expect(denialsOf(parseDenials([diag('aws_s3_bucket.b'), diag()].join('\n'))).map((d) => d.address)).toEqual(['aws_s3_bucket.b']);
    expect(denialsOf(parseDenials([diag(), diag('aws_s3_bucket.b')].join('\n'))).map((d) => d.address)).toEqual(['aws_s3_bucket.b']);
    // Only the action differs: two denials.
    expect(denialsOf(parseDenials(`${sentence('s3:CreateBucket', 'arn:aws:s3:::b')}\n\n${sentence('s3:PutBucketTagging', 'arn:aws:s3:::b')}`))).toHaveLength(2);
  });

  it('infers an SQS queue ARN from the queue URL when AWS names no resource', () => {
    const text = `Error: sending message to https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/myapp-core-test-q: User: ${USER} is not authorized to perform: sqs:SendMessage`;
    expect(denialsOf(parseDenials(text))[0]).toMatchObject({ resourceArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:myapp-core-test-q`, resourceInferred: true });
    expect(denialsOf(parseDenials(text.replace('sqs:SendMessage', 's3:PutObject')))[0]?.resourceArn).toBeUndefined();
  });
});

describe('decoded messages, field by field', () => {
  const context = { principal: { arn: USER }, action: 'RunInstances', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*` };

  it('holds only the fields the message states', () => {
    expect(classifyDecodedMessage(JSON.stringify({ allowed: true, explicitDeny: false, context: {} }))).toStrictEqual({ allowed: true, explicit: false, reason: 'unknown', statements: [] });
    expect(classifyDecodedMessage(JSON.stringify({ allowed: false, explicitDeny: true, context, matchedStatements: { items: [{ actions: { items: [{ value: 'ec2:RunInstances' }, { nope: 1 }, 'x'] }, resources: { items: [] } }, 'junk'] } }))).toStrictEqual({
      allowed: false,
      explicit: true,
      reason: 'unknown',
      action: 'ec2:RunInstances',
      resourceArn: context.resource,
      principalArn: USER,
      statements: [{ actions: ['ec2:RunInstances'], resources: [] }],
    });
  });

  it('recognises the document by any of allowed, explicitDeny or context, also inside DecodedMessage as an object', () => {
    for (const doc of [{ allowed: false }, { explicitDeny: true }, { context: {} }, { DecodedMessage: { explicitDeny: true } }, { DecodedMessage: JSON.stringify({ context: {} }) }]) {
      expect(classifyDecodedMessage(JSON.stringify(doc)), JSON.stringify(doc)).toBeDefined();
    }
    for (const doc of [{}, { allowedx: 1 }, { context: 'x' }, [], 'allowed']) expect(classifyDecodedMessage(JSON.stringify(doc))).toBeUndefined();
    expect(classifyDecodedMessage(`  ${JSON.stringify({ allowed: false })}\n`)).toBeDefined();
  });

  it('completes a bare operation name from a matched statement (any case), else from the resource ARN', () => {
    const withStatement = { ...context, action: ' runinstances ', resource: 'i-123' };
    const d1 = classifyDecodedMessage(JSON.stringify({ allowed: false, context: withStatement, matchedStatements: { items: [{ actions: { items: [{ value: 'EC2:RunInstances' }] } }] } }));
    expect(d1?.action).toBe('ec2:RunInstances');
    expect(d1 && 'resourceArn' in d1).toBe(false);
    expect(classifyDecodedMessage(JSON.stringify({ allowed: false, context: { action: 'RunInstances', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*` } }))?.action).toBe('ec2:RunInstances');
    expect(classifyDecodedMessage(JSON.stringify({ allowed: false, context: { action: 'RunInstances', resource: '*' } }))).toStrictEqual({ allowed: false, explicit: false, reason: 'unknown', resourceArn: '*', statements: [] });
    expect(classifyDecodedMessage(JSON.stringify({ allowed: false, context: { action: 'Run Instances', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*` } }))?.action).toBeUndefined();
    expect(classifyDecodedMessage(JSON.stringify({ allowed: false, context: { action: 'RunInstances' } }))?.action).toBeUndefined();
  });

  it('keeps statement ids and effects when given', () => {
    const d = classifyDecodedMessage(JSON.stringify({ allowed: false, matchedStatements: { items: [{ statementId: 'S1', effect: 'DENY', actions: { items: [{ value: 'ec2:RunInstances' }] }, resources: { items: [{ value: '*' }] } }] } }));
    expect(d?.statements).toStrictEqual([{ sid: 'S1', effect: 'DENY', actions: ['ec2:RunInstances'], resources: ['*'] }]);
  });
});

describe("the caller's operation as a hint", () => {
  const boto = 'An error occurred (AccessDenied) when calling the TagResource operation: Access Denied';
  const actionOf = (text: string, operation?: string) => denialsOf(parseDenials(text, operation ? { operation } : {}))[0]?.action;

  it('places an operation the error names in the service of the hint, in any spelling', () => {
    expect(actionOf(boto)).toBeUndefined();
    expect(actionOf(boto, 'lambda:TagResource')).toBe('lambda:TagResource');
    expect(actionOf(boto, 'Lambda: TagResource')).toBe('lambda:TagResource');
    expect(actionOf(boto, 'TagResource')).toBeUndefined();
  });

  it('never puts the hinted action in place of another operation the error names', () => {
    expect(actionOf(boto, 'lambda:ListTags')).toBeUndefined();
    // An error that names no operation takes the hint.
    expect(actionOf('Error: AccessDenied: Access Denied\n\tstatus code: 403', 's3:CreateBucket')).toBe('s3:CreateBucket');
  });

  it('places an operation in the service of the Terraform phrase only when the operation could be that service\'s', () => {
    expect(actionOf(`tagging Lambda Function (fn): ${boto}`)).toBe('lambda:TagResource');
    expect(actionOf('creating S3 Bucket (b): An error occurred (AccessDenied) when calling the CreateTable operation: Access Denied')).toBe('dynamodb:CreateTable');
  });

  it('takes a resource from the address hint: its ARN when of the same service, else its name', () => {
    const diag = (summary: string) => JSON.stringify({ type: 'diagnostic', diagnostic: { severity: 'error', summary, address: 'aws_s3_bucket.b' } });
    const resourceOf = (summary: string, hint: object) => denialsOf(parseDenials(diag(summary), { addressHints: { 'aws_s3_bucket.b': hint } }))[0]?.resourceArn;
    expect(resourceOf('AccessDenied: Access Denied', { arn: 'arn:aws:s3:::hinted' })).toBe('arn:aws:s3:::hinted');
    expect(resourceOf('AccessDenied: Access Denied', { name: 'named' })).toBe('arn:aws:s3:::named');
    expect(resourceOf('AccessDenied: Access Denied', { type: 'aws_s3_bucket' })).toBeUndefined();
    const sqs = `User: ${USER} is not authorized to perform: sqs:CreateQueue`;
    expect(resourceOf(sqs, { arn: 'arn:aws:s3:::hinted', name: 'n' })).toBeUndefined();
    expect(resourceOf(`User: ${USER} is not authorized to perform: s3:CreateBucket`, { arn: 'arn:aws:s3:::hinted', name: 'n' })).toBe('arn:aws:s3:::hinted');
  });
});
