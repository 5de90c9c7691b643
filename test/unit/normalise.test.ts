import { describe, expect, it } from 'vitest';
import { createNormaliser, signatureOf, tokenSet, tokenize } from '../../src/debugger/normalise.js';

/**
 * What varies between two occurrences of the same failure becomes a placeholder, one token
 * class at a time; what tells failures apart (status codes, resource types, words) stays.
 */

const normalise = createNormaliser({ pattern: '{project}-{subsystem}-{environment}-{resource}', project: 'shop', subsystem: 'core', environments: ['test', 'prod', 'blue'] });
const plain = createNormaliser();

describe('placeholders per token class', () => {
  it.each([
    ['url', 'see https://example.com/a?b=1 now and http://x.io', 'see <url> now and <url>'],
    ['arn', 'on arn:aws:iam::123456789012:role/x, then', 'on <arn>, then'],
    ['arn (other partition, ends at ; and ))', '(arn:aws-us-gov:s3:::b/k; arn:aws-cn:sqs:cn-north-1:123456789012:q)', '(<arn>; <arn>)'],
    ['encoded message', 'Encoded authorization failure message: AbC-_dEf123+/= done', 'Encoded authorization failure message: <encoded> done'],
    ['uuid', 'id 1B4E28BA-2fa1-11d2-883f-0016d3cca427.', 'id <uuid>.'],
    ['ISO time', 'at 2026-11-26T10:00:00.123Z and 2026-11-26 10:00 UTC and 2026-11-26T10:00:00+02:00', 'at <time> and <time> and <time>'],
    ['compact time', 'X-Amz-Date 20261126T100000Z', 'X-Amz-Date <time>'],
    ['HTTP date', 'Date: Mon, 7 Dec 2026 10:00:00 GMT', 'Date: <time>'],
    ['request id', 'RequestID: 4442587FB7D0A2F9, request id: abcdef12-x, x-amz-id-2=QWERTYuiop', 'RequestID: <id>, request id: <id>, x-amz-id-<n>=<id>'],
    ['host and lock id', 'HostId: 9C3rZ4w/ab+=, Lock ID: "abc_def-123"', 'HostId: <id>, Lock ID: "<id>"'],
    ['lock holder', 'Who:   runner@ci-7\nPath: s3-bucket/state/key', 'Who: <value> Path: <value>'],
    ['user', 'by jane.doe+ci@example.co.uk today', 'by <user> today'],
    ['region', 'in us-east-1, us-gov-west-1, eu-central-2 and cn-north-1', 'in <region>, <region>, <region> and <region>'],
    ['aws id', 'instance i-0123456789abcdef0 in sg-1234abcd and vpc-0a1b2c3d4e5f60718', 'instance <aws-id> in <aws-id> and <aws-id>'],
    ['ip', 'from 10.0.0.1 to 10.0.0.0/16 via 192.168.1.1:443', 'from <ip> to <ip> via <ip>'],
    ['account', 'account 123456789012 owns it', 'account <account> owns it'],
    ['absolute path', 'open /home/u/project/.terraform/lock.json: denied', 'open <path>: denied'],
    ['relative path', 'module modules/network/vpc and file infra/main.tf', 'module <path> and file <path>'],
    ['relative paths differing in their first segment', 'modules/network/vpc', '<path>'],
    ['blob', 'token AQoDYXdzEJr1K2Xb3Yc4Zd5Ae6Bf7Cg8Dh9 end', 'token <blob> end'],
    ['hex', 'digest deadbeef0123 ok', 'digest <hex> ok'],
    ['numbers', 'waited 42 seconds for 3.5 minutes', 'waited <n> seconds for <n> minutes'],
    ['status codes stay', 'StatusCode: 403, status code 409, Status Code: 500', 'StatusCode: 403, status code 409, Status Code: 500'],
    ['resource address', 'with module.net[0].aws_subnet.private["a"] and aws_s3_bucket.assets', 'with aws_subnet.<resource> and aws_s3_bucket.<resource>'],
    ['quoted resource', 'managed resource "aws_iam_role" "lamda" is not declared', 'managed resource "aws_iam_role" "<resource>" is not declared'],
    ['version constraint', 'requires "~> 5.0", found >= 4.2.1, < 5.0', 'requires <constraint>, found <constraint>'],
  ])('%s', (_class, input, expected) => {
    expect(plain(input)).toBe(expected);
  });

  it('replaces the project naming pattern and env-named resources with <name>', () => {
    expect(normalise('bucket shop-core-test-assets and shop-core-blue-api.v2 exist')).toBe('bucket <name> and <name> exist');
    expect(normalise('queue acme-api-prod-assets and widgets-staging-logs-2')).toBe('queue <name> and <name>');
    // Names inside ARNs go with the ARN; unrelated words stay.
    expect(normalise('arn:aws:s3:::shop-core-test-assets is shop-core')).toBe('<arn> is shop-core');
    // Without the project's environments, only the common ones are known.
    expect(plain('shop-core-blue-api')).toBe('shop-core-blue-api');
    expect(normalise('shop-core-blue-api')).toBe('<name>');
  });

  it('matches the naming pattern placeholder by placeholder, whatever the separators', () => {
    const n = createNormaliser({ pattern: '{project}_{subsystem}+{environment}_{resource}', project: 'shop', subsystem: 'core', environments: ['blue'] });
    // Underscores and a +: the generic hyphenated-name rule never sees these, only the pattern does.
    expect(n('a shop_core+blue_api and SHOP_CORE+BLUE_Worker-v2 b')).toBe('a <name> and <name> b');
    for (const other of ['shopx_core+blue_api', 'shop_corex+blue_api', 'shop_core+green_api', 'shop_core+blue_', 'shop_core+blue_-x', 'shop_coreblue_api', 'xshop_core+blue_api']) {
      expect(n(other), other).toBe(other);
    }
  });

  it('takes names apart before regions and other tokens inside them', () => {
    expect(normalise('bucket shop-core-test-us-east-1-logs')).toBe('bucket <name>');
  });

  it('drops the source-context lines of human output and the Error: label', () => {
    const human = [
      'Error: creating S3 Bucket (x): BucketAlreadyExists',
      '',
      '  with aws_s3_bucket.assets,',
      '  on main.tf line 12, in resource "aws_s3_bucket" "assets":',
      '  12: resource "aws_s3_bucket" "assets" {',
      '(and 2 more similar warnings elsewhere)',
    ].join('\r\n');
    expect(plain(human)).toBe('creating S3 Bucket (x): BucketAlreadyExists');
    expect(plain(human)).toBe(plain('creating S3 Bucket (x): BucketAlreadyExists'));
    // Only the label at the start of a line, with or without a space after it.
    expect(plain('Error:abc def')).toBe('abc def');
    expect(plain('Terraform Error: x\nxError: y')).toBe('Terraform Error: x xError: y');
    expect(plain('a\rError: b')).toBe('a b');
  });

  it('collapses whitespace and caps the message at 2,000 characters', () => {
    expect(plain('  a \t b\n\n c  ')).toBe('a b c');
    expect(plain('word '.repeat(1000))).toHaveLength(2000);
  });

  it('makes two occurrences of the same failure read the same', () => {
    const a = normalise('Error: creating Lambda Function (shop-core-test-api): operation error Lambda: CreateFunction, https response error StatusCode: 403, RequestID: 0f4e1c2a-1111-2222-3333-444455556666, api error AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized');
    const b = normalise('Error: creating Lambda Function (shop-core-prod-api): operation error Lambda: CreateFunction, https response error StatusCode: 403, RequestID: 9a8b7c6d-aaaa-bbbb-cccc-ddddeeeeffff, api error AccessDeniedException: User: arn:aws:sts::210987654321:assumed-role/z/w is not authorized');
    expect(a).toBe(b);
    expect(a).toBe('creating Lambda Function (<name>): operation error Lambda: CreateFunction, https response error StatusCode: 403, RequestID: <uuid>, api error AccessDeniedException: User: <arn> is not authorized');
  });
});

describe('tokens and signatures', () => {
  it('tokenSet keeps placeholders and words of two or more characters, lowercased, without stop words', () => {
    expect([...tokenSet('The Bucket <name> is NOT empty in <region>: a x2 of 5 to be_1')]).toEqual(['bucket', '<name>', 'not', 'empty', '<region>', 'x2', 'be_1']);
    expect(tokenize('Error ERROR bucket Bucket')).toEqual(['bucket']);
  });

  it('signatureOf: 16 hex digits, stable, and different when any fact differs', () => {
    const facts = { errorCode: 'AccessDenied', service: 's3', resourceType: 'aws_s3_bucket', normalisedMessage: 'creating <name>' };
    const sig = signatureOf(facts);
    expect(sig).toMatch(/^[0-9a-f]{16}$/);
    expect(signatureOf({ ...facts })).toBe(sig);
    const variants = [
      { ...facts, errorCode: null },
      { ...facts, errorCode: 'Forbidden' },
      { ...facts, service: null },
      { ...facts, resourceType: 'aws_s3_object' },
      { ...facts, normalisedMessage: 'deleting <name>' },
      // Fields are separated: moving text from one field to the next is another signature.
      { ...facts, errorCode: 'AccessDenieds', service: '3' },
    ];
    const sigs = variants.map(signatureOf);
    // A fact that is absent reads as empty.
    expect(signatureOf({ errorCode: null, service: null, resourceType: null, normalisedMessage: 'm' })).toBe(signatureOf({ errorCode: '', service: '', resourceType: '', normalisedMessage: 'm' }));
    expect(new Set([sig, ...sigs]).size).toBe(variants.length + 1);
  });
});
