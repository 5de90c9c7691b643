import { createHash, createHmac } from 'node:crypto';
import { CloudFormationClient, CreateChangeSetCommand, DescribeStacksCommand, ExecuteChangeSetCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient, ListTagsCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOTO_ACCOUNT_ID as ACCOUNT, MOTO_REGION as REGION, resetMoto, startMoto, type MotoServer } from '../support/moto.js';
import { testTools } from '../support/tools.js';
import { tinyZip } from '../support/ops-seed.js';

/**
 * scripts/moto-scoped-server.py: with IAM enforcement on, moto evaluates each call against the
 * resource ARN AWS names for it (the Service Authorization Reference), so a grant scoped to the
 * environment's names allows calls inside the pattern and denies them outside it, as on AWS.
 * The same calls against moto as it ships (every resource `*` outside S3, existing SQS queues
 * and IAM roles) are denied inside the pattern too: the scoping is the launcher's.
 */

const P = `myapp-core-test-`;
const arn = (service: string, rest: string, region = REGION) => `arn:aws:${service}:${region}:${ACCOUNT}:${rest}`;

/** The deploy user's only grants: each action on the environment's names, never `*`. */
const SCOPED_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'dynamodb:CreateTable', Resource: arn('dynamodb', `table/${P}*`) },
    { Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:GetFunction', 'lambda:ListTags', 'lambda:InvokeFunction'], Resource: arn('lambda', `function:${P}*`) },
    { Effect: 'Allow', Action: 'sns:CreateTopic', Resource: arn('sns', `${P}*`) },
    { Effect: 'Allow', Action: 'iam:CreateRole', Resource: arn('iam', `role/${P}*`, '') },
    { Effect: 'Allow', Action: 'cloudformation:CreateChangeSet', Resource: arn('cloudformation', `stack/${P}*/*`) },
    { Effect: 'Allow', Action: 'sqs:CreateQueue', Resource: arn('sqs', `${P}*`) },
    { Effect: 'Allow', Action: 'secretsmanager:CreateSecret', Resource: arn('secretsmanager', `secret:${P}*`) },
    { Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: arn('logs', `log-group:/aws/lambda/${P}*`) },
    { Effect: 'Allow', Action: 'cloudwatch:PutMetricAlarm', Resource: arn('cloudwatch', `alarm:${P}*`) },
  ],
};

type Credentials = { accessKeyId: string; secretAccessKey: string };
type Probe = (name: string, c: Credentials, endpoint: string) => Promise<unknown>;

const client = <T>(Client: new (config: object) => T, c: Credentials, endpoint: string) => new Client({ region: REGION, endpoint, credentials: c });

/** A signed request as the SDK sends it, for the services without an SDK client in this repository (SNS, Secrets Manager). */
async function signedCall(service: string, c: Credentials, endpoint: string, headers: Record<string, string>, body: string): Promise<void> {
  const bytes = (d: SourceData) => (typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));
  class Sha256 {
    private h;
    constructor(secret?: SourceData) {
      this.h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
    }
    update(data: SourceData) {
      this.h.update(bytes(data));
    }
    async digest() {
      return new Uint8Array(this.h.digest());
    }
  }
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service, region: REGION, credentials: c, sha256: Sha256 });
  const signed = await signer.sign({ method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: '/', headers: { host: url.host, ...headers }, body });
  const res = await fetch(endpoint, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  if (!res.ok) throw Object.assign(new Error(await res.text()), { $metadata: { httpStatusCode: res.status } });
}

const snsCreateTopic: Probe = (name, c, e) =>
  signedCall('sns', c, e, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, new URLSearchParams({ Action: 'CreateTopic', Version: '2010-03-31', Name: name }).toString());

const secretsCreateSecret: Probe = (name, c, e) =>
  signedCall('secretsmanager', c, e, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.CreateSecret' }, JSON.stringify({ Name: name, SecretString: 'x' }));

const LAMBDA_ROLE = arn('iam', 'role/lambda-exec', '');

/** One call per service faber-cloud deploys to, on a resource named `name`. */
const PROBES: Record<string, Probe> = {
  'dynamodb:CreateTable': (name, c, e) =>
    client(DynamoDBClient, c, e).send(
      new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }] }),
    ),
  // Then a GET with the name in the path, and one with an ARN in it: moto checks their signatures
  // wrongly by itself (the launcher fixes that), so these also prove Lambda works with enforcement.
  // Invoke is authorised as lambda:InvokeFunction, as on AWS (moto alone: lambda:Invoke).
  'lambda:CreateFunction+GetFunction+ListTags+InvokeFunction': async (name, c, e) => {
    const lambda = client(LambdaClient, c, e);
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'python3.12', Role: LAMBDA_ROLE, Handler: 'index.handler', Code: { ZipFile: tinyZip('index.py', 'def handler(event, context):\n    return 1\n') } }));
    await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    await lambda.send(new ListTagsCommand({ Resource: arn('lambda', `function:${name}`) }));
    await lambda.send(new InvokeCommand({ FunctionName: name }));
  },
  'sns:CreateTopic': snsCreateTopic,
  'iam:CreateRole': (name, c, e) =>
    client(IAMClient, c, e).send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) })),
  'cloudformation:CreateChangeSet': (name, c, e) =>
    client(CloudFormationClient, c, e).send(
      new CreateChangeSetCommand({ StackName: name, ChangeSetName: 'first', ChangeSetType: 'CREATE', TemplateBody: JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue' } } }) }),
    ),
  'secretsmanager:CreateSecret': secretsCreateSecret,
  'sqs:CreateQueue': (name, c, e) => client(SQSClient, c, e).send(new CreateQueueCommand({ QueueName: name })),
  'logs:CreateLogGroup': (name, c, e) => client(CloudWatchLogsClient, c, e).send(new CreateLogGroupCommand({ logGroupName: `/aws/lambda/${name}` })),
  'cloudwatch:PutMetricAlarm': (name, c, e) =>
    client(CloudWatchClient, c, e).send(
      new PutMetricAlarmCommand({ AlarmName: name, MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' }),
    ),
};

/** 'allowed', or 'denied' for a 403 (moto answers JSON-protocol denials in XML: the SDK then fails to parse a 403). */
async function outcome(call: Promise<unknown>): Promise<'allowed' | 'denied'> {
  try {
    await call;
    return 'allowed';
  } catch (error) {
    const e = error as { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } };
    if ((e.$metadata?.httpStatusCode ?? e.$response?.statusCode) === 403) return 'denied';
    throw error;
  }
}

/** On a fresh moto at `endpoint`: a deploy user holding SCOPED_POLICY, enforcement on, each probe inside and outside the pattern. */
async function run(endpoint: string): Promise<Record<string, { inside: string; outside: string }>> {
  const setup = client(IAMClient, { accessKeyId: 'setup', secretAccessKey: 'setup' }, endpoint);
  await setup.send(new CreateRoleCommand({ RoleName: 'lambda-exec', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
  await setup.send(new CreateUserCommand({ UserName: 'deployer' }));
  await setup.send(new PutUserPolicyCommand({ UserName: 'deployer', PolicyName: 'scoped', PolicyDocument: JSON.stringify(SCOPED_POLICY) }));
  const key = (await setup.send(new CreateAccessKeyCommand({ UserName: 'deployer' }))).AccessKey!;
  const c = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  expect((await fetch(`${endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify({ lambda: { use_docker: false } }) })).ok).toBe(true);
  expect((await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' })).ok).toBe(true);
  try {
    const result: Record<string, { inside: string; outside: string }> = {};
    for (const [what, probe] of Object.entries(PROBES)) {
      result[what] = { inside: await outcome(probe(`${P}orders`, c, endpoint)), outside: await outcome(probe('otherapp-core-test-orders', c, endpoint)) };
    }
    return result;
  } finally {
    await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: 'inf' });
  }
}

describe('moto under scripts/moto-scoped-server.py evaluates scoped grants like AWS', () => {
  let unscoped: MotoServer;
  beforeAll(async () => {
    await resetMoto();
    unscoped = await startMoto(testTools(), { scoped: false });
  });
  afterAll(() => unscoped?.stop());

  it('allows each call inside the granted pattern and denies it outside; moto alone denies both', async () => {
    const both = (inside: string, outside: string) => Object.fromEntries(Object.keys(PROBES).map((k) => [k, { inside, outside }]));
    // The suite's moto (the global setup starts every worker's under the launcher).
    expect(await run(process.env.AWS_ENDPOINT_URL!)).toEqual(both('allowed', 'denied'));
    // moto as it ships evaluates these on `*`, which the scoped grants do not cover.
    expect(await run(unscoped.endpoint)).toEqual(both('denied', 'denied'));
  }, 120_000);
});

describe('the launcher keeps CloudFormation to one stack per name, as AWS does', () => {
  beforeAll(resetMoto);

  // A first deploy whose execution was denied leaves the stack REVIEW_IN_PROGRESS; the auto-fix
  // round's fresh CREATE change set must land on that stack, or every read by name (moto alone
  // returns the first, empty one) and the wait for the executed stack look at the wrong stack.
  it('makes a CREATE change set for a stack in review on that stack, and executes it there', async () => {
    const cf = client(CloudFormationClient, { accessKeyId: 'a', secretAccessKey: 'b' }, process.env.AWS_ENDPOINT_URL!);
    const create = (name: string) =>
      cf.send(new CreateChangeSetCommand({ StackName: `${P}stack`, ChangeSetName: name, ChangeSetType: 'CREATE', TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }) }));
    const first = await create('denied');
    const second = await create('retry');
    expect(second.StackId).toBe(first.StackId);
    await cf.send(new ExecuteChangeSetCommand({ ChangeSetName: second.Id }));
    const stacks = (await cf.send(new DescribeStacksCommand({}))).Stacks!;
    expect(stacks.map((s) => [s.StackId, s.StackStatus])).toEqual([[first.StackId, 'CREATE_COMPLETE']]);
    const resources = (await cf.send(new ListStackResourcesCommand({ StackName: `${P}stack` }))).StackResourceSummaries!;
    expect(resources.map((r) => r.LogicalResourceId)).toEqual(['Topic']);
  });
});
