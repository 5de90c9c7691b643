import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { validateBeforeMutation } from '../artifacts/catalogue.js';
import { GuardError, OperationError } from '../core/errors.js';
import { step, type EventSink } from '../core/events.js';
import { ensureDirectory } from '../core/files/safe-path.js';
import { withLock } from '../core/files/lock.js';
import { authorize, type Authorization } from '../core/guard.js';
import type { CallerIdentity } from '../handlers/hosting/types.js';
import type { DriftedResource, PlannedChange } from '../handlers/iac/types.js';
import { readRegistry, writeRegistry, type Registry } from '../registry/registry.js';
import { checkEnvironmentWrites, loadEnvironment, openEnvironment, iacDirectory, type OpenEnvironment } from './environment.js';
import { appendHistory, type HistoryEntry } from './history.js';
import { identify, newDeploymentId, refreshRegistry, writeDeployedMarkdown } from './lifecycle.js';

/**
 * `infra drift`: what changed outside the IaC tool, told apart from the code changes pending
 * beside it. Detection never touches state; `--accept` records reality in state (a refresh-only
 * apply: nothing in the cloud changes) under the deploy guards.
 */

export interface DriftRequest {
  env: string;
  accept?: boolean;
  /** --plan: the drift id reviewed (production accepts only the drift that was reviewed). */
  planId?: string;
  confirm?: string;
  profile?: string;
}

export interface DriftResult {
  env: string;
  drift_id: string;
  /** Changed or deleted outside the tool, with the attributes (sensitive ones without values). */
  drifted: DriftedResource[];
  /** Code changes pending against the recorded state: not drift, deployed by infra deploy. */
  pending_changes: PlannedChange[];
  seen_at: string;
  accepted: boolean;
  identity: CallerIdentity;
  /** The next command: accept the drift (or nothing to do). */
  next_command: string | null;
}

function acceptCommand(open: { name: string; environment: { require_confirmation: boolean; profile: string } }, driftId: string): string {
  const prod = open.environment.profile === 'prod';
  const confirm = prod || open.environment.require_confirmation ? ` --confirm ${open.name}` : '';
  return `faber-cloud infra drift --env ${open.name} --accept${prod ? ` --plan ${driftId}` : ''}${confirm}`;
}

/** Detection reads with the deploy profile (as preview); accepting is guarded as a deploy. */
function authorizeDrift(view: Awaited<ReturnType<typeof loadEnvironment>>, request: DriftRequest): Authorization {
  const base = { env: request.env, ...(request.profile ? { profile: request.profile } : {}) };
  if (!request.accept) return authorize(view.config, { operation: 'preview', ...base });
  try {
    return authorize(view.config, { operation: 'deploy', ...base, ...(request.confirm ? { confirm: request.confirm } : {}), ...(request.planId ? { planId: request.planId } : {}) });
  } catch (error) {
    if (error instanceof GuardError && (error.code === 'E_GUARD_PLAN_REQUIRED' || error.code === 'E_GUARD_CONFIRMATION_REQUIRED')) {
      const prod = view.environment.profile === 'prod';
      throw new GuardError(error.code as `E_GUARD_${string}`, `accepting drift in '${request.env}' needs${prod ? ' the reviewed drift id (--plan) and' : ''} --confirm ${request.env}`, {
        hint: `review it with faber-cloud infra drift --env ${request.env}, then run the command it prints`,
      });
    }
    throw error;
  }
}

export async function detectDrift(cwd: string, request: DriftRequest, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<DriftResult> {
  const view = await loadEnvironment(cwd, request.env, processEnv);
  await iacDirectory(view);
  await checkEnvironmentWrites(view, 'drift');
  const authorization = authorizeDrift(view, request);
  await validateBeforeMutation('infra drift', view.paths, view.name);
  const open = await openEnvironment(view, authorization.profile, processEnv);
  const identity = await identify(open, authorization, report);

  return withLock(open.envPaths.lockFile, 'infra drift', open.paths, async () => {
    await ensureDirectory(open.paths, open.envPaths.plansDir);
    report(step('LIFECYCLE_STEP', 'initialising'));
    await open.iac.init();
    report(step('LIFECYCLE_STEP', 'refresh-only plan: comparing the cloud with the recorded state'));
    const file = path.join(open.envPaths.plansDir, `.drift-${randomBytes(4).toString('hex')}${open.iac.planFileSuffix}`);
    const started = new Date();
    const runId = newDeploymentId(started);
    try {
      const plan = await open.iac.driftPlan(file);
      if (request.planId && request.planId !== plan.driftId) {
        throw new GuardError('E_GUARD_PLAN_MISMATCH', `the drift of '${open.name}' is now ${plan.driftId}, not the reviewed ${request.planId}; nothing was accepted`, {
          hint: `review it again: faber-cloud infra drift --env ${open.name}`,
        });
      }
      const seenAt = new Date().toISOString();
      const accept = request.accept === true && plan.drifted.length > 0;
      if (accept) {
        report(step('LIFECYCLE_STEP', `accepting the drift of ${plan.drifted.length} resource(s) into state (nothing in the cloud changes)`));
        const applied = await open.iac.apply(file, report);
        if (!applied.ok) {
          const first = applied.diagnostics.find((d) => d.severity === 'error');
          throw new OperationError('E_APPLY_FAILED', `accepting the drift of '${open.name}' failed: ${first?.summary ?? 'see the diagnostics'}`, { details: { diagnostics: applied.diagnostics } });
        }
      }
      const registry = accept ? await refreshRegistry(open, identity, runId) : await markRegistry(open, plan.drifted, seenAt);
      if (accept && registry) await writeDeployedMarkdown(open, registry);
      await appendHistory(open.envPaths.historyFile, historyEntry(runId, open, identity, authorization, started, plan, accept), open.paths);
      return {
        env: open.name,
        drift_id: plan.driftId,
        drifted: plan.drifted,
        pending_changes: plan.pending,
        seen_at: seenAt,
        accepted: accept,
        identity,
        next_command: plan.drifted.length > 0 && !accept ? acceptCommand(open, plan.driftId) : null,
      };
    } finally {
      await rm(file, { force: true });
    }
  });
}

/** Mark each drifted resource in the registry (and clear marks no longer seen); none written when there is no registry yet. */
async function markRegistry(open: OpenEnvironment, drifted: readonly DriftedResource[], seenAt: string): Promise<Registry | undefined> {
  const display = open.display(open.envPaths.registryFile);
  const registry = await readRegistry(open.envPaths.registryFile, display);
  if (!registry) return undefined;
  const byAddress = new Map(drifted.map((d) => [d.address, d]));
  const resources = registry.resources.map((r) => {
    const { drift: _old, ...rest } = r;
    const found = byAddress.get(r.address);
    return found ? { ...rest, drift: { seen_at: seenAt, action: found.action, attributes: found.attributes.map((a) => a.path) } } : rest;
  });
  const next = { ...registry, resources };
  await writeRegistry(open.envPaths.registryFile, next, open.paths);
  return next;
}

function historyEntry(
  id: string,
  open: OpenEnvironment,
  identity: CallerIdentity,
  authorization: Authorization,
  started: Date,
  plan: { driftId: string; drifted: DriftedResource[]; pending: PlannedChange[] },
  accepted: boolean,
): HistoryEntry {
  const finished = new Date();
  return {
    id,
    operation: 'drift',
    env: open.name,
    started_at: started.toISOString(),
    finished_at: finished.toISOString(),
    duration_ms: finished.getTime() - started.getTime(),
    outcome: plan.drifted.length === 0 ? 'no-changes' : 'success',
    profile: authorization.profile,
    account: identity.account,
    caller_arn: identity.arn,
    plan_id: null,
    add: 0,
    change: 0,
    destroy: 0,
    auto_fix_rounds: 0,
    error_codes: [],
    drift: {
      drift_id: plan.driftId,
      accepted,
      resources: plan.drifted.map((d) => ({ address: d.address, action: d.action, attributes: d.attributes.map((a) => a.path) })),
      pending_changes: plan.pending.length,
    },
  };
}
