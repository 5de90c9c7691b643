import { CREDENTIAL_CODES, DENIAL_CODES, parseDenials } from './denials.js';
import { findErrorCodes, normaliseErrorCode, sdkErrorText } from './error-text.js';
import { ProviderCallError, type ProviderFailure, type ProviderFailureReason } from '../failures.js';

/**
 * The one AWS error classifier: every SDK failure a handler sees becomes a provider-neutral
 * ProviderFailure (../failures.ts) with one of the reasons below, and leaves the handler as a
 * ProviderCallError. The ops and permission layers map reasons to their stable E_ codes.
 *
 * What AWS said, in this order: the SDK's error `name` and `$metadata.httpStatusCode`, then
 * the codes in the response body (moto answers JSON-protocol calls with an XML
 * `<ErrorResponse>`, which the SDK surfaces as a SyntaxError whose body, when it kept it,
 * holds the real code), then the error's text (network errors, SDK messages).
 */

/** Error names that say nothing about AWS: the JavaScript classes and the SDK's placeholders. */
const WEAK_NAMES = new Set(['Error', 'SyntaxError', 'TypeError', 'RangeError', 'ReferenceError', 'Unknown', 'UnknownError']);

const CREDENTIAL_SET = new Set<string>(CREDENTIAL_CODES);
const DENIAL_SET = new Set<string>(DENIAL_CODES);
/**
 * The SDK's retry classification (THROTTLING_ERROR_CODES in @smithy/core's retry module, which
 * is not a direct dependency) less LimitExceededException, which Lambda, ECS and others use for
 * quotas: a refusal to act on, not a pause to wait out.
 */
export const THROTTLING_CODES = [
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
] as const;
const THROTTLED = new Set<string>(THROTTLING_CODES);
const NOT_FOUND = /^(NoSuch\w*|\w*NotFound\w*|NotFound|AWS\.SimpleQueueService\.NonExistentQueue|NonExistentQueue|QueueDoesNotExist)$/;
/** The resource's current state stands in the way: it exists already, is in use or is being changed. */
export const CONFLICT_CODES = [
  'ConflictException',
  'ResourceConflictException',
  'ResourceInUseException',
  'ResourceExistsException',
  'ResourceAlreadyExistsException',
  'AlreadyExistsException',
  'EntityAlreadyExists',
  'EntityAlreadyExistsException',
  'BucketAlreadyExists',
  'BucketAlreadyOwnedByYou',
  'BucketNotEmpty',
  'TableAlreadyExistsException',
  'QueueNameExists',
  'QueueDeletedRecently',
  'AWS.SimpleQueueService.QueueDeletedRecently',
  'ConcurrentModificationException',
  'OperationAbortedException',
  'DeleteConflict',
  'DependencyViolation',
  'InvalidGroup.Duplicate',
  'InvalidPermission.Duplicate',
  'DBInstanceAlreadyExists',
  'InvalidDBInstanceState',
] as const;
const CONFLICT = new Set<string>(CONFLICT_CODES);
/** The service did not answer, or does not offer the call here (an emulator's unimplemented operation). */
const UNAVAILABLE = /^(ServiceUnavailable\w*|ServiceException|InternalFailure|InternalError|InternalServerError|InternalServerException|RequestTimeout\w*|TimeoutError|NotImplemented|UnknownOperation\w*|InvalidAction|UnknownEndpoint|EndpointError)$/;
const UNAVAILABLE_TEXT = /\b(NotImplemented|UnknownOperation|InvalidAction)\b/;
const NETWORK = /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|socket hang up|getaddrinfo/i;
const REJECTED = /^(InvalidParameter\w*|ValidationException|ValidationError|LimitExceeded\w*|InvalidRequest\w*|ClientException|InvalidAttributeValue|AWS\.SimpleQueueService\.\w+)$/;

/** Signing names moto's denials use where IAM's action prefix differs. */
const IAM_PREFIX: Record<string, string> = { monitoring: 'cloudwatch', tagging: 'tag' };

function field(error: unknown, key: string): unknown {
  try {
    return error !== null && typeof error === 'object' ? (error as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}

function statusOf(error: unknown): number | undefined {
  const status = field(field(error, '$metadata'), 'httpStatusCode');
  return typeof status === 'number' ? status : undefined;
}

/** The raw response body, when the SDK kept it as text (moto's XML answer to a JSON-protocol call). */
function bodyOf(error: unknown): string | undefined {
  const text = field(error, '$responseBodyText') ?? field(field(error, '$response'), 'body');
  return typeof text === 'string' && text ? text : undefined;
}

const CODE = /^[A-Za-z][\w.#]{0,200}$/;

/**
 * The AWS error code: the SDK's name, else a code field the error declares (`Code`,
 * `Error.Code`, `__type`), else the first code in the body, else in the error's text.
 */
function codeOf(error: unknown, body: string | undefined, text: string): string | undefined {
  const name = field(error, 'name');
  if (typeof name === 'string' && CODE.test(name) && !WEAK_NAMES.has(name)) return name;
  const declared = [field(error, 'Code'), field(field(error, 'Error'), 'Code'), field(error, '__type'), field(error, 'errorCode')].find((v): v is string => typeof v === 'string' && CODE.test(v));
  if (declared) return normaliseErrorCode(declared);
  return (body ? findErrorCodes(body)[0]?.value : undefined) ?? findErrorCodes(text)[0]?.value;
}

/** AWS's message for people: the body's <Message>, else the error's first line. */
function messageOf(error: unknown, body: string | undefined, text: string): string {
  const xml = body ? /<Message>([^<]+)<\/Message>/.exec(body)?.[1] : undefined;
  const own = field(error, 'message');
  const message = xml ?? (typeof own === 'string' && own ? own : text.replace(/^[\w.]+: /, ''));
  return message.split('\n')[0]?.trim() || 'unknown error';
}

function reasonOf(error: unknown, code: string | undefined, status: number | undefined, text: string, parsed: ReturnType<typeof parseDenials>): ProviderFailureReason {
  const nodeCode = String(field(error, 'code') ?? '');
  const is = (re: RegExp | Set<string>) => code !== undefined && (re instanceof Set ? re.has(code) : re.test(code));
  if (is(CREDENTIAL_SET) || parsed.some((p) => p.kind === 'credentials')) return 'credentials';
  if (is(DENIAL_SET) || /^AccessDenied/.test(code ?? '') || parsed.some((p) => p.kind === 'denial') || status === 403) return 'permission-denied';
  if (is(THROTTLED) || status === 429 || field(field(error, '$retryable'), 'throttling') === true) return 'throttled';
  if (is(NOT_FOUND)) return 'not-found';
  if (is(CONFLICT)) return 'conflict';
  if (is(UNAVAILABLE) || (status !== undefined && status >= 500) || UNAVAILABLE_TEXT.test(text) || NETWORK.test(text) || NETWORK.test(nodeCode)) return 'unavailable';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (is(REJECTED)) return 'rejected';
  return 'error';
}

/**
 * What a failed SDK call means. `action` is the call as a permission (`logs:FilterLogEvents`);
 * a denial that names its action (AWS's sentence, moto's) names it instead.
 */
export function classifyAwsError(error: unknown, action: string, context: { region?: string; resource?: string } = {}): ProviderFailure {
  const text = sdkErrorText(error);
  const body = bodyOf(error);
  const status = statusOf(error);
  const code = codeOf(error, body, text);
  const parsed = parseDenials(text, { operation: action, ...(context.region ? { region: context.region } : {}) });
  const reason = reasonOf(error, code, status, text, parsed);
  let named = action;
  const denial = parsed.find((p) => p.kind === 'denial');
  if (reason === 'permission-denied' && denial?.kind === 'denial' && denial.action && !denial.actionInferred) {
    const [service = '', operation = ''] = denial.action.split(':');
    named = `${IAM_PREFIX[service] ?? service}:${operation}`;
  }
  return {
    reason,
    action: named,
    message: messageOf(error, body, text),
    ...(code ? { code } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(context.resource !== undefined ? { resource: context.resource } : {}),
  };
}

/** Run one SDK call; any failure becomes a ProviderCallError naming the action. */
export async function call<T>(action: string, fn: () => Promise<T>, context: { region?: string; resource?: string } = {}): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new ProviderCallError(classifyAwsError(error, action, context), error);
  }
}
