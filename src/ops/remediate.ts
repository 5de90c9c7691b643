import { randomBytes } from 'node:crypto';
import { GuardError, UsageError } from '../core/errors.js';
import { withLock } from '../core/files/lock.js';
import { busyWhile } from '../core/interrupt.js';
import { identityEvent, step, type EventSink } from '../core/events.js';
import { authorize, checkAccount, type Authorization } from '../core/guard.js';
import type { FaberConfig } from '../core/config/schema.js';
import type { CallerIdentity } from '../handlers/hosting/types.js';
import type { MoveResult, RemediationCapability, ResourceRef } from '../handlers/hosting/remediation.js';
import { loadHostingHandler } from '../handlers/load.js';
import { checkEnvironmentWrites, loadEnvironment, type EnvironmentConfigView } from '../infra/environment.js';
import { validateBeforeMutation } from '../artifacts/catalogue.js';
import { appendHistory, type HistoryEntry, type RemediationRecord } from '../infra/history.js';
import { readRegistry, type Registry, type RegistryResource } from '../registry/registry.js';
import { opsError, rethrowAsOpsError } from './problems.js';
import { catalogue, catalogueAction, fillTemplate, type CatalogueAction, type CatalogueParameter, type RemediationActionId } from './remediation-catalogue.js';
import { resolveTarget } from './targets.js';

/**
 * `ops remediate`: one action of the fixed catalogue on one resource of the environment's
 * registry. Dry-run by default (reads the current value and shows what would change);
 * `apply` makes the change under the environment lock, after the guard (DESIGN §5), and
 * records it in the history with the way back.
 */

export interface RemediateRequest {
  env: string;
  action: string;
  target: string;
  /** Raw flag values by parameter name (count, concurrency, to, max_messages). */
  params: Record<string, string | undefined>;
  apply: boolean;
  confirm?: string;
  profile?: string;
}

export interface RemediationResult {
  env: string;
  action: string;
  target: { address: string; type: string; id: string | null };
  /** dry-run: nothing changed; no-change: already so, nothing done; success: applied. */
  outcome: 'dry-run' | 'no-change' | 'success';
  setting: string;
  before: unknown;
  /** dry-run: the value it would have; otherwise what the provider reports after the change. */
  after: unknown;
  changes: string;
  api: string;
  undo: { command: string | null; note: string };
  /** The command that applies this dry-run (with the confirmation the environment needs). */
  apply_command: string;
  history_id: string | null;
  details?: unknown;
  identity: CallerIdentity;
}

/** Parsed parameters: numbers checked against the catalogue and the config's bounds. */
interface Params {
  count?: number;
  /** null: remove the reservation. */
  concurrency?: number | null;
  to?: RegistryResource;
  max_messages?: number;
}

/** One implemented action: how to read the setting, what it would become, and how to change it. */
interface ActionImpl {
  read(cap: RemediationCapability, target: ResourceRef, p: Params): Promise<unknown>;
  planned(before: unknown, p: Params): unknown;
  /** True when applying would change nothing. */
  unchanged(before: unknown, p: Params): boolean;
  apply(cap: RemediationCapability, target: ResourceRef, p: Params): Promise<{ after: unknown; details?: unknown }>;
}

const redriveState = async (cap: RemediationCapability, dlq: ResourceRef, to: ResourceRef) => {
  const [from, into] = await Promise.all([cap.queueState(dlq), cap.queueState(to)]);
  return { dead_letter_messages: from.messages, source_messages: into.messages, source: into.name };
};
type RedriveState = Awaited<ReturnType<typeof redriveState>>;

const IMPLEMENTATIONS: Record<RemediationActionId, ActionImpl> = {
  'restart-service': {
    read: async (cap, t) => ({ deployment_id: (await cap.serviceState(t)).deploymentId }),
    planned: () => ({ deployment_id: '(a new deployment)' }),
    unchanged: () => false,
    apply: async (cap, t) => {
      const state = await cap.restartService(t);
      return { after: { deployment_id: state.deploymentId }, details: state };
    },
  },
  'scale-service': {
    read: async (cap, t) => (await cap.serviceState(t)).desiredCount,
    planned: (_before, p) => p.count,
    unchanged: (before, p) => before === p.count,
    apply: async (cap, t, p) => {
      const state = await cap.scaleService(t, p.count as number);
      return { after: state.desiredCount, details: state };
    },
  },
  'set-concurrency': {
    read: (cap, t) => cap.functionConcurrency(t),
    planned: (_before, p) => p.concurrency,
    unchanged: (before, p) => before === p.concurrency,
    apply: async (cap, t, p) => ({ after: await cap.setFunctionConcurrency(t, p.concurrency ?? null) }),
  },
  'redrive-dlq': {
    read: (cap, t, p) => redriveState(cap, t, refOf(p.to as RegistryResource)),
    planned: (before, p) => {
      const b = before as RedriveState;
      const moving = Math.min(b.dead_letter_messages, p.max_messages as number);
      return { dead_letter_messages: b.dead_letter_messages - moving, source_messages: b.source_messages + moving, source: b.source };
    },
    unchanged: (before) => (before as RedriveState).dead_letter_messages === 0,
    apply: async (cap, t, p) => {
      const to = refOf(p.to as RegistryResource);
      const moved: MoveResult = await cap.moveMessages(t, to, p.max_messages as number);
      return { after: await redriveState(cap, t, to), details: moved };
    },
  },
};

function refOf(r: RegistryResource): ResourceRef {
  return { address: r.address, type: r.type, id: r.id, arn: r.arn };
}

function isImplemented(id: string): id is RemediationActionId {
  return id in IMPLEMENTATIONS;
}

function parseInteger(param: CatalogueParameter, raw: string, config: FaberConfig): number | null {
  if (param.type === 'integer-or-none' && raw.trim().toLowerCase() === 'none') return null;
  if (!/^\d+$/.test(raw.trim())) {
    throw new UsageError(`${param.flag} ${raw}: expected a whole number${param.type === 'integer-or-none' ? ' or none' : ''}`, { hint: `${param.flag}: ${param.description}` });
  }
  const value = Number(raw);
  const min = param.min ?? 0;
  const max = param.max_setting ? config.remediation[param.max_setting] : Number.MAX_SAFE_INTEGER;
  if (value < min || value > max) {
    throw new UsageError(`${param.flag} ${value} is out of bounds: ${min}..${max}`, {
      code: 'E_USAGE_OUT_OF_BOUNDS',
      hint: param.max_setting ? `the upper bound is remediation.${param.max_setting} in devops.json` : `${param.flag}: ${param.description}`,
    });
  }
  return value;
}

function parseParams(action: CatalogueAction, raw: RemediateRequest['params'], config: FaberConfig, registry: Registry, env: string): Params {
  const params: Params = {};
  const known = new Set(action.parameters.map((p) => p.name));
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined && !known.has(name)) {
      const flag = `--${name.replace(/_/g, '-')}`;
      throw new UsageError(`${flag} does not apply to ${action.id}`, { hint: action.parameters.length ? `${action.id} takes ${action.parameters.map((p) => p.flag).join(', ')}` : `${action.id} takes no parameters` });
    }
  }
  for (const param of action.parameters) {
    const value = raw[param.name];
    if (param.type === 'resource') {
      if (value !== undefined) params.to = resolveTarget(registry, value, action.target_types, env, param.flag);
      continue;
    }
    if (value === undefined) {
      if (param.name === 'max_messages') {
        params.max_messages = config.remediation.max_redrive_messages;
        continue;
      }
      throw new UsageError(`${action.id} needs ${param.flag}`, { code: 'E_USAGE_MISSING_PARAMETER', hint: `${param.flag}: ${param.description}` });
    }
    const parsed = parseInteger(param, value, config);
    if (param.name === 'count') params.count = parsed as number;
    else if (param.name === 'concurrency') params.concurrency = parsed;
    else if (param.name === 'max_messages') params.max_messages = parsed as number;
  }
  return params;
}

const show = (v: unknown) => (v === null ? 'none' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function commandFor(request: RemediateRequest, actionId: string, view: EnvironmentConfigView, target: RegistryResource, params: Params): string {
  const parts = ['faber-cloud ops remediate', `--env ${request.env}`, `--action ${actionId}`, `--target ${target.address}`];
  if (params.count !== undefined) parts.push(`--count ${params.count}`);
  if (params.concurrency !== undefined) parts.push(`--concurrency ${show(params.concurrency)}`);
  if (params.to) parts.push(`--to ${params.to.address}`);
  if (request.params.max_messages !== undefined) parts.push(`--max-messages ${params.max_messages}`);
  if (request.profile) parts.push(`--profile ${request.profile}`);
  parts.push('--apply');
  if (view.environment.require_confirmation) parts.push(`--confirm ${request.env}`);
  return parts.join(' ');
}

/** For redrive: the source queue, which must be one whose redrive policy names the DLQ, and in the registry. */
async function redriveSource(cap: RemediationCapability, dlq: RegistryResource, params: Params, registry: Registry, env: string): Promise<RegistryResource> {
  const sources = await cap.deadLetterSources(refOf(dlq));
  const queues = registry.resources.filter((r) => r.type === dlq.type);
  const inRegistry = queues.filter((q) => sources.some((name) => q.arn?.endsWith(`:${name}`) || q.id?.endsWith(`/${name}`)));
  if (sources.length === 0) {
    throw new UsageError(`${dlq.address} is not a dead-letter queue: no queue's redrive policy names it`, { code: 'E_USAGE_NOT_A_DLQ', hint: 'pass the dead-letter queue as --target' });
  }
  if (params.to) {
    if (!inRegistry.includes(params.to)) {
      throw new UsageError(`--to ${params.to.address} does not send its failed messages to ${dlq.address}`, {
        code: 'E_USAGE_NOT_A_SOURCE',
        hint: `its source queues: ${sources.join(', ')}`,
      });
    }
    return params.to;
  }
  if (inRegistry.length === 1) return inRegistry[0] as RegistryResource;
  if (inRegistry.length === 0) {
    throw new UsageError(`the source queue(s) of ${dlq.address} (${sources.join(', ')}) are not resources of '${env}'`, {
      code: 'E_USAGE_TARGET_NOT_IN_REGISTRY',
      hint: 'only the environment\'s own queues can receive a redrive',
    });
  }
  throw new UsageError(`${dlq.address} is the dead-letter queue of ${inRegistry.length} queues: name one with --to`, {
    code: 'E_USAGE_TARGET_AMBIGUOUS',
    hint: `--to ${inRegistry.map((q) => q.address).join(' | ')}`,
  });
}

function newRemediationId(now: Date): string {
  return `r-${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
}

export async function remediate(cwd: string, request: RemediateRequest, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<RemediationResult> {
  const view = await loadEnvironment(cwd, request.env, processEnv);
  const action = catalogueAction(request.action);
  if (!action || !isImplemented(action.id)) {
    throw new UsageError(`--action ${request.action}: not in the remediation catalogue`, {
      code: 'E_USAGE_UNKNOWN_ACTION',
      hint: `actions: ${catalogue.map((a) => a.id).join(', ')} (faber-cloud ops remediate --help)`,
    });
  }
  const impl = IMPLEMENTATIONS[action.id];
  // An applied change is appended to the history: its path is checked and its content (and the
  // registry's) judged before anything is read or called.
  if (request.apply) {
    await checkEnvironmentWrites(view, 'remediate');
    await validateBeforeMutation('ops remediate', view.paths, request.env);
  }
  const registry = await readRegistry(view.envPaths.registryFile, view.display(view.envPaths.registryFile));
  if (!registry || registry.resources.length === 0) {
    throw new UsageError(`no resources are recorded for '${request.env}': remediation acts only on the environment's registry`, {
      code: 'E_USAGE_TARGET_NOT_IN_REGISTRY',
      hint: `deploy first (faber-cloud infra deploy --env ${request.env}); the registry is ${view.display(view.envPaths.registryFile)}`,
    });
  }
  const target = resolveTarget(registry, request.target, action.target_types, request.env);
  const params = parseParams(action, request.params, view.config, registry, request.env);

  // The guard before any AWS call. Without the confirmation, the dry-run is still shown
  // (read-only, same profile rules), then the refusal names the exact command.
  let authorization: Authorization;
  let missingConfirmation: GuardError | undefined;
  const guard = { env: request.env, ...(request.profile ? { profile: request.profile } : {}), ...(request.confirm ? { confirm: request.confirm } : {}) };
  if (request.apply) {
    try {
      authorization = authorize(view.config, { operation: 'remediate', ...guard });
    } catch (error) {
      if (!(error instanceof GuardError) || error.code !== 'E_GUARD_CONFIRMATION_REQUIRED') throw error;
      missingConfirmation = error;
      authorization = authorize(view.config, { operation: 'ops-read', ...guard });
    }
  } else {
    authorization = authorize(view.config, { operation: 'ops-read', ...guard });
  }

  const hosting = await loadHostingHandler(view.config, processEnv);
  const identity = await hosting.callerIdentity(authorization.profile, authorization.region);
  report(identityEvent(identity, authorization));
  checkAccount(authorization, identity);
  const cap = await hosting.remediation({ profile: authorization.profile, region: authorization.region });
  const doing = `${action.id} on ${target.address}`;
  if (action.id === 'redrive-dlq') params.to = await redriveSource(cap, target, params, registry, request.env).catch(rethrowAsOpsError(request.env, doing));

  const ref = refOf(target);
  const applyCommand = commandFor(request, action.id, view, target, params);
  const base = {
    env: request.env,
    action: action.id,
    target: { address: target.address, type: target.type, id: target.id },
    setting: action.setting,
    changes: action.changes,
    api: action.api,
    apply_command: applyCommand,
    identity,
  };
  const undoOf = (before: unknown) => ({
    command: action.undo_command ? fillTemplate(action.undo_command, { env: request.env, target: target.address, before: show(before) }) : null,
    note: action.undo_note,
  });

  if (!request.apply || missingConfirmation) {
    report(step('REMEDIATE_STEP', `reading ${action.setting} of ${target.address}`));
    const before = await impl.read(cap, ref, params).catch(rethrowAsOpsError(request.env, doing));
    const result: RemediationResult = { ...base, outcome: impl.unchanged(before, params) ? 'no-change' : 'dry-run', before, after: impl.planned(before, params), undo: undoOf(before), history_id: null };
    if (missingConfirmation) {
      throw new GuardError('E_GUARD_CONFIRMATION_REQUIRED', `${action.id} on '${request.env}' needs --confirm ${request.env}; nothing was changed`, {
        hint: applyCommand,
        details: { command: applyCommand, dry_run: result },
      });
    }
    return result;
  }

  return withLock(view.envPaths.lockFile, 'ops remediate', view.paths, async () => {
    report(step('REMEDIATE_STEP', `reading ${action.setting} of ${target.address}`));
    const before = await impl.read(cap, ref, params).catch(rethrowAsOpsError(request.env, doing));
    if (impl.unchanged(before, params)) {
      return { ...base, outcome: 'no-change' as const, before, after: before, undo: undoOf(before), history_id: null };
    }
    const started = new Date();
    const id = newRemediationId(started);
    report(step('REMEDIATE_STEP', `${action.api}: ${target.address} ${action.setting} ${show(before)} -> ${show(impl.planned(before, params))}`));
    const record: RemediationRecord = { action: action.id, target: target.address, setting: action.setting, before, after: null, undo_command: undoOf(before).command, undo_note: action.undo_note };
    const entryOf = (finished: Date, outcome: 'success' | 'failed', extra: Partial<HistoryEntry>): HistoryEntry => ({
      id,
      operation: 'remediate',
      env: request.env,
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
      duration_ms: finished.getTime() - started.getTime(),
      outcome,
      profile: authorization.profile,
      account: identity.account,
      caller_arn: identity.arn,
      plan_id: null,
      add: 0,
      change: outcome === 'success' ? 1 : 0,
      destroy: 0,
      auto_fix_rounds: 0,
      error_codes: [],
      remediation: record,
      ...extra,
    });
    // The change and its history line go together: after a signal the CLI waits for both.
    const applied = await busyWhile(async () => {
      let done: { after: unknown; details?: unknown };
      try {
        done = await impl.apply(cap, ref, params);
      } catch (thrown) {
        // A failed change may still have changed something (a redrive that stopped halfway): record it.
        const error = opsError(thrown, request.env, doing, 'ops-respond') as Error & { code?: string };
        await appendHistory(view.envPaths.historyFile, entryOf(new Date(), 'failed', { error_codes: [error.code ?? 'E_INTERNAL'], error_message: error.message }), view.paths);
        throw error;
      }
      record.after = done.after;
      await appendHistory(view.envPaths.historyFile, entryOf(new Date(), 'success', {}), view.paths);
      return done;
    });
    return { ...base, outcome: 'success' as const, before, after: applied.after, undo: undoOf(before), history_id: id, ...(applied.details !== undefined ? { details: applied.details } : {}) };
  });
}
