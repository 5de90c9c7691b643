import type { ECSClient } from '@aws-sdk/client-ecs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ProviderCallError } from '../failures.js';
import type { MoveResult, QueueState, RemediationCapability, ResourceRef, ServiceState } from '../remediation.js';
import { ecsServiceOf } from './arn.js';
import { createAwsClient } from './clients.js';
import { call } from './errors.js';

interface Session {
  profile: string;
  region: string;
  env: NodeJS.ProcessEnv;
}

const lastSegment = (s: string) => s.split(/[/:]/).pop() ?? s;

function invalid(action: string, message: string): ProviderCallError {
  return new ProviderCallError({ reason: 'rejected', action, message });
}

/** Cluster and service of an ECS service: its Terraform id and ARN are `…:service/CLUSTER/NAME`. */
function ecsService(ref: ResourceRef, action: string): { cluster: string; service: string } {
  const arn = ref.arn ?? ref.id ?? '';
  const ecs = ecsServiceOf(arn);
  if (!ecs?.cluster) throw invalid(action, `${ref.address}: '${arn}' does not name its cluster (old short ECS ARN format); redeploy to record the long ARN`);
  return { cluster: ecs.cluster, service: ecs.service };
}

function functionName(ref: ResourceRef): string {
  return ref.id ?? (ref.arn ? lastSegment(ref.arn) : ref.address);
}

/** The queue URL: the Terraform id of an aws_sqs_queue. */
function queueUrl(ref: ResourceRef, action: string): string {
  if (ref.id && /^https?:\/\//.test(ref.id)) return ref.id;
  throw invalid(action, `${ref.address}: the registry has no queue URL (id '${ref.id ?? ''}')`);
}

/** AWS calls for `ops remediate`: ECS services, Lambda reserved concurrency, SQS redrive. */
export class AwsRemediation implements RemediationCapability {
  private ecsClient?: ECSClient;
  private lambdaClient?: LambdaClient;
  private sqsClient?: SQSClient;

  constructor(private readonly session: Session) {}

  private async ecs() {
    const sdk = await import('@aws-sdk/client-ecs');
    this.ecsClient ??= createAwsClient(sdk.ECSClient, this.session);
    return { sdk, client: this.ecsClient };
  }

  private async lambda() {
    const sdk = await import('@aws-sdk/client-lambda');
    this.lambdaClient ??= createAwsClient(sdk.LambdaClient, this.session);
    return { sdk, client: this.lambdaClient };
  }

  private async sqs() {
    const sdk = await import('@aws-sdk/client-sqs');
    this.sqsClient ??= createAwsClient(sdk.SQSClient, this.session);
    return { sdk, client: this.sqsClient };
  }

  async serviceState(ref: ResourceRef): Promise<ServiceState> {
    const { cluster, service } = ecsService(ref, 'ecs:DescribeServices');
    const { sdk, client } = await this.ecs();
    const out = await call('ecs:DescribeServices', () => client.send(new sdk.DescribeServicesCommand({ cluster, services: [service] })));
    const found = out.services?.find((s) => s.serviceName === service && s.status !== 'INACTIVE');
    if (!found) throw new ProviderCallError({ reason: 'not-found', action: 'ecs:DescribeServices', message: `service ${service} not found in cluster ${cluster}` });
    const primary = found.deployments?.find((d) => d.status === 'PRIMARY') ?? found.deployments?.[0];
    return {
      desiredCount: found.desiredCount ?? 0,
      runningCount: found.runningCount ?? 0,
      deploymentId: primary?.id ?? null,
      taskDefinition: found.taskDefinition ?? null,
    };
  }

  async restartService(ref: ResourceRef): Promise<ServiceState> {
    const { cluster, service } = ecsService(ref, 'ecs:UpdateService');
    const { sdk, client } = await this.ecs();
    await call('ecs:UpdateService', () => client.send(new sdk.UpdateServiceCommand({ cluster, service, forceNewDeployment: true })));
    return this.serviceState(ref);
  }

  async scaleService(ref: ResourceRef, desiredCount: number): Promise<ServiceState> {
    const { cluster, service } = ecsService(ref, 'ecs:UpdateService');
    const { sdk, client } = await this.ecs();
    await call('ecs:UpdateService', () => client.send(new sdk.UpdateServiceCommand({ cluster, service, desiredCount })));
    return this.serviceState(ref);
  }

  async functionConcurrency(ref: ResourceRef): Promise<number | null> {
    const { sdk, client } = await this.lambda();
    const out = await call('lambda:GetFunctionConcurrency', () => client.send(new sdk.GetFunctionConcurrencyCommand({ FunctionName: functionName(ref) })));
    return typeof out.ReservedConcurrentExecutions === 'number' ? out.ReservedConcurrentExecutions : null;
  }

  async setFunctionConcurrency(ref: ResourceRef, value: number | null): Promise<number | null> {
    const { sdk, client } = await this.lambda();
    const FunctionName = functionName(ref);
    if (value === null) {
      await call('lambda:DeleteFunctionConcurrency', () => client.send(new sdk.DeleteFunctionConcurrencyCommand({ FunctionName })));
    } else {
      await call('lambda:PutFunctionConcurrency', () => client.send(new sdk.PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions: value })));
    }
    return this.functionConcurrency(ref);
  }

  async queueState(ref: ResourceRef): Promise<QueueState> {
    const QueueUrl = queueUrl(ref, 'sqs:GetQueueAttributes');
    const { sdk, client } = await this.sqs();
    const out = await call('sqs:GetQueueAttributes', () =>
      client.send(new sdk.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] })),
    );
    return {
      name: lastSegment(QueueUrl),
      messages: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  async deadLetterSources(ref: ResourceRef): Promise<string[]> {
    const QueueUrl = queueUrl(ref, 'sqs:ListDeadLetterSourceQueues');
    const { sdk, client } = await this.sqs();
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await call('sqs:ListDeadLetterSourceQueues', () => client.send(new sdk.ListDeadLetterSourceQueuesCommand({ QueueUrl, MaxResults: 1000, ...(NextToken ? { NextToken } : {}) })));
      names.push(...(page.queueUrls ?? []).map(lastSegment));
      NextToken = page.NextToken || undefined;
    } while (NextToken);
    return names.sort();
  }

  /**
   * Receive a batch, send it to the target, delete from the source only what the target
   * accepted. StartMessageMoveTask would do this server-side, but it is asynchronous and
   * moto does not implement it; this way the command knows, when it returns, what moved.
   */
  async moveMessages(fromRef: ResourceRef, toRef: ResourceRef, max: number): Promise<MoveResult> {
    const from = queueUrl(fromRef, 'sqs:ReceiveMessage');
    const to = queueUrl(toRef, 'sqs:SendMessage');
    const fifo = to.endsWith('.fifo');
    const { sdk, client } = await this.sqs();
    const result: MoveResult = { moved: 0, failed: 0, duplicated: 0 };
    while (result.moved < max) {
      const batch = await call('sqs:ReceiveMessage', () =>
        client.send(
          new sdk.ReceiveMessageCommand({
            QueueUrl: from,
            MaxNumberOfMessages: Math.min(10, max - result.moved),
            WaitTimeSeconds: 1,
            // Long enough to send and delete; a message not deleted becomes visible again.
            VisibilityTimeout: 120,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
          }),
        ),
      );
      const messages = batch.Messages ?? [];
      if (messages.length === 0) break;
      const entries = messages.map((m, i) => ({
        Id: String(i),
        MessageBody: m.Body ?? '',
        ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0 ? { MessageAttributes: m.MessageAttributes } : {}),
        ...(fifo ? { MessageGroupId: m.Attributes?.MessageGroupId ?? 'redrive', MessageDeduplicationId: m.Attributes?.MessageDeduplicationId ?? m.MessageId ?? String(i) } : {}),
      }));
      const sent = await call('sqs:SendMessage', () => client.send(new sdk.SendMessageBatchCommand({ QueueUrl: to, Entries: entries })));
      const ok = new Set((sent.Successful ?? []).map((s) => s.Id));
      const toDelete = messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })).filter((e) => ok.has(e.Id));
      if (toDelete.length > 0) {
        const deleted = await call('sqs:DeleteMessage', () => client.send(new sdk.DeleteMessageBatchCommand({ QueueUrl: from, Entries: toDelete })));
        // A failed delete leaves a copy in the source: duplicated, not lost.
        result.moved += deleted.Successful?.length ?? 0;
        result.duplicated += deleted.Failed?.length ?? 0;
      }
      const notSent = messages.length - ok.size;
      if (notSent > 0) {
        result.failed += notSent;
        result.stoppedBecause = `${notSent} message(s) were not accepted by the target: ${(sent.Failed ?? []).map((f) => f.Message ?? f.Code).join('; ')}`;
        break;
      }
    }
    return result;
  }
}
