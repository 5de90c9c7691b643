/**
 * AWS error text: a thrown SDK error as text, where SDKs, the AWS CLI and the AWS provider
 * print the error code, the HTTP status and the failed call, and the AWS dialect of the
 * handler-neutral error splitter (../../error-text.ts). Shared by the denial parser, the
 * error classifier (./errors.ts) and the debugger. Pure: no I/O.
 */
import { allMatches, isRecord, splitErrorBlocks, type ErrorBlock, type ErrorDialect, type Hit } from '../../error-text.js';

/**
 * A thrown AWS SDK error (v3 JavaScript, or anything shaped like one) as text this parser
 * reads: code and message, HTTP status, and the raw response body when the SDK kept it
 * (`$responseBodyText`, the body of moto's XML answer to a JSON-protocol call).
 */
export function sdkErrorText(error: unknown, depth = 0): string {
  try {
    if (typeof error === 'string') return error;
    if (error === null || typeof error !== 'object') return error === undefined ? '' : String(error);
    const get = (key: string): unknown => {
      try {
        return (error as Record<string, unknown>)[key];
      } catch {
        return undefined;
      }
    };
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const inner = get('Error');
    const innerGet = (key: string) => (inner && typeof inner === 'object' ? (inner as Record<string, unknown>)[key] : undefined);
    const name = str(get('name'));
    const code = (str(get('Code')) ?? str(innerGet('Code')) ?? str(get('__type')) ?? str(get('errorCode')) ?? str(get('code')))?.replace(/^.*#/, '');
    const message = str(get('message')) ?? str(get('Message')) ?? str(innerGet('Message')) ?? str(get('errorMessage'));
    const metadata = get('$metadata');
    const response = get('$response');
    const statusOf = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const status =
      statusOf(metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>).httpStatusCode : undefined) ??
      statusOf(get('statusCode')) ??
      statusOf(response && typeof response === 'object' ? (response as Record<string, unknown>).statusCode : undefined);
    const body = str(get('$responseBodyText')) ?? str(response && typeof response === 'object' ? (response as Record<string, unknown>).body : undefined);
    const label = code ?? name ?? 'Error';
    const lines = [message !== undefined ? `${label}: ${message}` : label];
    if (status !== undefined) lines.push(`status code: ${status}`);
    if (body) lines.push(body);
    const cause = get('cause');
    if (cause !== undefined && depth < 3) lines.push(sdkErrorText(cause, depth + 1));
    return lines.join('\n');
  } catch {
    return '';
  }
}

function looksLikeSdkError(o: Record<string, unknown>): boolean {
  return (
    typeof o.message === 'string' ||
    typeof o.Message === 'string' ||
    typeof o.errorMessage === 'string' ||
    typeof o.__type === 'string' ||
    typeof o.Code === 'string' ||
    isRecord(o.$metadata) ||
    isRecord(o.Error)
  );
}

/** AWS CLI / boto3 errors start a block; SDK errors inside JSON output are read as sdkErrorText. */
export const AWS_ERROR_DIALECT: ErrorDialect = {
  errorLine: /An error occurred \([^)\n]*\) when calling|A client error \([^)\n]*\) occurred when calling/,
  errorObjectText: (value) => (looksLikeSdkError(value) ? sdkErrorText(value) : undefined),
};

/** Tool output (or an SDK error's text) split into one block per error, AWS errors included. */
export function splitAwsErrorBlocks(input: string): ErrorBlock[] {
  return splitErrorBlocks(input, AWS_ERROR_DIALECT);
}

/** Where SDKs, the AWS CLI and the AWS provider put the error code. */
export const AWS_ERROR_CODE_PATTERNS: readonly RegExp[] = [
  /api error ([A-Za-z][\w.]{0,100}):/g,
  /An error occurred \(([\w.]{1,100})\) when calling/g,
  /A client error \(([\w.]{1,100})\) occurred when calling/g,
  /<Code>\s*([\w.]{1,100})\s*<\/Code>/g,
  /"(?:Code|code|__type|errorCode)"\s*:\s*"(?:[\w.]{0,200}#)?([\w.]{1,100})"/g,
  /\b(?:Code|code|name)\s*:\s*'([\w.]{1,100})'/g,
  /Error Code: ([\w.]{1,100})/g,
];

export const STATUS_PATTERN = /(?:StatusCode|status code|Status Code|httpStatusCode"?)\s*[:=]\s*(\d{3})\b|An error occurred \((\d{3})\) when calling/gi;

/** `service: true`: the first group is the SDK service id, the second the operation. */
export const OPERATION_PATTERNS: readonly { re: RegExp; service: boolean }[] = [
  { re: /operation error ([A-Za-z0-9][A-Za-z0-9 ._-]{0,60}?): ([A-Za-z0-9]{1,100})\b/g, service: true },
  { re: /when calling the ([A-Za-z0-9]{1,100}) operation/g, service: false },
];

/** JavaScript error class names that are not AWS error codes. */
const NOT_CODES = new Set(['Error', 'SyntaxError', 'TypeError', 'RangeError', 'ReferenceError', 'TimeoutError', 'AbortError']);

export function normaliseErrorCode(code: string): string {
  return code.replace(/^.*#/, '').replace(/^(?:Client|Server)\./, '');
}

/** Every error code `patterns` find in `text`, in order of appearance. */
export function findErrorCodes(text: string, patterns: readonly RegExp[] = AWS_ERROR_CODE_PATTERNS): Hit[] {
  const hits: Hit[] = [];
  for (const re of patterns) for (const h of allMatches(text, re)) hits.push({ ...h, value: normaliseErrorCode(h.value) });
  return hits.filter((h) => h.value && !NOT_CODES.has(h.value)).sort((a, b) => a.index - b.index);
}
