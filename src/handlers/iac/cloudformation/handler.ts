import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ConfigError, GuardError, NeedsHumanError, OperationError } from '../../../core/errors.js';
import { busyWhile } from '../../../core/interrupt.js';
import type { EventSink } from '../../../core/events.js';
import { cloudFormationResourceArn, parseArn, type ArnScope } from '../../hosting/aws/arn.js';
import { createAwsClient } from '../../hosting/aws/clients.js';
import type { ApplyResult, Diagnostic, DriftPlan, IacHandler, OutputValue, PlannedResource, SavedPlan, StateResource } from '../types.js';
import {
  changeSetName,
  changesOf,
  digestOf,
  failureDiagnostics,
  isNoChangesReason,
  isSuccess,
  isTerminal,
  isUndeployed,
  parseParameters,
  planIdOf,
  sha256,
  stepOf,
  type ChangeSetPlan,
  type PlanSeed,
  type ResourceChangeInput,
  type StackEventInput,
} from './change-set.js';
import { lintTemplate } from './lint.js';
import { partitionForRegion } from '../../hosting/aws/partition.js';
import { neutralType, type ResolveContext } from './resource-types.js';
import { isRecord, plannedFromTemplate, resourceChangesOf, templateResources } from './planned.js';
import { parseTemplate } from './yaml.js';

export interface CloudFormationHandlerOptions {
  /** Templates directory, absolute. */
  directory: string;
  /** The stack template, relative to the directory. */
  template: string;
  stackName: string;
  capabilities: string[];
  region: string;
  /** Parameter file for this environment, relative to the directory. */
  parameterFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Seconds between polls of a change set or stack (tests make it short). */
  pollSeconds?: number;
  /**
   * Run after a deploy's plan is checked (not stale, change set executable) and before its change
   * set is executed: the CDK handler publishes the stack's assets here. A result stops the apply
   * with it (nothing executed); a throw stops it too.
   */
  beforeExecute?: (templateSha256: string, events?: EventSink) => Promise<ApplyResult | undefined>;
}

/** CloudFormation's inline template limit; larger templates need an S3 upload, which is not done here. */
const MAX_TEMPLATE_BYTES = 51_200;
const WAIT_LIMIT_MS = 60 * 60 * 1000;

type Stack = { StackId?: string; StackStatus?: string; StackStatusReason?: string; Outputs?: { OutputKey?: string; OutputValue?: string }[] };

/** A failed CloudFormation call: credentials need a person; anything else carries the call's text as a diagnostic. */
async function failed(what: string, action: string, error: unknown): Promise<Error> {
  const { classifyAwsError } = await import('../../hosting/aws/errors.js');
  const failure = classifyAwsError(error, action);
  const text = (error as Error)?.message ?? String(error);
  if (failure.reason === 'credentials') {
    return new NeedsHumanError('E_AWS_CREDENTIALS', `${what}: the credentials were rejected (${failure.code ?? 'credentials'}): ${failure.message}`, {
      hint: 'refresh the credentials of the profile and run again',
    });
  }
  const diagnostic: Diagnostic = { severity: 'error', summary: `${action}: ${text}` };
  return new OperationError('E_IAC_FAILED', `${what} failed: ${failure.message}`, {
    hint: failure.reason === 'permission-denied' ? 'the deploy profile lacks a CloudFormation permission; see faber-cloud permissions parse-error' : 'run again with --verbose',
    details: { diagnostics: [diagnostic] },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One CloudFormation stack per environment. A preview is a change set named after the plan id
 * (`faber-cloud-<plan id>`); a deploy executes exactly that change set, and only while the
 * stack is still as it was when previewed. A destroy is the deletion of the stack, previewed
 * as the deletion of every resource it holds. State is the stack's resources.
 */
export class CloudFormationHandler implements IacHandler {
  readonly name = 'cloudformation';
  readonly planFileSuffix = '.changeset.json';
  readonly scanFramework = 'cloudformation';
  private clientPromise: Promise<{ client: CloudFormationClient; sdk: typeof import('@aws-sdk/client-cloudformation') }> | undefined;

  constructor(private readonly options: CloudFormationHandlerOptions) {}

  private cfn() {
    this.clientPromise ??= import('@aws-sdk/client-cloudformation').then((sdk) => {
      const env = this.options.env ?? process.env;
      const client = createAwsClient(sdk.CloudFormationClient, { region: this.options.region, env, ...(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {}) });
      return { client, sdk };
    });
    return this.clientPromise;
  }

  private get pollMs(): number {
    return (this.options.pollSeconds ?? (this.options.env?.AWS_ENDPOINT_URL ? 0.2 : 5)) * 1000;
  }

  private templateFile(): string {
    const file = path.resolve(this.options.directory, this.options.template);
    const rel = path.relative(this.options.directory, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new OperationError('E_IAC_FAILED', `template ${this.options.template} is outside the templates directory`, { hint: 'set handlers.iac.cloudformation.template to a file inside the directory' });
    }
    return file;
  }

  private async templateBody(): Promise<string> {
    const file = this.templateFile();
    const body = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new OperationError('E_IAC_FAILED', `cannot read the template ${this.options.template}: ${error.code ?? error.message}`, {
        hint: 'set handlers.iac.cloudformation.template to the stack template (relative to the templates directory)',
      });
    });
    if (Buffer.byteLength(body) > MAX_TEMPLATE_BYTES) {
      throw new OperationError('E_IAC_FAILED', `template ${this.options.template} is ${Buffer.byteLength(body)} bytes, over CloudFormation's inline limit of ${MAX_TEMPLATE_BYTES}`, {
        hint: 'split it into nested stacks, or shorten it',
      });
    }
    return body;
  }

  private async parameters(): Promise<[string, string][]> {
    const file = this.options.parameterFile;
    if (!file) return [];
    const full = path.resolve(this.options.directory, file);
    const text = await readFile(full, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new OperationError('E_IAC_FAILED', `cannot read the parameter file ${file}: ${error.code ?? error.message}`, { hint: 'check handlers.iac.cloudformation.parameters' });
    });
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new OperationError('E_IAC_FAILED', `parameter file ${file} is not JSON: ${(error as Error).message}`, { hint: 'write it as {"Key": "value"}' });
    }
    const parsed = parseParameters(raw);
    if (typeof parsed === 'string') throw new OperationError('E_IAC_FAILED', `parameter file ${file}: ${parsed}`, { hint: 'write it as {"Key": "value"}' });
    return parsed;
  }

  async describe() {
    return { tool: 'cloudformation', binary: 'CloudFormation API (AWS SDK)', version: '2010-05-15' };
  }

  /** Nothing to prepare: CloudFormation keeps state in the cloud. The template must be readable. */
  async init(): Promise<void> {
    await this.templateBody();
  }

  async validate(): Promise<Diagnostic[]> {
    const file = this.options.template;
    const body = await this.templateBody();
    const diagnostics: Diagnostic[] = [];
    if (/\.json$/i.test(file)) {
      try {
        JSON.parse(body);
      } catch (error) {
        return [{ severity: 'error', summary: `not valid JSON: ${(error as Error).message}`, file }];
      }
    }
    const readable = parseTemplate(body);
    // CloudFormation decides what is valid; what faber-cloud's own tests cannot read is said here.
    if ('error' in readable && !/\.json$/i.test(file)) diagnostics.push({ severity: 'warning', summary: `the pre-deploy tests cannot read this template (${readable.error}): their rules and cost estimate will not see its resources`, file });
    const { client, sdk } = await this.cfn();
    try {
      const out = await client.send(new sdk.ValidateTemplateCommand({ TemplateBody: body }));
      const needed = (out.Capabilities ?? []).filter((c) => !this.options.capabilities.includes(c));
      if (needed.length > 0) {
        diagnostics.push({ severity: 'error', summary: `the template needs ${needed.join(', ')}, which handlers.iac.cloudformation.capabilities does not acknowledge`, file });
      }
    } catch (error) {
      const { classifyAwsError } = await import('../../hosting/aws/errors.js');
      const failure = classifyAwsError(error, 'cloudformation:ValidateTemplate');
      if (failure.reason === 'credentials' || failure.reason === 'permission-denied' || failure.reason === 'unavailable') {
        diagnostics.push({ severity: 'warning', summary: `not checked by CloudFormation (ValidateTemplate: ${failure.message})`, file });
      } else {
        diagnostics.push({ severity: 'error', summary: failure.message, file });
      }
    }
    diagnostics.push(...(await lintTemplate(this.templateFile(), file, this.options.env ?? process.env)));
    return diagnostics;
  }

  async fmtCheck(): Promise<string[]> {
    return [];
  }

  private async describeStack(): Promise<Stack | undefined> {
    const { client, sdk } = await this.cfn();
    try {
      const out = await client.send(new sdk.DescribeStacksCommand({ StackName: this.options.stackName }));
      return out.Stacks?.[0];
    } catch (error) {
      if (/does not exist/i.test((error as Error).message ?? '')) return undefined;
      throw await failed(`describing stack ${this.options.stackName}`, 'cloudformation:DescribeStacks', error);
    }
  }

  private async stackResources(stackId: string) {
    const { client, sdk } = await this.cfn();
    const resources: { LogicalResourceId?: string; PhysicalResourceId?: string; ResourceType?: string; ResourceStatus?: string }[] = [];
    let token: string | undefined;
    do {
      const out = await client
        .send(new sdk.ListStackResourcesCommand({ StackName: stackId, ...(token ? { NextToken: token } : {}) }))
        .catch(async (error: unknown) => {
          throw await failed(`listing the resources of ${this.options.stackName}`, 'cloudformation:ListStackResources', error);
        });
      resources.push(...(out.StackResourceSummaries ?? []));
      token = out.NextToken;
    } while (token);
    // moto lists a resource of a type it does not support with an empty logical id.
    return resources.filter((r) => r.LogicalResourceId && r.ResourceStatus !== 'DELETE_COMPLETE');
  }

  private async deployedTemplate(stackId: string): Promise<string> {
    const { client, sdk } = await this.cfn();
    const out = await client.send(new sdk.GetTemplateCommand({ StackName: stackId, TemplateStage: 'Original' })).catch(async (error: unknown) => {
      throw await failed(`reading the template of ${this.options.stackName}`, 'cloudformation:GetTemplate', error);
    });
    return typeof out.TemplateBody === 'string' ? out.TemplateBody : JSON.stringify(out.TemplateBody ?? '');
  }

  /** The stack as deployed now: `none` before its first deploy, else a hash of its template and resources. */
  private async baseline(stack: Stack | undefined): Promise<string> {
    if (!stack?.StackId || isUndeployed(stack.StackStatus)) return 'none';
    const resources = await this.stackResources(stack.StackId);
    const template = await this.deployedTemplate(stack.StackId);
    const listed = resources.map((r) => `${r.LogicalResourceId}|${r.PhysicalResourceId ?? ''}|${r.ResourceType ?? ''}|${r.ResourceStatus ?? ''}`).sort();
    return sha256(JSON.stringify([stack.StackId, stack.StackStatus, sha256(template), listed]));
  }

  private async seed(destroy: boolean, stack: Stack | undefined, body: string, parameters: [string, string][]): Promise<PlanSeed> {
    return {
      stack: this.options.stackName,
      destroy,
      template_sha256: destroy ? '' : sha256(body),
      parameters_sha256: destroy ? '' : sha256(JSON.stringify(parameters)),
      capabilities: destroy ? [] : [...this.options.capabilities].sort(),
      baseline: await this.baseline(stack),
      created_at: new Date().toISOString(),
    };
  }

  async plan(out: string): Promise<SavedPlan> {
    const body = await this.templateBody();
    const parameters = await this.parameters();
    let stack = await this.describeStack();
    // A failed first deploy leaves the stack ROLLBACK_COMPLETE, holding nothing and unable to be
    // updated: it is deleted so that a fresh CREATE change set can be made (an auto-fix round's re-plan).
    if (stack?.StackId && stack.StackStatus === 'ROLLBACK_COMPLETE') {
      await this.deleteEmptyStack(stack.StackId);
      stack = await this.describeStack();
    }
    if (stack?.StackStatus && /^(ROLLBACK_COMPLETE|ROLLBACK_FAILED|DELETE_FAILED)$/.test(stack.StackStatus)) {
      throw new OperationError('E_IAC_FAILED', `stack ${this.options.stackName} is ${stack.StackStatus} and cannot be updated`, {
        hint: `destroy it first (faber-cloud infra destroy), then deploy again`,
        details: { diagnostics: [{ severity: 'error', summary: `stack ${this.options.stackName} is ${stack.StackStatus}${stack.StackStatusReason ? `: ${stack.StackStatusReason}` : ''}` }] },
      });
    }
    const seed = await this.seed(false, stack, body, parameters);
    const planId = planIdOf(seed);
    const type = seed.baseline === 'none' ? 'CREATE' : 'UPDATE';
    const name = changeSetName(planId);
    const { client, sdk } = await this.cfn();
    let id: string | undefined;
    try {
      const created = await client.send(
        new sdk.CreateChangeSetCommand({
          StackName: this.options.stackName,
          ChangeSetName: name,
          ChangeSetType: type,
          TemplateBody: body,
          Parameters: parameters.map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
          Capabilities: this.options.capabilities as never,
          Description: `faber-cloud plan ${planId}`,
        }),
      );
      id = created.Id;
    } catch (error) {
      if (!isNoChangesReason((error as Error).message)) throw await failed(`creating change set ${name}`, 'cloudformation:CreateChangeSet', error);
    }
    let changes: ResourceChangeInput[] = [];
    if (id) {
      const described = await this.waitForChangeSet(id);
      if (described.status === 'FAILED') {
        await client.send(new sdk.DeleteChangeSetCommand({ ChangeSetName: id })).catch(() => undefined);
        if (!isNoChangesReason(described.reason)) {
          throw new OperationError('E_IAC_FAILED', `change set ${name} failed: ${described.reason ?? 'no reason given'}`, {
            hint: 'fix the template or parameters and preview again',
            details: { diagnostics: [{ severity: 'error', summary: described.reason ?? `change set ${name} failed` }] },
          });
        }
        id = undefined;
      } else {
        changes = described.changes;
      }
    }
    const physical = new Map<string, string>();
    if (stack?.StackId && seed.baseline !== 'none') {
      for (const r of await this.stackResources(stack.StackId)) if (r.LogicalResourceId && r.PhysicalResourceId) physical.set(r.LogicalResourceId, r.PhysicalResourceId);
    }
    const record: ChangeSetPlan = {
      format: 'faber-cloud/cloudformation-plan@1',
      plan_id: planId,
      seed,
      ...(id ? { change_set: { name, id, type } } : {}),
      changes: changesOf(changes, physical),
    };
    await writeFile(out, JSON.stringify(record, null, 2), { mode: 0o600, flag: 'wx' });
    return this.saved(out, record, plannedFromTemplate(body, record, this.resolveContext(body, parameters)));
  }

  /** What the template's intrinsic functions resolve against here (parameter values, except NoEcho ones). */
  private resolveContext(body: string, parameters: readonly [string, string][]): Omit<ResolveContext, 'resources'> {
    const parsed = parseTemplate(body);
    const declared = 'template' in parsed && isRecord(parsed.template) && isRecord(parsed.template.Parameters) ? parsed.template.Parameters : {};
    const given = new Map(parameters);
    const values = new Map<string, string>();
    for (const [name, definition] of Object.entries(declared)) {
      const d = isRecord(definition) ? definition : {};
      if (d.NoEcho === true || d.NoEcho === 'true') continue;
      const value = given.get(name) ?? (typeof d.Default === 'string' || typeof d.Default === 'number' ? String(d.Default) : undefined);
      if (value !== undefined) values.set(name, value);
    }
    return { parameters: values, region: this.options.region, partition: partitionForRegion(this.options.region) ?? 'aws', stackName: this.options.stackName };
  }

  private async deleteEmptyStack(stackId: string): Promise<void> {
    const { client, sdk } = await this.cfn();
    if ((await this.stackResources(stackId)).length > 0) return;
    await client.send(new sdk.DeleteStackCommand({ StackName: stackId })).catch(async (error: unknown) => {
      throw await failed(`deleting the rolled-back stack ${this.options.stackName}`, 'cloudformation:DeleteStack', error);
    });
    const started = Date.now();
    for (;;) {
      const status = (await client.send(new sdk.DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0]?.StackStatus;
      if (isTerminal(status)) return;
      if (Date.now() - started > WAIT_LIMIT_MS) throw new OperationError('E_IAC_FAILED', `stack ${this.options.stackName} is still ${status} after an hour`);
      await sleep(this.pollMs);
    }
  }

  private async waitForChangeSet(id: string): Promise<{ status: string; reason?: string; changes: ResourceChangeInput[] }> {
    const { client, sdk } = await this.cfn();
    const started = Date.now();
    for (;;) {
      const changes: ResourceChangeInput[] = [];
      let token: string | undefined;
      let status = '';
      let reason: string | undefined;
      do {
        const out = await client.send(new sdk.DescribeChangeSetCommand({ ChangeSetName: id, ...(token ? { NextToken: token } : {}) })).catch(async (error: unknown) => {
          throw await failed('describing the change set', 'cloudformation:DescribeChangeSet', error);
        });
        status = out.Status ?? '';
        reason = out.StatusReason;
        for (const c of out.Changes ?? []) if (c.ResourceChange) changes.push(c.ResourceChange as ResourceChangeInput);
        token = out.NextToken;
      } while (token);
      if (status === 'CREATE_COMPLETE' || status === 'FAILED') return { status, ...(reason ? { reason } : {}), changes };
      if (Date.now() - started > WAIT_LIMIT_MS) throw new OperationError('E_IAC_FAILED', `change set ${id} is still ${status} after an hour`);
      await sleep(this.pollMs);
    }
  }

  async destroyPlan(out: string): Promise<SavedPlan> {
    const stack = await this.describeStack();
    const seed = await this.seed(true, stack, '', []);
    const planId = planIdOf(seed);
    const resources = stack?.StackId && seed.baseline !== 'none' ? await this.stackResources(stack.StackId) : [];
    const record: ChangeSetPlan = {
      format: 'faber-cloud/cloudformation-plan@1',
      plan_id: planId,
      seed,
      changes: changesOf(
        resources.map((r) => ({ Action: 'Remove', LogicalResourceId: r.LogicalResourceId, ResourceType: r.ResourceType, PhysicalResourceId: r.PhysicalResourceId })),
        new Map(),
      ),
    };
    await writeFile(out, JSON.stringify(record, null, 2), { mode: 0o600, flag: 'wx' });
    return this.saved(out, record, record.changes.map((c) => ({ address: c.address, type: neutralType(c.type), name: c.address, module: '', action: 'delete', values: {}, unknown: [], references: {} })));
  }

  private saved(file: string, record: ChangeSetPlan, resources: PlannedResource[]): SavedPlan {
    const digest = digestOf(planIdOf(record.seed), record.changes, record.change_set !== undefined || (record.seed.destroy && record.changes.length > 0));
    const { baseline: _baseline, ...seed } = record.seed;
    return {
      file,
      digest,
      redactedJson: { stack: seed.stack, destroy: seed.destroy, change_set: record.change_set ?? null, changes: record.changes, resource_changes: resourceChangesOf(record, resources) },
      resources,
    };
  }

  private async readPlan(file: string): Promise<ChangeSetPlan> {
    const text = await readFile(path.resolve(this.options.directory, file), 'utf8');
    const record = JSON.parse(text) as ChangeSetPlan;
    if (record?.format !== 'faber-cloud/cloudformation-plan@1' || !record.seed) throw new OperationError('E_IAC_FAILED', `${path.basename(file)} is not a faber-cloud CloudFormation plan`);
    return record;
  }

  /**
   * The saved plan, checked against the cloud: its change set must still be the one previewed
   * and executable, and the stack as it was then (another deploy since makes it stale).
   */
  async showPlan(file: string): Promise<SavedPlan> {
    const record = await this.readPlan(file);
    await this.refuseStale(record);
    let body = '';
    let parameters: [string, string][] = [];
    if (record.change_set) {
      const described = await this.waitForChangeSet(record.change_set.id);
      if (described.status !== 'CREATE_COMPLETE') throw new GuardError('E_GUARD_PLAN_STALE', `change set ${record.change_set.name} is ${described.status}: it can no longer be executed`, { hint: 'preview again' });
      // The values are read from the template and parameters only while they are the ones previewed.
      body = await readFile(this.templateFile(), 'utf8').catch(() => '');
      if (sha256(body) !== record.seed.template_sha256) body = '';
      parameters = await this.parameters().catch(() => []);
      if (sha256(JSON.stringify(parameters)) !== record.seed.parameters_sha256) parameters = [];
    }
    return this.saved(file, record, plannedFromTemplate(body, record, this.resolveContext(body, parameters)));
  }

  private async refuseStale(record: ChangeSetPlan): Promise<void> {
    const planId = planIdOf(record.seed);
    if (record.change_set && record.change_set.name !== changeSetName(planId)) {
      throw new GuardError('E_GUARD_PLAN_MISMATCH', `plan ${planId} names change set ${record.change_set.name}, not ${changeSetName(planId)}`, { hint: 'preview again' });
    }
    const now = await this.baseline(await this.describeStack());
    if (now !== record.seed.baseline) {
      throw new GuardError('E_GUARD_PLAN_STALE', `plan ${planId} is stale: stack ${this.options.stackName} changed after it was previewed (${record.seed.created_at}); it will not be applied`, {
        hint: `preview again (faber-cloud infra preview${record.seed.destroy ? ' --destroy' : ''}) and apply the new plan`,
      });
    }
    if (record.change_set) {
      const { client, sdk } = await this.cfn();
      const out = await client.send(new sdk.DescribeChangeSetCommand({ ChangeSetName: record.change_set.id })).catch(() => undefined);
      if (!out || out.ExecutionStatus !== 'AVAILABLE') {
        throw new GuardError('E_GUARD_PLAN_STALE', `change set ${record.change_set.name} is ${out?.ExecutionStatus ?? 'gone'}: it can no longer be executed`, { hint: 'preview again' });
      }
    }
  }

  async writePlanJson(planFile: string, out: string): Promise<void> {
    const record = await this.readPlan(planFile);
    const body = record.seed.destroy ? '{}' : await this.templateBody();
    // Scanners get JSON: a YAML template's short-form tags in their long form, as CloudFormation reads them.
    const parsed = parseTemplate(body);
    await writeFile(out, 'template' in parsed ? JSON.stringify(parsed.template) : body, { mode: 0o600, flag: 'wx' });
  }

  async apply(planFile: string, events?: EventSink): Promise<ApplyResult> {
    const record = await this.readPlan(planFile);
    await this.refuseStale(record);
    if (!record.seed.destroy && record.change_set && this.options.beforeExecute) {
      const stopped = await this.options.beforeExecute(record.seed.template_sha256, events);
      if (stopped) return stopped;
    }
    const { client, sdk } = await this.cfn();
    const before = await this.describeStack();
    const stackId = before?.StackId ?? record.change_set?.id;
    if (!stackId) return { ok: true, counts: { add: 0, change: 0, destroy: 0 }, diagnostics: [], completed: [], failed: [] };
    const seen = new Set((await this.events(stackId)).map((e) => e.EventId));
    try {
      if (record.seed.destroy) await client.send(new sdk.DeleteStackCommand({ StackName: stackId }));
      else if (record.change_set) await client.send(new sdk.ExecuteChangeSetCommand({ ChangeSetName: record.change_set.id }));
      else return { ok: true, counts: { add: 0, change: 0, destroy: 0 }, diagnostics: [], completed: [], failed: [] };
    } catch (error) {
      const action = record.seed.destroy ? 'cloudformation:DeleteStack' : 'cloudformation:ExecuteChangeSet';
      const err = await failed(`${record.seed.destroy ? 'deleting' : 'executing'} ${this.options.stackName}`, action, error);
      if (err instanceof NeedsHumanError) throw err;
      return { ok: false, counts: { add: 0, change: 0, destroy: 0 }, diagnostics: ((err as OperationError).details as { diagnostics: Diagnostic[] }).diagnostics, completed: [], failed: [] };
    }
    // CloudFormation goes on whatever this process does: a signal waits for the stack to settle, so the record is true.
    const result = await busyWhile(() => this.follow(stackId, seen, record.seed.destroy, events));
    // moto reports no resource events for a change set: a success then counts the changes it executed.
    if (result.ok && result.completed.length === 0) {
      for (const c of record.changes) {
        result.completed.push(c.address);
        if (c.action === 'create') result.counts.add++;
        else if (c.action === 'delete') result.counts.destroy++;
        else if (c.action === 'replace') {
          result.counts.add++;
          result.counts.destroy++;
        } else result.counts.change++;
      }
    }
    return result;
  }

  private async events(stackId: string): Promise<(StackEventInput & { EventId?: string })[]> {
    const { client, sdk } = await this.cfn();
    const out = await client.send(new sdk.DescribeStackEventsCommand({ StackName: stackId })).catch(async (error: unknown) => {
      throw await failed(`reading the events of ${this.options.stackName}`, 'cloudformation:DescribeStackEvents', error);
    });
    return out.StackEvents ?? [];
  }

  /** Stream the stack's new events (oldest first) until the operation ends. */
  private async follow(stackId: string, seen: Set<string | undefined>, destroy: boolean, events?: EventSink): Promise<ApplyResult> {
    const { client, sdk } = await this.cfn();
    const counts = { add: 0, change: 0, destroy: 0 };
    const completed: string[] = [];
    const failedAddresses: string[] = [];
    const all: StackEventInput[] = [];
    const started = Date.now();
    let status: string | undefined;
    let reason: string | undefined;
    for (;;) {
      const stack = (await client.send(new sdk.DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0];
      status = stack?.StackStatus;
      reason = stack?.StackStatusReason;
      const fresh = (await this.events(stackId)).filter((e) => !seen.has(e.EventId)).reverse();
      for (const event of fresh) {
        seen.add(event.EventId);
        all.push(event);
        const s = stepOf(event);
        if (!s) continue;
        if (s.phase === 'complete') {
          completed.push(s.address);
          if (s.action === 'create') counts.add++;
          else if (s.action === 'update') counts.change++;
          else counts.destroy++;
        }
        if (s.phase === 'errored') failedAddresses.push(s.address);
        events?.({ level: s.phase === 'errored' ? 'error' : 'info', code: 'APPLY_RESOURCE', ...(s.reason && s.phase === 'errored' ? { message: s.reason } : {}), data: { phase: s.phase, address: s.address, action: s.action } });
      }
      if (isTerminal(status)) break;
      if (Date.now() - started > WAIT_LIMIT_MS) throw new OperationError('E_IAC_FAILED', `stack ${this.options.stackName} is still ${status} after an hour`);
      await sleep(this.pollMs);
    }
    const ok = isSuccess(status, destroy);
    const diagnostics = failureDiagnostics(all);
    if (!ok && diagnostics.length === 0) diagnostics.push({ severity: 'error', summary: `stack ${this.options.stackName} ended ${status ?? 'in an unknown state'}${reason ? `: ${reason}` : ''}` });
    for (const d of diagnostics) events?.({ level: 'error', code: 'APPLY_DIAGNOSTIC', message: d.summary, data: { severity: d.severity, summary: d.summary, ...(d.address ? { address: d.address } : {}) } });
    return { ok, counts, diagnostics, completed, failed: failedAddresses };
  }

  /** Not built yet: CloudFormation's own drift detection (DetectStackDrift) is what it would use; moto does not implement it. */
  async driftPlan(): Promise<DriftPlan> {
    throw unsupportedDrift('cloudformation');
  }

  async showState(): Promise<StateResource[]> {
    const stack = await this.describeStack();
    if (!stack?.StackId || isUndeployed(stack.StackStatus)) return [];
    const scope = scopeOf(stack.StackId, this.options.region);
    const definitions = templateResources(await this.deployedTemplate(stack.StackId));
    return (await this.stackResources(stack.StackId)).map((r) => {
      const logical = r.LogicalResourceId as string;
      const type = r.ResourceType ?? 'unknown';
      const physical = r.PhysicalResourceId || undefined;
      const arn = cloudFormationResourceArn(type, physical, scope);
      const definition = definitions?.[logical];
      return {
        address: logical,
        type,
        name: logical,
        module: '',
        provider: 'cloudformation',
        values: {
          ...(physical ? { id: physical } : {}),
          ...(arn ? { arn } : {}),
          logical_id: logical,
          status: r.ResourceStatus ?? null,
          // What the template declares for it: a changed declaration moves the registry's updated_at.
          ...(definition !== undefined ? { definition_sha256: sha256(JSON.stringify(definition)) } : {}),
        },
      };
    });
  }

  async outputs(): Promise<OutputValue[]> {
    const stack = await this.describeStack();
    if (!stack || isUndeployed(stack.StackStatus)) return [];
    return (stack.Outputs ?? []).filter((o) => o.OutputKey).map((o) => ({ name: o.OutputKey as string, sensitive: false, value: o.OutputValue ?? null }));
  }
}

/** Partition, region and account of a stack's resources, from the stack's ARN. */
function scopeOf(stackId: string, region: string): ArnScope {
  const arn = parseArn(stackId);
  return { partition: arn?.partition ?? 'aws', region: arn?.region || region, accountId: arn?.accountId ?? '' };
}

/** `infra drift` on a handler that has no drift support yet: a usage error, raised before the handler calls anything. */
export function unsupportedDrift(tool: string): ConfigError {
  return new ConfigError('E_CONFIG_IAC_UNSUPPORTED', `infra drift is not available for the ${tool} handler yet`, {
    hint: 'see what changed outside the stack with CloudFormation drift detection (aws cloudformation detect-stack-drift), or switch handlers.iac.active to terraform',
  });
}
