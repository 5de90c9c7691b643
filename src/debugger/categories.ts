import { CREDENTIAL_CODES, DENIAL_CODES } from '../handlers/hosting/aws/denials.js';
import { CONFLICT_CODES, THROTTLING_CODES } from '../handlers/hosting/aws/errors.js';

/**
 * The categories of infrastructure failures, and the rules that put an error in one.
 * Rules are tried in order; the first that matches wins. Permission and credential rules
 * come first: an AccessDenied that mentions a timeout is still a permission problem.
 */

export const CATEGORIES = ['permission', 'credentials', 'state/lock', 'quota/limit', 'network/timeout', 'resource/conflict', 'configuration', 'unknown'] as const;
export type Category = (typeof CATEGORIES)[number];

interface Rule {
  category: Category;
  codes?: readonly string[];
  /** Matched against the raw error text, case-insensitively. */
  text?: RegExp;
}

const RULES: readonly Rule[] = [
  {
    category: 'credentials',
    codes: CREDENTIAL_CODES,
    text: /no valid credential sources|failed to refresh cached credentials|unable to locate credentials|could not load credentials|security token included in the request is (?:expired|invalid)|sso session .* has expired|failed to (?:get|retrieve) (?:shared )?config profile/i,
  },
  {
    category: 'permission',
    // S3's AllAccessDisabled is a 403 (a denial to the classifier by its status) that no grant fixes,
    // so the denial parser does not report it; to a person it is still a permission problem.
    codes: [...DENIAL_CODES, 'AllAccessDisabled'],
    text: /not authorized to perform|access denied|accessdenied|unauthorizedoperation|is not authorized to|explicit deny|permissions boundary|service control policy/i,
  },
  {
    category: 'state/lock',
    codes: ['ConditionalCheckFailedException'],
    text: /error acquiring the state lock|state lock|saved plan is stale|state snapshot was created by|failed to (?:load|persist|save) state|error loading state|state data in s3 does not have the expected content|inconsistent dependency lock file|checksum .*does not match|provider produced inconsistent (?:final plan|result)|resource instance .* tainted|workspace .* does not exist/i,
  },
  {
    category: 'quota/limit',
    // Quotas are the debugger's own (the classifier calls them `rejected`); throttling is the classifier's list.
    codes: ['LimitExceeded', 'LimitExceededException', 'TooManyBuckets', 'ServiceQuotaExceededException', 'VcpuLimitExceeded', 'InstanceLimitExceeded', 'AddressLimitExceeded', 'VpcLimitExceeded', 'KMSRequestLimitExceeded', ...THROTTLING_CODES],
    text: /limit exceeded|quota exceeded|rate exceeded|too many requests|throttl/i,
  },
  {
    category: 'network/timeout',
    codes: ['RequestTimeout', 'RequestTimeoutException', 'RequestExpired', 'ServiceUnavailable', 'ServiceUnavailableException', 'InternalError', 'InternalFailure', 'InternalServerError'],
    text: /i\/o timeout|dial tcp|no such host|connection refused|connection reset|context deadline exceeded|tls handshake timeout|timeout while waiting for|timed out waiting|request canceled|net\/http: request|EOF$|unexpected eof|503 service unavailable/im,
  },
  {
    category: 'resource/conflict',
    // The classifier's conflicts, and a resource gone (to a deploy, a conflict between state and cloud).
    codes: [...CONFLICT_CODES, 'NoSuchEntity', 'NoSuchBucket', 'ResourceNotFoundException', 'NotFoundException', 'InvalidGroup.NotFound', 'DBInstanceNotFound'],
    text: /already exists|already owned by you|in use|has a dependent object|dependencyviolation|is not empty|not found|does not exist|deleted recently|being (?:deleted|modified|created)/i,
  },
  {
    category: 'configuration',
    codes: ['InvalidParameter', 'InvalidParameterValue', 'InvalidParameterValueException', 'InvalidParameterCombination', 'InvalidParameterException', 'ValidationException', 'ValidationError', 'MalformedPolicyDocument', 'MalformedPolicyDocumentException', 'InvalidRequest', 'InvalidBucketName', 'InvalidArgument', 'InvalidInput', 'InvalidRequestException', 'KMSInvalidStateException', 'DisabledException', 'InvalidAMIID.Malformed', 'InvalidAMIID.NotFound', 'Unsupported', 'InvalidClientException'],
    text: /unsupported argument|missing required argument|invalid reference|reference to undeclared|invalid value for|unsupported (?:block type|attribute)|invalid provider configuration|failed to query available provider packages|incompatible provider version|unsupported (?:terraform|opentofu) core version|no available releases match|invalid (?:region|parameter|function argument)|validation error|malformed/i,
  },
];

const BY_CODE = new Map<string, Category>(RULES.flatMap((rule) => (rule.codes ?? []).map((code) => [code.toLowerCase(), rule.category] as const)));

/** The category of an error: by its code when it has a known one, else by its words. */
export function categorise(code: string | null, text: string): Category {
  const byCode = code ? BY_CODE.get(code.toLowerCase()) : undefined;
  if (byCode) return byCode;
  for (const rule of RULES) if (rule.text?.test(text)) return rule.category;
  return 'unknown';
}
