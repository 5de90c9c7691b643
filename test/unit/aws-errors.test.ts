import { describe, expect, it } from 'vitest';
import { splitErrorBlocks } from '../../src/handlers/error-text.js';
import { splitAwsErrorBlocks } from '../../src/handlers/hosting/aws/error-text.js';
import { call, classifyAwsError } from '../../src/handlers/hosting/aws/errors.js';
import { ProviderCallError, type ProviderFailureReason } from '../../src/handlers/hosting/failures.js';
import { opsError, problemOf } from '../../src/ops/problems.js';

/** An error shaped as AWS SDK v3 throws it: a named Error with `$metadata` (and extras). */
function sdkError(name: string, message: string, status?: number, extra: Record<string, unknown> = {}): Error {
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, status === undefined ? {} : { $metadata: { httpStatusCode: status, attempts: 1 } }, extra);
}

/** moto's XML answer to a JSON-protocol call: the SDK fails to parse it and throws a SyntaxError. */
function motoXml(status: number, code: string, message: string, keep: 'body' | 'responseBodyText' | 'lost' = 'body'): Error {
  const xml = `<ErrorResponse><Error><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
  const error = new SyntaxError(`Unexpected token '<', "<ErrorResp"... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.`);
  Object.defineProperty(error, '$metadata', { value: { httpStatusCode: status }, enumerable: false });
  // The SDK keeps the body as text on some protocols, and only the consumed stream on others.
  if (keep === 'body') Object.defineProperty(error, '$response', { value: { statusCode: status, body: xml } });
  if (keep === 'responseBodyText') Object.defineProperty(error, '$responseBodyText', { value: xml });
  if (keep === 'lost') Object.defineProperty(error, '$response', { value: { statusCode: status, body: { readable: false } } });
  return error;
}

const denied = (action: string) => `User: arn:aws:iam::123456789012:user/deploy is not authorized to perform: ${action}`;

const TABLE: { what: string; error: unknown; action?: string; reason: ProviderFailureReason; named?: string; code?: string }[] = [
  // denial
  { what: 'AccessDeniedException by name', error: sdkError('AccessDeniedException', denied('logs:FilterLogEvents'), 400), action: 'logs:FilterLogEvents', reason: 'permission-denied', code: 'AccessDeniedException' },
  { what: 'S3 AccessDenied 403', error: sdkError('AccessDenied', 'Access Denied', 403), reason: 'permission-denied' },
  { what: 'EC2 UnauthorizedOperation', error: sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation. Encoded authorization failure message: abcdefghijklmnopqrstuvwxyz0123', 403), reason: 'permission-denied' },
  { what: 'a bodiless HEAD 403', error: sdkError('403', '', 403), reason: 'permission-denied' },
  { what: 'moto XML denial, body kept', error: motoXml(403, 'AccessDeniedException', denied('ecs:UpdateService')), action: 'ecs:UpdateService', reason: 'permission-denied', code: 'AccessDeniedException' },
  { what: 'moto XML denial, body lost', error: motoXml(403, 'AccessDenied', denied('sqs:ReceiveMessage'), 'lost'), action: 'sqs:ReceiveMessage', reason: 'permission-denied' },
  { what: 'moto names CloudWatch by its signing name', error: motoXml(403, 'AccessDenied', denied('monitoring:GetMetricData'), 'responseBodyText'), action: 'cloudwatch:GetMetricData', reason: 'permission-denied', named: 'cloudwatch:GetMetricData' },
  { what: 'moto names the tagging API by its signing name', error: motoXml(403, 'AccessDenied', denied('tagging:GetResources')), action: 'tag:GetResources', reason: 'permission-denied', named: 'tag:GetResources' },
  // credentials
  { what: 'ExpiredToken', error: sdkError('ExpiredToken', 'The security token included in the request is expired', 403), reason: 'credentials' },
  { what: 'InvalidClientTokenId beats its 403', error: sdkError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403), reason: 'credentials' },
  { what: 'no credentials at all', error: sdkError('CredentialsProviderError', 'Could not load credentials from any providers'), reason: 'credentials' },
  { what: 'moto XML credentials error', error: motoXml(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.'), reason: 'credentials', code: 'InvalidClientTokenId' },
  // throttling
  { what: 'ThrottlingException', error: sdkError('ThrottlingException', 'Rate exceeded', 400), reason: 'throttled' },
  { what: 'query-protocol Throttling', error: sdkError('Throttling', 'Rate exceeded', 400), reason: 'throttled' },
  { what: 'HTTP 429 with no code', error: sdkError('UnknownError', '', 429), reason: 'throttled' },
  { what: 'the SDK model marks it throttling', error: sdkError('SomeServiceSlowDown', 'slow down', 400, { $retryable: { throttling: true } }), reason: 'throttled' },
  { what: 'moto XML throttling', error: motoXml(400, 'ThrottlingException', 'Rate exceeded'), reason: 'throttled', code: 'ThrottlingException' },
  // not found
  { what: 'ResourceNotFoundException', error: sdkError('ResourceNotFoundException', 'The specified log group does not exist.', 400), reason: 'not-found' },
  { what: 'IAM NoSuchEntity', error: sdkError('NoSuchEntity', 'Policy not found', 404), reason: 'not-found' },
  { what: 'S3 HEAD 404', error: sdkError('NotFound', '', 404), reason: 'not-found' },
  { what: 'SQS NonExistentQueue', error: sdkError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.', 400), reason: 'not-found' },
  { what: 'SQS QueueDoesNotExist', error: sdkError('QueueDoesNotExist', 'The specified queue does not exist.', 400), reason: 'not-found' },
  { what: 'moto XML not-found', error: motoXml(400, 'ResourceNotFoundException', 'Cluster not found.'), reason: 'not-found', code: 'ResourceNotFoundException' },
  { what: 'a 404 that names nothing', error: motoXml(404, 'x', 'y', 'lost'), reason: 'not-found' },
  // conflict
  { what: 'ResourceConflictException', error: sdkError('ResourceConflictException', 'The operation cannot be performed at this time.', 409), reason: 'conflict' },
  { what: 'IAM EntityAlreadyExists', error: sdkError('EntityAlreadyExists', 'Role already exists', 409), reason: 'conflict' },
  { what: 'ResourceInUseException', error: sdkError('ResourceInUseException', 'Table is being updated', 400), reason: 'conflict' },
  { what: 'a 409 that names nothing', error: motoXml(409, 'x', 'y', 'lost'), reason: 'conflict' },
  { what: 'moto XML conflict', error: motoXml(400, 'ConcurrentModificationException', 'busy'), reason: 'conflict', code: 'ConcurrentModificationException' },
  // unavailable
  { what: 'InternalFailure 500', error: sdkError('InternalFailure', 'x', 500), reason: 'unavailable' },
  { what: 'ServiceUnavailable 503', error: sdkError('ServiceUnavailable', 'x', 503), reason: 'unavailable' },
  { what: 'connection refused', error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), reason: 'unavailable' },
  { what: 'a timeout', error: sdkError('TimeoutError', 'socket timed out'), reason: 'unavailable' },
  { what: 'an emulator\'s HTML 501 page', error: motoXml(501, 'x', 'y', 'lost'), reason: 'unavailable' },
  { what: 'an operation the emulator does not know', error: motoXml(400, 'InvalidAction', 'The action DescribeX is not valid for this endpoint.'), reason: 'unavailable' },
  // rejected
  { what: 'InvalidParameterValueException', error: sdkError('InvalidParameterValueException', 'bad', 400), reason: 'rejected' },
  { what: 'ValidationException', error: sdkError('ValidationException', '1 validation error detected', 400), reason: 'rejected' },
  { what: 'a quota (LimitExceededException), not throttling', error: sdkError('LimitExceededException', 'concurrency limit', 400), reason: 'rejected' },
  // other
  { what: 'an unknown code', error: sdkError('SomethingNew', 'what', 400), reason: 'error', code: 'SomethingNew' },
  { what: 'a plain Error', error: new Error('boom'), reason: 'error' },
  { what: 'not even an Error', error: 'boom', reason: 'error' },
];

describe('the AWS error classifier (issue 14: one for every handler)', () => {
  it.each(TABLE)('$what -> $reason', ({ error, action = 'svc:Call', reason, named, code }) => {
    const failure = classifyAwsError(error, action);
    expect(failure.reason).toBe(reason);
    expect(failure.action).toBe(named ?? action);
    if (code) expect(failure.code).toBe(code);
  });

  it('takes the SDK name before the body, and the body\'s code and message when the name says nothing', () => {
    const xml = motoXml(400, 'ResourceNotFoundException', 'Cluster not found.');
    expect(classifyAwsError(xml, 'ecs:DescribeServices')).toMatchObject({ code: 'ResourceNotFoundException', message: 'Cluster not found.', status: 400 });
    // A real code in the name wins over another one in the body.
    const named = Object.assign(sdkError('ThrottlingException', 'Rate exceeded', 400), { $responseBodyText: '<Error><Code>ResourceNotFoundException</Code></Error>' });
    expect(classifyAwsError(named, 'x:Y')).toMatchObject({ reason: 'throttled', code: 'ThrottlingException' });
  });

  it('keeps what the caller said the call was about', () => {
    expect(classifyAwsError(sdkError('ResourceNotFoundException', 'gone', 400), 'logs:FilterLogEvents', { resource: '/aws/lambda/f' })).toMatchObject({ resource: '/aws/lambda/f' });
  });

  it('call() throws one ProviderCallError carrying the failure and the SDK error as cause', async () => {
    const sdk = sdkError('ThrottlingException', 'Rate exceeded', 400);
    const thrown = await call('ecs:UpdateService', () => Promise.reject(sdk)).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ProviderCallError);
    expect(thrown).toMatchObject({ code: 'E_PROVIDER_CALL', failure: { reason: 'throttled', action: 'ecs:UpdateService' }, cause: sdk });
  });
});

describe('each class keeps the stable codes users see', () => {
  const failed = (error: unknown, action = 'svc:Call') => new ProviderCallError(classifyAwsError(error, action));
  it('ops commands: denial exit 4, credentials exit 4, throttling and outages E_PROVIDER_UNAVAILABLE, the rest exit 1', () => {
    const codeOf = (error: unknown) => {
      const e = opsError(failed(error), 'test', 'ops remediate', 'ops-respond') as { code: string; exitCode: number };
      return [e.code, e.exitCode];
    };
    expect(codeOf(sdkError('AccessDenied', 'Access Denied', 403))).toEqual(['E_PERMISSION_DENIED', 4]);
    expect(codeOf(sdkError('ExpiredToken', 'expired', 403))).toEqual(['E_AWS_CREDENTIALS', 4]);
    expect(codeOf(sdkError('ThrottlingException', 'Rate exceeded', 400))).toEqual(['E_PROVIDER_UNAVAILABLE', 1]);
    expect(codeOf(sdkError('InternalFailure', 'x', 500))).toEqual(['E_PROVIDER_UNAVAILABLE', 1]);
    expect(codeOf(sdkError('ResourceNotFoundException', 'gone', 400))).toEqual(['E_RESOURCE_NOT_FOUND', 1]);
    expect(codeOf(sdkError('ResourceConflictException', 'busy', 409))).toEqual(['E_PROVIDER_CALL', 1]);
    expect(codeOf(sdkError('InvalidParameterValueException', 'bad', 400))).toEqual(['E_PROVIDER_REJECTED', 1]);
  });

  it('the grant command is one for ops: a quote in the reason is quoted for the shell, not dropped', () => {
    const e = opsError(failed(sdkError('AccessDenied', 'Access Denied', 403), 'sqs:StartMessageMoveTask'), 'test', `redrive-dlq on aws_sqs_queue.q["it's"]`, 'ops-respond') as { details: { problem: { grant: string } } };
    expect(e.details.problem.grant).toBe(`faber-cloud permissions grant --env test --action sqs:StartMessageMoveTask --reason 'redrive-dlq on aws_sqs_queue.q["it'\\''s"]'`);
  });

  it('monitoring reads: the failure words of the ops JSON output', () => {
    const failureOf = (error: unknown) => problemOf(failed(error), 'test', 'x').failure;
    expect(failureOf(motoXml(403, 'AccessDenied', denied('logs:FilterLogEvents'), 'lost'))).toBe('denied');
    expect(failureOf(sdkError('ExpiredToken', 'expired', 403))).toBe('credentials');
    expect(failureOf(sdkError('ResourceNotFoundException', 'gone', 400))).toBe('not-found');
    expect(failureOf(sdkError('ThrottlingException', 'Rate exceeded', 400))).toBe('unavailable');
    expect(failureOf(motoXml(501, 'x', 'y', 'lost'))).toBe('unavailable');
    expect(failureOf(sdkError('ResourceConflictException', 'busy', 409))).toBe('failed');
    expect(failureOf(new Error('boom'))).toBe('failed');
  });

  it('monitoring reads: the messages name the action, the resource and the HTTP status', () => {
    const message = (error: unknown, action: string, resource?: string) => problemOf(new ProviderCallError(classifyAwsError(error, action, resource ? { resource } : {})), 'test', 'x').message;
    expect(message(motoXml(403, 'AccessDenied', denied('logs:FilterLogEvents'), 'lost'), 'logs:FilterLogEvents', '/g')).toBe('logs:FilterLogEvents was denied on /g');
    expect(message(sdkError('ResourceNotFoundException', 'The specified log group does not exist.', 400), 'logs:FilterLogEvents', '/g')).toBe('logs:FilterLogEvents: /g does not exist (ResourceNotFoundException: The specified log group does not exist.)');
    // An HTML error page says nothing worth repeating.
    expect(message(motoXml(501, 'x', 'y', 'lost'), 'cloudwatch:DescribeAlarmHistory')).toBe('cloudwatch:DescribeAlarmHistory is unavailable here (HTTP 501)');
  });
});

describe('tool output: the neutral splitter and the AWS dialect', () => {
  const output = [
    'Error: creating S3 Bucket (b): operation error S3: CreateBucket, StatusCode: 403, api error AccessDenied: Access Denied',
    '',
    'An error occurred (AccessDeniedException) when calling the ListFunctions operation: User is not authorized',
    '{"name":"ThrottlingException","message":"Rate exceeded","$metadata":{"httpStatusCode":400}}',
  ].join('\n');

  it('Terraform framing alone: the AWS CLI line stays inside the block, the SDK error object is not an error', () => {
    expect(splitErrorBlocks(output).map((b) => b.text.split('\n')[0])).toEqual(['Error: creating S3 Bucket (b): operation error S3: CreateBucket, StatusCode: 403, api error AccessDenied: Access Denied']);
  });

  it('with the AWS dialect: the CLI line starts its own block and the SDK error object is read as one', () => {
    const blocks = splitAwsErrorBlocks(output);
    expect(blocks.map((b) => b.text.split('\n')[0])).toEqual([
      'Error: creating S3 Bucket (b): operation error S3: CreateBucket, StatusCode: 403, api error AccessDenied: Access Denied',
      'An error occurred (AccessDeniedException) when calling the ListFunctions operation: User is not authorized',
      'ThrottlingException: Rate exceeded',
    ]);
  });
});
