import { sdkErrorText } from '../../error-text.js';
import { parseDenials } from './denials.js';
import { ProviderCallError, type ProviderFailure, type ProviderFailureReason } from '../failures.js';

/**
 * AWS SDK errors as provider-neutral failures. moto answers JSON-protocol calls (ECS,
 * Lambda, SQS, Logs, DynamoDB) with an XML error, which the SDK surfaces as a
 * deserialization error whose body holds the real code: the text of the whole error is
 * read, not only its name.
 */

const NOT_FOUND = /^(NoSuch\w*|\w*NotFound\w*|ResourceNotFoundException|ServiceNotFoundException|ClusterNotFoundException|AWS\.SimpleQueueService\.NonExistentQueue|QueueDoesNotExist|InvalidGroup\.NotFound|InvalidVolume\.NotFound|NoSuchEntity)$/;
const UNAVAILABLE = /^(ServiceUnavailable\w*|ServiceException|InternalFailure|InternalError|InternalServerError|ThrottlingException|Throttling|TooManyRequestsException|RequestTimeout\w*|TimeoutError|NotImplemented|UnknownEndpoint|EndpointError)$/;
const NETWORK = /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|socket hang up|getaddrinfo/i;
const REJECTED = /^(InvalidParameter\w*|ValidationException|ValidationError|LimitExceeded\w*|InvalidRequest\w*|ClientException|InvalidAttributeValue|AWS\.SimpleQueueService\.\w+)$/;

function statusOf(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The error code AWS gave, from the SDK's name or from moto's XML body. */
function codeOf(error: unknown, text: string): string | undefined {
  const name = (error as { name?: unknown; Code?: unknown } | null)?.name;
  const xml = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
  if (xml) return xml;
  return typeof name === 'string' && name !== 'Error' && name !== 'SyntaxError' ? name : undefined;
}

export function classifyAwsError(error: unknown, action: string): ProviderFailure {
  const text = sdkErrorText(error);
  const code = codeOf(error, text);
  const status = statusOf(error);
  const message = (/<Message>([^<]+)<\/Message>/.exec(text)?.[1] ?? (error as Error)?.message ?? String(error)).trim();
  const parsed = parseDenials(text, { operation: action });
  let reason: ProviderFailureReason = 'error';
  if (parsed.some((p) => p.kind === 'credentials')) reason = 'credentials';
  else if (parsed.some((p) => p.kind === 'denial') || status === 403 || /^AccessDenied/.test(code ?? '')) reason = 'permission-denied';
  else if (code && NOT_FOUND.test(code)) reason = 'not-found';
  else if ((code && UNAVAILABLE.test(code)) || (status !== undefined && status >= 500) || NETWORK.test(text) || NETWORK.test(String((error as { code?: unknown })?.code ?? ''))) reason = 'unavailable';
  else if (status === 404) reason = 'not-found';
  else if (code && REJECTED.test(code)) reason = 'rejected';
  const denied = parsed.find((p) => p.kind === 'denial');
  const named = denied?.kind === 'denial' && denied.action && !denied.actionInferred ? denied.action : action;
  return { reason, action: reason === 'permission-denied' ? named : action, message: message || text.split('\n')[0] || 'unknown error', ...(code ? { code } : {}) };
}

/** Run one SDK call; any failure becomes a ProviderCallError naming the action. */
export async function call<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new ProviderCallError(classifyAwsError(error, action));
  }
}
