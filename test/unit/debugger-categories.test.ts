import { describe, expect, it } from 'vitest';
import { categorise } from '../../src/debugger/categories.js';
import { CREDENTIAL_CODES, DENIAL_CODES } from '../../src/handlers/hosting/aws/denials.js';
import { classifyAwsError, CONFLICT_CODES, THROTTLING_CODES } from '../../src/handlers/hosting/aws/errors.js';

describe('the debugger reads error codes as the AWS classifier does', () => {
  it('each code of the classifier\'s lists falls in the matching category', () => {
    for (const code of CREDENTIAL_CODES) expect([code, categorise(code, '')]).toEqual([code, 'credentials']);
    for (const code of DENIAL_CODES) expect([code, categorise(code, '')]).toEqual([code, 'permission']);
    for (const code of THROTTLING_CODES) expect([code, categorise(code, '')]).toEqual([code, 'quota/limit']);
    for (const code of CONFLICT_CODES) expect([code, categorise(code, '')]).toEqual([code, 'resource/conflict']);
  });

  it('codes only the debugger knew before are conflicts to the classifier too', () => {
    const reason = (code: string) => classifyAwsError(Object.assign(new Error('x'), { name: code, $metadata: { httpStatusCode: 400 } }), 'ec2:CreateSecurityGroup').reason;
    for (const code of ['InvalidGroup.Duplicate', 'InvalidPermission.Duplicate', 'DBInstanceAlreadyExists', 'InvalidDBInstanceState']) expect([code, reason(code)]).toEqual([code, 'conflict']);
  });

  it('the debugger\'s own codes stay: quotas, S3\'s AllAccessDisabled, resources gone', () => {
    expect(categorise('LimitExceededException', '')).toBe('quota/limit');
    expect(categorise('KMSRequestLimitExceeded', '')).toBe('quota/limit');
    expect(categorise('AllAccessDisabled', '')).toBe('permission');
    expect(categorise('NoSuchBucket', '')).toBe('resource/conflict');
    expect(categorise('InvalidAMIID.NotFound', '')).toBe('configuration');
  });
});
