import { describe, expect, it } from 'vitest';
import { buildPolicyDocuments, resourceAccountCondition } from '../../src/handlers/hosting/aws/policy-document.js';

const PIN = { StringEquals: { 'aws:ResourceAccount': '123456789012' } };

describe('resourceAccountCondition: statements on account-less ARNs are pinned to the account', () => {
  it('pins a statement naming an S3 bucket (its ARN carries no account), whatever else it names', () => {
    expect(resourceAccountCondition(['arn:aws:s3:::app-core-test-uploads'], '123456789012')).toEqual(PIN);
    expect(resourceAccountCondition(['arn:aws:dynamodb:us-east-1:123456789012:table/t', 'arn:aws:s3:::app-core-test-*'], '123456789012')).toEqual(PIN);
  });

  it('leaves `*`, ARNs that carry an account and things that are not ARNs alone', () => {
    expect(resourceAccountCondition(['*'], '123456789012')).toBeUndefined();
    expect(resourceAccountCondition(['arn:aws:dynamodb:us-east-1:123456789012:table/t'], '123456789012')).toBeUndefined();
    expect(resourceAccountCondition(['not-an-arn', 'bucket-name'], '123456789012')).toBeUndefined();
  });

  it('pins a malformed ARN rather than throwing (the safe direction)', () => {
    expect(resourceAccountCondition(['arn:nonsense'], '123456789012')).toEqual(PIN);
  });

  it('adds nothing when the account is unknown', () => {
    expect(resourceAccountCondition(['arn:aws:s3:::b'], undefined)).toBeUndefined();
  });
});

describe('buildPolicyDocuments', () => {
  it('sorts and de-duplicates actions and resources, merging actions that share a resource set', () => {
    const docs = buildPolicyDocuments([
      { action: 's3:PutObject', resources: ['arn:aws:s3:::b/*', 'arn:aws:s3:::a/*', 'arn:aws:s3:::b/*'] },
      { action: 's3:GetObject', resources: ['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*'] },
      { action: 'dynamodb:PutItem', resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/t'] },
    ]);
    expect(docs).toEqual([
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: ['arn:aws:dynamodb:us-east-1:123456789012:table/t'] },
          { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*'] },
        ],
      },
    ]);
  });

  it('pins only the statements on account-less ARNs when given the account', () => {
    const [doc] = buildPolicyDocuments(
      [
        { action: 's3:PutObject', resources: ['arn:aws:s3:::a/*'] },
        { action: 'sqs:SendMessage', resources: ['arn:aws:sqs:us-east-1:123456789012:q'] },
      ],
      6144,
      { resourceAccount: '123456789012' },
    );
    expect(doc?.Statement.map((s) => s.Condition)).toEqual([PIN, undefined]);
  });

  it('refuses a grant without resources instead of dropping it', () => {
    expect(() => buildPolicyDocuments([{ action: 's3:PutObject', resources: [] }])).toThrow(/no resources/);
  });
});
