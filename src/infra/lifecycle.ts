import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { hostname } from 'node:os';
import { validateBeforeMutation, validatePlanRecord } from '../artifacts/catalogue.js';
import { FaberError, GuardError, InterruptedError, LockedError, NeedsHumanError, OperationError, UsageError } from '../core/errors.js';
import { readJsonFile, writeJsonAtomic, writeTextAtomic } from '../core/files/atomic.js';
import { holderAlive, processStart, withLock, type HeldLock } from '../core/files/lock.js';
import { ensureDirectory } from '../core/files/safe-path.js';
import { identityEvent, step, warning, type EventSink } from '../core/events.js';
import { busyWhile } from '../core/interrupt.js';
import { authorize, checkAccount, type Authorization, type GuardRequest } from '../core/guard.js';
import type { CallerIdentity } from '../handlers/hosting/types.js';
import type { ApplyResult, Diagnostic, PlanDigest, PlannedResource } from '../handlers/iac/types.js';
import type { Denial } from '../handlers/hosting/aws/denials.js';
import type { GrantResult } from './grant.js';
import { renderDeployedMarkdown } from './deployed-md.js';
import { iacSource } from '../handlers/load.js';
import { buildRegistry, readRegistry, writeRegistry, type Registry } from '../registry/registry.js';
import { checkEnvironmentWrites, loadEnvironment, openEnvironment, iacDirectory, type EnvironmentConfigView, type OpenEnvironment } from './environment.js';
import type { PlanRecord } from './plan-record.js';
import { appendHistory, readHistory, readRunningRecord, type HistoryEntry, type RunningRecord } from './history.js';
import type { PreTestResult } from './testing/results.js';
import type { PreflightReport } from '../permissions/preflight.js';

export interface PreviewResult {
  env: string;
  planId: string;
  planFile: string;
  digest: PlanDigest;
  destroy: boolean;
  identity: CallerIdentity;
  /** The exact command that applies this plan, with the confirmation the environment needs. */
  nextCommand: string;
  /** What the plan needs from IAM and what the deploy identity holds (issue 16); absent for non-AWS hosting. */
  preflight?: PreflightOutcome;
}

/** A preflight as preview and deploy report it: the report, or why it could not run. */
export type PreflightOutcome =
  | (PreflightReport & { granted?: string[]; refused?: string[] })
  | { error: { code: string; message: string } };

/** Who the profile is (shown before anything else), checked against the configured account. */
export async function identify(open: OpenEnvironment, authorization: Authorization, report: EventSink): Promise<CallerIdentity> {
  const identity = await open.hosting.callerIdentity(authorization.profile, authorization.region);
  report(identityEvent(identity, authorization));
  checkAccount(authorization, identity);
  return identity;
}

export function newDeploymentId(now: Date): string {
  return `d-${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
}

/** The saved plan (the tool's own file: `.tfplan`, `.changeset.json`) and its reviewed record. */
function planPaths(open: OpenEnvironment, planId: string) {
  return { plan: path.join(open.envPaths.plansDir, `${planId}${open.iac.planFileSuffix}`), json: path.join(open.envPaths.plansDir, `${planId}.json`) };
}

/** The exact command that applies a saved plan, with the confirmation the environment needs. */
function applyCommand(open: OpenEnvironment, planId: string, destroy: boolean): string {
  const confirm = destroy || open.environment.require_confirmation ? ` --confirm ${open.name}` : '';
  return `faber-cloud infra ${destroy ? 'destroy' : 'deploy'} --env ${open.name} --plan ${planId}${confirm}`;
}

/** A plan with its planned values, in memory only (for the pre-deploy tests). */
type PlanWithValues = PreviewResult & { resources: PlannedResource[] };

/** Plan into a temp file, then name it by its plan id; store the redacted JSON beside it. */
async function savePlan(open: OpenEnvironment, destroy: boolean, identity: CallerIdentity, report: EventSink): Promise<PlanWithValues> {
  await ensureDirectory(open.paths, open.envPaths.plansDir);
  report(step('LIFECYCLE_STEP', `initialising ${open.display(path.resolve(open.paths.root, iacSource(open.config, open.name).directory))}`));
  await open.iac.init();
  report(step('LIFECYCLE_STEP', destroy ? 'planning destroy' : 'planning'));
  const pending = path.join(open.envPaths.plansDir, `.pending-${randomBytes(4).toString('hex')}${open.iac.planFileSuffix}`);
  try {
    const saved = destroy ? await open.iac.destroyPlan(pending) : await open.iac.plan(pending, report);
    const planId = saved.digest.planId;
    const files = planPaths(open, planId);
    await rename(pending, files.plan);
    await writeJsonAtomic(files.json, {
      plan_id: planId,
      env: open.name,
      destroy,
      created_at: new Date().toISOString(),
      account: identity.account,
      profile: identity.profile,
      digest: saved.digest,
      plan: saved.redactedJson,
    } satisfies Omit<PlanRecord, 'digest'> & { digest: PlanDigest }, open.paths);
    const nextCommand = applyCommand(open, planId, destroy);
    return { env: open.name, planId, planFile: files.plan, digest: saved.digest, destroy, identity, nextCommand, resources: saved.resources };
  } finally {
    await rm(pending, { force: true });
  }
}

export async function preview(cwd: string, request: { env: string; destroy?: boolean; profile?: string }, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<PreviewResult> {
  const open = await openForPreview(cwd, request, processEnv, 'infra preview');
  const identity = await identify(open.env, open.authorization, report);
  const { resources, ...result } = await withLock(open.env.envPaths.lockFile, 'infra preview', open.env.paths, () => savePlan(open.env, Boolean(request.destroy), identity, report));
  const preflight = await previewPreflight(open.env, planPaths(open.env, result.planId).json, resources, processEnv, report);
  return preflight ? { ...result, preflight } : result;
}

/**
 * The preflight of a saved plan for preview and deploy. It never stops them: a preflight that
 * cannot run (no IAM read for the discover profile, …) is reported as such, and the deploy's
 * auto-fix loop remains the safety net.
 */
async function previewPreflight(view: EnvironmentConfigView, planJsonFile: string, planned: readonly PlannedResource[], processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<PreflightOutcome | undefined> {
  if (!view.config.handlers.hosting.aws) return undefined;
  try {
    const { openPreflight, preflightPlan } = await import('./preflight.js');
    const record = (await readJsonFile(planJsonFile, view.display(planJsonFile))) as PlanRecord | undefined;
    const session = await openPreflight(view, processEnv);
    return await preflightPlan(view, session, record?.plan, planned, report);
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    const e = error as Partial<FaberError> & Error;
    report(warning('LIFECYCLE_WARNING', `permission preflight did not run: ${e.message}`));
    return { error: { code: e.code ?? 'E_INTERNAL', message: e.message } };
  }
}

/**
 * Before the apply, where the environment lets auto-fix grant (auto_fix_permissions, and not
 * --no-auto-fix): the permissions preflight finds missing are granted in ONE batch through the
 * permission manager (discover profile, escalation floor, scoping, policy versioning and size
 * rules, audit source `preflight`). Refusals do not stop the deploy: the apply may not need
 * them, and if it does the auto-fix loop meets the real denial.
 */
async function preflightGrant(cwd: string, open: OpenEnvironment, request: ApplyRequest, plan: PlanToApply, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<PreflightOutcome | undefined> {
  if (!plan.digest.hasChanges) return undefined;
  // Nothing would be granted: the preview showed the preflight; the deploy does not pay for it again.
  if (request.autoFix === false || !open.environment.auto_fix_permissions || !open.config.permissions.preflight_grants) return undefined;
  const outcome = await previewPreflight(open, plan.files.json, plan.resources, processEnv, report);
  if (!outcome || 'error' in outcome || outcome.summary.missing === 0) return outcome;
  const { grantPermissions } = await import('./grant.js');
  const { preflightDenials } = await import('./preflight.js');
  const denials = preflightDenials(outcome);
  report(step('LIFECYCLE_STEP', `preflight: granting ${outcome.summary.missing} missing permission(s) before the apply`));
  const forward: EventSink = (event) => {
    if (event.code !== 'IDENTITY') report(event);
  };
  try {
    const granted = await grantPermissions(cwd, { env: open.name, denials, source: 'preflight', reasonText: `preflight of plan ${plan.digest.planId}` }, processEnv, forward);
    await propagationWait(open, report);
    return { ...outcome, granted: granted.plan.grantable.map((g) => g.action), refused: [] };
  } catch (error) {
    const e = error as Partial<FaberError> & Error;
    if (e.code === 'E_PERMISSION_NEEDS_HUMAN') {
      const result = e.details as GrantResult;
      const refused = result.plan.refused.map((r) => r.action ?? '(no action)');
      report(warning('LIFECYCLE_WARNING', `preflight: not granted automatically (a person decides if the apply needs them): ${refused.join(', ')}`));
      if (result.applied) await propagationWait(open, report);
      return { ...outcome, granted: result.applied ? result.plan.grantable.map((g) => g.action) : [], refused };
    }
    throw error;
  }
}

/** The environment bound to the profile `preview` uses (the deploy profile, read-only here). */
async function openForPreview(cwd: string, request: { env: string; profile?: string }, processEnv: NodeJS.ProcessEnv, command: 'infra preview' | 'infra test') {
  const view = await loadEnvironment(cwd, request.env, processEnv);
  await iacDirectory(view);
  await checkEnvironmentWrites(view, command === 'infra preview' ? 'preview' : 'test');
  const authorization = authorize(view.config, { operation: 'preview', env: request.env, ...(request.profile ? { profile: request.profile } : {}) });
  await validateBeforeMutation(command, view.paths, view.name);
  return { env: await openEnvironment(view, authorization.profile, processEnv), authorization };
}

export interface PlanTestResult {
  result: PreTestResult;
  /** The saved result file. */
  file: string;
  /** Set when the plan was made for this test (no --plan). */
  previewed?: PreviewResult;
  /** The command that deploys the tested plan. */
  nextCommand: string;
}

/**
 * `infra test --phase pre`: the pre-deploy tests on a saved plan (--plan), or on a fresh plan
 * made exactly as `infra preview` makes one (and kept, so it can be deployed by its id).
 */
export async function testPlan(cwd: string, request: { env: string; planId?: string; profile?: string }, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<PlanTestResult> {
  const { env: open, authorization } = await openForPreview(cwd, request, processEnv, 'infra test');
  if (request.planId) {
    const planId = request.planId;
    await validatePlanRecord(open.paths, open.name, planId);
    // A saved plan is read from disk only: no cloud call, so no identity is needed.
    return withLock(open.envPaths.lockFile, 'infra test', open.paths, async () => {
      const saved = await loadSavedPlan(open, planId, false);
      return runPlanTests(open, { planId, planFile: saved.files.plan, resources: saved.resources }, 'infra test', processEnv, report);
    });
  }
  const identity = await identify(open, authorization, report);
  return withLock(open.envPaths.lockFile, 'infra test', open.paths, async () => {
    const { resources, ...previewed } = await savePlan(open, false, identity, report);
    const tested = await runPlanTests(open, { planId: previewed.planId, planFile: previewed.planFile, resources }, 'infra test', processEnv, report);
    return { ...tested, previewed };
  });
}

/** Run the pre-deploy tests on one plan and save the result with the deployment. */
async function runPlanTests(
  open: OpenEnvironment,
  plan: { planId: string; planFile: string; resources: PlannedResource[] },
  trigger: PreTestResult['trigger'],
  processEnv: NodeJS.ProcessEnv,
  report: EventSink,
): Promise<Omit<PlanTestResult, 'previewed'>> {
  report(step('LIFECYCLE_STEP', `testing plan ${plan.planId}: security rules, cost estimate, gate`));
  const { runPreTests } = await import('./testing/pre.js');
  const { saveTestResult } = await import('./testing/results.js');
  const result = await runPreTests({
    env: open.name,
    planId: plan.planId,
    region: open.region,
    resources: plan.resources,
    testing: open.config.testing,
    trigger,
    writePlanJson: (out) => open.iac.writePlanJson(plan.planFile, out),
    scanFramework: open.iac.scanFramework,
    processEnv,
  });
  const file = await saveTestResult(open.envPaths.testsDir, result, open.paths);
  return { result, file, nextCommand: applyCommand(open, plan.planId, false) };
}

/** A deploy refused by the pre-deploy tests' gate (exit 1): carries the saved result. */
export class PreTestsBlocked extends OperationError {}

export interface DeployResult {
  env: string;
  deploymentId: string;
  operation: 'deploy' | 'destroy';
  outcome: HistoryEntry['outcome'];
  planId: string;
  digest: PlanDigest;
  apply: ApplyResult | null;
  /** Permission rounds: how many, and which actions were granted (DESIGN §5). */
  auto_fix: AutoFixSummary;
  /** The preflight before the apply and what it granted (issue 16). */
  preflight?: PreflightOutcome;
  registry: { file: string; resources: number };
  deployedMarkdown: string;
  identity: CallerIdentity;
  /** Solutions applied for this environment (infra debug --applied) that this run proved to work. */
  solutions_confirmed: string[];
}

/** Refused because a reviewed plan is required: carries the digest and the exact command. */
export class PlanReviewRequired extends GuardError {}

async function loadSavedPlan(open: OpenEnvironment, planId: string, destroy: boolean) {
  if (!/^[0-9a-f]{12}$/.test(planId)) throw new UsageError(`--plan ${planId}: a plan id is 12 hex characters`, { hint: `run faber-cloud infra preview --env ${open.name}` });
  const files = planPaths(open, planId);
  const exists = await stat(files.plan).then(() => true, () => false);
  if (!exists) {
    throw new UsageError(`no saved plan ${planId} for '${open.name}'`, {
      code: 'E_USAGE_PLAN_NOT_FOUND',
      hint: `run faber-cloud infra preview --env ${open.name}${destroy ? ' --destroy' : ''} and use the plan id it prints (a plan is used once)`,
    });
  }
  // The record of what was reviewed must be intact before its plan is applied.
  await validatePlanRecord(open.paths, open.name, planId);
  await open.iac.init();
  const saved = await open.iac.showPlan(files.plan);
  if (saved.digest.planId !== planId) {
    throw new GuardError('E_GUARD_PLAN_MISMATCH', `saved plan ${planId} no longer hashes to its id (it is ${saved.digest.planId}); it will not be applied`, {
      hint: `run faber-cloud infra preview --env ${open.name} again`,
    });
  }
  const isDestroy = saved.digest.changes.length > 0 && saved.digest.changes.every((c) => c.action === 'delete');
  if (destroy && !isDestroy && saved.digest.hasChanges) {
    throw new UsageError(`plan ${planId} is not a destroy plan`, { hint: `run faber-cloud infra preview --env ${open.name} --destroy` });
  }
  return { files, digest: saved.digest, resources: saved.resources };
}

function errorCodesOf(diagnostics: readonly Diagnostic[]): string[] {
  return [...new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary))];
}

/** What `infra deploy` / `infra destroy` ask for: the guard's request plus the apply's own switches. */
export type ApplyRequest = Omit<GuardRequest, 'operation'> & { operation: 'deploy' | 'destroy'; autoFix?: boolean; skipPreTests?: boolean };

/**
 * Apply exactly one saved plan (deploy or destroy) under the environment lock, then bring
 * the registry, DEPLOYED.md and history up to date from real state, whatever the outcome.
 */
export async function applyPlan(
  cwd: string,
  request: ApplyRequest,
  processEnv: NodeJS.ProcessEnv,
  report: EventSink,
): Promise<DeployResult> {
  const view = await loadEnvironment(cwd, request.env, processEnv);
  const recorded = new WeakSet<FaberError>();
  try {
    return await guardedApply(cwd, view, request, processEnv, report, recorded);
  } catch (error) {
    // Failures before the apply (plan errors such as a held state lock, rejected credentials)
    // go to the issue log too; refusals and usage errors are not infrastructure failures.
    if (error instanceof FaberError && !recorded.has(error) && (error.exitCode === 1 || error.exitCode === 4)) {
      await logFailure(view, { env: request.env, operation: request.operation, deploymentId: null, failure: error, apply: null }, report);
    }
    throw error;
  }
}

/** A plan about to be applied: its files, digest and planned values. */
interface PlanToApply {
  files: { plan: string; json: string };
  digest: PlanDigest;
  resources: PlannedResource[];
}

/** What the apply rounds did: the last round's result and failure, the totals of every round. */
interface AppliedRounds {
  apply: ApplyResult | null;
  failure: FaberError | undefined;
  autoFix: AutoFixSummary;
  totals: { add: number; change: number; destroy: number };
  /** The plan the last round applied (a new one after an auto-fix grant). */
  planId: string;
}

/** The history entry's fields known when the run starts. */
type RunBase = Pick<HistoryEntry, 'id' | 'operation' | 'env' | 'started_at' | 'profile' | 'account' | 'caller_arn'>;

/**
 * Guard, identity, then under the environment lock: the plan, the pre-deploy tests, the apply
 * rounds, and the record of the run (whatever the outcome).
 */
async function guardedApply(
  cwd: string,
  view: EnvironmentConfigView,
  request: ApplyRequest,
  processEnv: NodeJS.ProcessEnv,
  report: EventSink,
  recorded: WeakSet<FaberError>,
): Promise<DeployResult> {
  const authorization = await authorizeApply(cwd, view, request, processEnv, report);
  const open = await openEnvironment(view, authorization.profile, processEnv);
  const identity = await identify(open, authorization, report);

  return withLock(open.envPaths.lockFile, `infra ${request.operation}`, open.paths, async (lock) => {
    await recordInterruptedRun(open, report);
    const started = new Date();
    const base: RunBase = { id: newDeploymentId(started), operation: request.operation, env: open.name, started_at: started.toISOString(), profile: authorization.profile, account: identity.account, caller_arn: identity.arn };
    const plan = await planToApply(open, request, identity, report).catch((error: unknown) => stoppedBeforeApply(open, base, request.planId ?? null, error));
    const skippedPreTests = await gateOnPreTests(open, request, plan, processEnv, report, recorded).catch((error: unknown) => stoppedBeforeApply(open, base, plan.digest.planId, error));
    const preflight = await preflightGrant(cwd, open, request, plan, processEnv, report).catch((error: unknown) => stoppedBeforeApply(open, base, plan.digest.planId, error));
    const running = await writeRunningRecord(open, base, plan.digest.planId);
    const rounds = await applyRounds(cwd, open, request, plan, identity, lock, processEnv, report, preflight !== undefined && !('error' in preflight));
    // Always, even after a failure or a signal: the registry must match what really exists,
    // and the run is recorded. The CLI waits for this before exiting on a signal.
    const { registry, outcome, confirmed } = await busyWhile(() => recordRun(view, open, { operation: request.operation, running, started, digest: plan.digest, rounds, skippedPreTests, lock }, identity, report, recorded));
    const { failure, totals } = rounds;
    // The lock was lost after the apply: the run is recorded as it went, then refused.
    if (!failure && lock.compromised) throw lock.compromised;
    if (failure instanceof InterruptedError) {
      // One line for a person: what happened and where it is recorded.
      throw new InterruptedError(failure.signal, `${request.operation} of '${open.name}' ${failure.message} (applied +${totals.add} ~${totals.change} -${totals.destroy}); recorded in the history as interrupted`, {
        details: failure.details,
      });
    }
    if (failure) throw failure;
    return {
      env: open.name,
      deploymentId: base.id,
      operation: request.operation,
      outcome,
      planId: rounds.planId,
      digest: plan.digest,
      apply: rounds.apply,
      auto_fix: rounds.autoFix,
      ...(preflight ? { preflight } : {}),
      registry: { file: open.envPaths.registryFile, resources: registry.resources.length },
      deployedMarkdown: open.envPaths.deployedMarkdownFile,
      identity,
      solutions_confirmed: confirmed,
    };
  });
}

/**
 * The guard's checks before any cloud call: the IaC directory, every artifact the run may write,
 * the profile's role and the confirmations. Production without a reviewed plan previews one and
 * refuses with the exact command (PlanReviewRequired).
 */
async function authorizeApply(cwd: string, view: EnvironmentConfigView, request: ApplyRequest, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<Authorization> {
  await iacDirectory(view);
  // Every artifact this run may write is checked before the plan, the identity call and the apply.
  await checkEnvironmentWrites(view, request.operation, request.autoFix === false ? { autoFix: false } : {});
  let authorization: Authorization;
  try {
    authorization = authorize(view.config, request);
  } catch (error) {
    const needsReview = error instanceof GuardError && !request.planId && ['E_GUARD_PLAN_REQUIRED', 'E_GUARD_CONFIRMATION_REQUIRED'].includes(error.code);
    if (needsReview) throw await planReviewRequired(cwd, request, error, processEnv, report);
    throw error;
  }
  // Every record this run will write (or read once the apply has started) is judged now:
  // a damaged one stops the run here, not after the cloud has changed (issue 13, defect 4).
  await validateBeforeMutation(`infra ${request.operation}`, view.paths, view.name);
  if (request.planId) await validatePlanRecord(view.paths, view.name, request.planId);
  return authorization;
}

/** Production without a reviewed plan: preview the plan to review, and name the exact command. */
async function planReviewRequired(cwd: string, request: ApplyRequest, refusal: GuardError, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<PlanReviewRequired> {
  const previewed = await preview(cwd, { env: request.env, destroy: request.operation === 'destroy', ...(request.profile ? { profile: request.profile } : {}) }, processEnv, report);
  const command = previewed.nextCommand;
  return new PlanReviewRequired(refusal.code as `E_GUARD_${string}`, `${refusal.message}; review plan ${previewed.planId} and re-run`, {
    hint: command,
    details: { plan_id: previewed.planId, digest: previewed.digest, command },
  });
}

/** The saved plan named by --plan, or a fresh one. */
async function planToApply(open: OpenEnvironment, request: ApplyRequest, identity: CallerIdentity, report: EventSink): Promise<PlanToApply> {
  const destroy = request.operation === 'destroy';
  if (request.planId) return loadSavedPlan(open, request.planId, destroy);
  const saved = await savePlan(open, destroy, identity, report);
  return { files: planPaths(open, saved.planId), digest: saved.digest, resources: saved.resources };
}

/** Stopped by a signal before anything was applied: the history still shows the attempt. */
async function stoppedBeforeApply(open: OpenEnvironment, base: RunBase, planId: string | null, error: unknown): Promise<never> {
  if (error instanceof InterruptedError) {
    await busyWhile(() => appendHistory(open.envPaths.historyFile, stoppedEntry(base, planId, error, 'stopped before anything was applied'), open.paths));
  }
  throw error;
}

/**
 * The deployer tests what it is about to apply; a blocked gate applies nothing (PreTestsBlocked).
 * Returns whether the tests were skipped (--skip-pre-tests), which the history records.
 */
async function gateOnPreTests(open: OpenEnvironment, request: ApplyRequest, plan: PlanToApply, processEnv: NodeJS.ProcessEnv, report: EventSink, recorded: WeakSet<FaberError>): Promise<boolean> {
  const { digest } = plan;
  if (request.operation === 'destroy' || !digest.hasChanges) return false;
  if (request.skipPreTests) {
    report(warning('LIFECYCLE_WARNING', 'pre-deploy tests skipped (--skip-pre-tests); the history records it'));
    return true;
  }
  const tested = await runPlanTests(open, { planId: digest.planId, planFile: plan.files.plan, resources: plan.resources }, 'infra deploy', processEnv, report);
  if (!tested.result.passed) {
    const blocked = new PreTestsBlocked('E_PRE_TESTS_BLOCKED', `the pre-deploy tests block plan ${digest.planId}: ${tested.result.gate.blocked_by.join('; ')}; nothing was applied`, {
      hint: `fix the findings (faber-cloud infra test --env ${open.name} --plan ${digest.planId} shows them), or deploy anyway with --skip-pre-tests (recorded in the history)`,
      details: { result: tested.result, file: tested.file },
    });
    // A refusal, not an infrastructure failure: not for the issue log.
    recorded.add(blocked);
    throw blocked;
  }
  return false;
}

/** The `.running.json` a killed run leaves behind, so the next run records it (recordInterruptedRun). */
async function writeRunningRecord(open: OpenEnvironment, base: RunBase, planId: string): Promise<RunningRecord> {
  const running: RunningRecord = { ...base, plan_id: planId, pid: process.pid, host: hostname() };
  const start = processStart(process.pid);
  if (start) running.proc_start = start;
  await writeJsonAtomic(open.envPaths.runFile, running, open.paths);
  return running;
}

/**
 * Apply the plan; after a permission denial, one auto-fix round grants and re-plans, and the
 * new plan is applied, until one succeeds, fails for another reason, or auto-fix gives up.
 * Failures are returned, not thrown: the run is recorded whatever happened.
 */
async function applyRounds(
  cwd: string,
  open: OpenEnvironment,
  request: ApplyRequest,
  plan: PlanToApply,
  identity: CallerIdentity,
  lock: HeldLock,
  processEnv: NodeJS.ProcessEnv,
  report: EventSink,
  preflightRan = false,
): Promise<AppliedRounds> {
  let apply: ApplyResult | null = null;
  let failure: FaberError | undefined;
  const autoFix: AutoFixSummary = { rounds: 0, granted: [] };
  const totals = { add: 0, change: 0, destroy: 0 };
  let current = { files: plan.files, digest: plan.digest };
  while (current.digest.hasChanges) {
    const d = current.digest;
    report(step('LIFECYCLE_STEP', `applying plan ${d.planId} (+${d.counts.create} ~${d.counts.update} ±${d.counts.replace} -${d.counts.delete})`));
    // Each round's own result: a throwing apply must not leave the previous round's counted twice.
    apply = null;
    failure = undefined;
    // Lost the lock (another process removed it): apply nothing more.
    if (lock.compromised) {
      failure = lock.compromised;
      break;
    }
    try {
      apply = await open.iac.apply(current.files.plan, report);
    } catch (error) {
      failure = error instanceof FaberError ? error : new OperationError('E_IAC_FAILED', (error as Error).message);
      // Interrupted mid-apply: count what completed before it stopped.
      const partial = (failure.details as { apply?: { counts?: ApplyResult['counts'] } } | undefined)?.apply?.counts;
      if (failure instanceof InterruptedError && partial) addCounts(totals, partial);
    }
    // A plan is applied once: a second apply of the same plan is refused by the tool anyway.
    await rm(current.files.plan, { force: true });
    if (apply) addCounts(totals, apply.counts);
    if (!apply || apply.ok || failure) break;
    failure = applyFailure(request.operation, open.name, apply);
    const next = await autoFixRound(cwd, open, request, apply, autoFix, plan.digest, identity, processEnv, report, preflightRan).catch((error: unknown) => {
      failure = error instanceof FaberError ? error : new OperationError('E_AUTO_FIX_FAILED', (error as Error).message);
      return undefined;
    });
    if (!next) break;
    current = next;
  }
  return { apply, failure, autoFix, totals, planId: current.digest.planId };
}

function addCounts(totals: AppliedRounds['totals'], counts: ApplyResult['counts']): void {
  for (const key of ['add', 'change', 'destroy'] as const) totals[key] += counts[key];
}

/**
 * The run's record from real state: the registry, the issue log (a failure) or the settled
 * solutions (a success), the history line, and DEPLOYED.md; the running record goes.
 */
async function recordRun(
  view: EnvironmentConfigView,
  open: OpenEnvironment,
  run: { operation: 'deploy' | 'destroy'; running: RunningRecord; started: Date; digest: PlanDigest; rounds: AppliedRounds; skippedPreTests: boolean; lock: HeldLock },
  identity: CallerIdentity,
  report: EventSink,
  recorded: WeakSet<FaberError>,
): Promise<{ registry: Registry; outcome: HistoryEntry['outcome']; confirmed: string[] }> {
  const { running, started, digest, rounds, lock } = run;
  const { apply, failure, totals } = rounds;
  report(step('LIFECYCLE_STEP', 'reading state into the registry'));
  // Resources the applied plan imported (infra adopt's import blocks) are recorded as adopted.
  const imported = rounds.apply ? new Set(digest.changes.filter((c) => c.importing).map((c) => c.address)) : undefined;
  const registry = await refreshRegistry(open, identity, running.id, imported);
  const finished = new Date();
  const interrupted = failure instanceof InterruptedError;
  const outcome: HistoryEntry['outcome'] = interrupted ? 'interrupted' : failure ? 'failed' : digest.hasChanges ? 'success' : 'no-changes';
  const lost = lock.compromised && failure !== lock.compromised ? [lock.compromised.code] : [];
  // An interruption is not an infrastructure failure: it does not go to the issue log.
  const issueIds = failure && !interrupted ? await logFailure(view, { env: open.name, operation: run.operation, deploymentId: running.id, failure, apply }, report) : [];
  if (failure) recorded.add(failure);
  const confirmed = failure ? [] : await settleAppliedSolutions(view, open.name, report);
  const { pid: _pid, host: _host, proc_start: _start, ...base } = running;
  const tests = await testsSinceLastEntry(open);
  const entry: HistoryEntry = {
    ...base,
    finished_at: finished.toISOString(),
    duration_ms: finished.getTime() - started.getTime(),
    outcome,
    plan_id: rounds.planId,
    add: totals.add,
    change: totals.change,
    destroy: totals.destroy,
    auto_fix_rounds: rounds.autoFix.rounds,
    error_codes: [...(failure ? [failure.code, ...errorCodesOf(apply?.diagnostics ?? [])] : []), ...lost],
    ...(failure ? { error_message: failure.message } : {}),
    ...(issueIds.length > 0 ? { issue_ids: issueIds } : {}),
    ...(run.skippedPreTests ? { skipped_pre_tests: true } : {}),
    ...(tests.length > 0 ? { tests } : {}),
  };
  await appendHistory(open.envPaths.historyFile, entry, open.paths);
  await rm(open.envPaths.runFile, { force: true });
  await writeDeployedMarkdown(open, registry);
  return { registry, outcome, confirmed };
}

/** The infra test results saved since the environment's previous history entry. */
async function testsSinceLastEntry(open: OpenEnvironment) {
  const { resultsSince } = await import('./testing/results.js');
  const history = await readHistory(open.envPaths.historyFile, open.display(open.envPaths.historyFile));
  return resultsSince(open.envPaths.dir, open.envPaths.testsDir, history.at(-1)?.finished_at, 10, open.display);
}

/** Everything a failure said, in the form the debugger reads best (diagnostics as -json lines). */
function failureText(failure: FaberError, apply: ApplyResult | null): string {
  const fromApply = apply ? apply.diagnostics.filter((d) => d.severity === 'error') : [];
  const fromError = (failure.details as { diagnostics?: Diagnostic[] } | undefined)?.diagnostics?.filter((d) => d.severity === 'error') ?? [];
  const diagnostics = fromApply.length > 0 ? fromApply : fromError;
  if (diagnostics.length > 0) return diagnosticLines(diagnostics);
  const stderr = (failure.details as { stderr?: unknown } | undefined)?.stderr;
  return typeof stderr === 'string' && stderr.trim() ? stderr : failure.message;
}

/**
 * Count a failed deploy/destroy in the debugger's issue log and attach the best known
 * match to the error. The log is secondary: if it cannot be written, say so and go on.
 */
async function logFailure(
  view: EnvironmentConfigView,
  input: { env: string; operation: 'deploy' | 'destroy'; deploymentId: string | null; failure: FaberError; apply: ApplyResult | null },
  report: EventSink,
): Promise<string[]> {
  try {
    const { recordFailure } = await import('../debugger/debugger.js');
    const result = await recordFailure(view, {
      env: input.env,
      operation: input.operation,
      deploymentId: input.deploymentId,
      errorCode: input.failure.code,
      text: failureText(input.failure, input.apply),
    });
    const { knownIssueSummary } = await import('../debugger/summary.js');
    input.failure.addDetails({ debugger: knownIssueSummary(result, input.env) });
    return result.issueIds;
  } catch (error) {
    report(warning('LIFECYCLE_WARNING', `the failure could not be recorded in the debugger's issue log: ${(error as Error).message}`));
    return [];
  }
}

/** A success proves the solutions applied for this environment worked. */
async function settleAppliedSolutions(view: EnvironmentConfigView, env: string, report: EventSink): Promise<string[]> {
  try {
    const { recordSuccess } = await import('../debugger/debugger.js');
    const worked = await recordSuccess(view, env);
    if (worked.length > 0) report(step('LIFECYCLE_STEP', `recorded in the issue log: ${worked.join(', ')} worked`));
    return worked;
  } catch (error) {
    report(warning('LIFECYCLE_WARNING', `applied solutions could not be settled in the debugger's issue log: ${(error as Error).message}`));
    return [];
  }
}

/** The history entry of a run a signal stopped. */
function stoppedEntry(
  base: Pick<HistoryEntry, 'id' | 'operation' | 'env' | 'started_at' | 'profile' | 'account' | 'caller_arn'>,
  planId: string | null,
  error: InterruptedError,
  what: string,
): HistoryEntry {
  const now = new Date();
  return {
    ...base,
    finished_at: now.toISOString(),
    duration_ms: Math.max(0, now.getTime() - Date.parse(base.started_at)),
    outcome: 'interrupted',
    plan_id: planId,
    add: 0,
    change: 0,
    destroy: 0,
    auto_fix_rounds: 0,
    error_codes: [error.code],
    error_message: `${error.message}: ${what}`,
  };
}

/**
 * A run that was killed (or crashed) mid-apply leaves its `.running.json` behind and no
 * history line. Record it as interrupted, so the history never silently loses an apply that
 * may have changed the cloud, but only once that run is really gone: a run still alive on
 * this host (whose lock was removed by hand) is refused as a lock holder, never recorded.
 */
async function recordInterruptedRun(open: OpenEnvironment, report: EventSink): Promise<void> {
  // A damaged record is an error (exit 2), never skipped: it may stand for an apply that changed the cloud.
  const running = await readRunningRecord(open.envPaths.runFile, open.display(open.envPaths.runFile));
  if (!running) return;
  const here = running.host === undefined || running.host === hostname();
  if (here && running.pid !== process.pid && holderAlive(running)) {
    throw new LockedError(`${open.name} has a ${running.operation} still running: pid ${running.pid} (${running.id}, since ${running.started_at})`, {
      hint: 'wait for it to finish; a suspended run keeps the environment until it ends',
      details: { running: { id: running.id, pid: running.pid, host: running.host ?? hostname(), operation: running.operation } },
    });
  }
  const now = new Date();
  report(step('LIFECYCLE_STEP', `recording the interrupted ${running.operation} ${running.id} (pid ${running.pid}) in the history`));
  const { pid, host: _host, proc_start: _start, ...run } = running;
  await appendHistory(open.envPaths.historyFile, {
    ...run,
    finished_at: now.toISOString(),
    duration_ms: Math.max(0, now.getTime() - Date.parse(run.started_at)),
    outcome: 'interrupted',
    add: 0,
    change: 0,
    destroy: 0,
    auto_fix_rounds: 0,
    error_codes: ['E_INTERRUPTED'],
    error_message: `pid ${pid} ended before recording the outcome; finished_at is when this was noticed, and the registry shows what exists now`,
  }, open.paths);
  await rm(open.envPaths.runFile, { force: true });
}

export interface AutoFixSummary {
  rounds: number;
  granted: string[];
}

function applyFailure(operation: string, env: string, apply: ApplyResult): OperationError {
  const first = apply.diagnostics.find((d) => d.severity === 'error');
  return new OperationError('E_APPLY_FAILED', `${operation} of '${env}' failed: ${first ? first.summary : 'see the diagnostics'}${first?.address ? ` (${first.address})` : ''}`, {
    hint: first?.detail?.split('\n')[0] ?? 'the registry was updated from what was really created; fix the cause and preview again',
    details: { diagnostics: apply.diagnostics, completed: apply.completed, failed: apply.failed },
  });
}

/** The tool's diagnostics as `apply -json` lines, the form the denial parser reads best. */
function diagnosticLines(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => JSON.stringify({ '@level': 'error', type: 'diagnostic', diagnostic: { severity: 'error', summary: d.summary, detail: d.detail ?? '', ...(d.address ? { address: d.address } : {}) } }))
    .join('\n');
}

/**
 * One auto-fix round after an apply failed (DESIGN §5): every denial of that apply is granted
 * at once through the permission manager (discover profile, scoped, audited), then a fresh
 * plan is made. Returns that plan, or undefined when this failure is not for auto-fix (no
 * denial, auto-fix off); throws a NeedsHumanError when a person must act.
 */
async function autoFixRound(
  cwd: string,
  open: OpenEnvironment,
  request: { operation: 'deploy' | 'destroy'; autoFix?: boolean },
  apply: ApplyResult,
  summary: AutoFixSummary,
  reviewed: PlanDigest,
  identity: CallerIdentity,
  processEnv: NodeJS.ProcessEnv,
  report: EventSink,
  preflightRan = false,
): Promise<{ files: { plan: string; json: string }; digest: PlanDigest } | undefined> {
  const { parseDenials } = await import('../handlers/hosting/aws/denials.js');
  const parsed = parseDenials(diagnosticLines(apply.diagnostics), { region: open.region, accountId: identity.account, partition: identity.partition });
  const credentials = parsed.find((p) => p.kind === 'credentials');
  if (credentials) {
    throw new NeedsHumanError('E_AWS_CREDENTIALS', `the deploy credentials were rejected (${credentials.code}): not a permission problem, nothing was granted`, {
      hint: `refresh the credentials of profile ${identity.profile ?? '(default)'} and deploy again`,
    });
  }
  const denials = parsed.filter((p): p is Denial => p.kind === 'denial');
  if (denials.length === 0) return undefined;
  const permissions = open.config.permissions;
  const why = (text: string) => `${denials.length} permission denial(s) stopped the ${request.operation}; ${text}`;
  if (request.autoFix === false || !open.environment.auto_fix_permissions) {
    const off = request.autoFix === false ? '--no-auto-fix was given' : `auto_fix_permissions is off for '${open.name}'`;
    throw new NeedsHumanError('E_PERMISSION_DENIED', why(`${off}, so nothing was granted`), {
      hint: `see them with faber-cloud permissions parse-error; grant with faber-cloud permissions grant --env ${open.name} --action A --resource R --reason "..."`,
      details: { denials },
    });
  }
  const repeated = denials.filter((d) => d.action !== undefined && summary.granted.includes(d.action));
  if (repeated.length > 0) {
    throw new NeedsHumanError('E_AUTO_FIX_REPEATED', why(`${repeated.map((d) => d.action).join(', ')} was denied again after being granted: something other than the deploy policy denies it`), {
      hint: 'look for an explicit deny, SCP, permissions boundary or session policy on the deploy identity',
      details: { denials },
    });
  }
  if (summary.rounds >= permissions.max_auto_fix_rounds) {
    throw new NeedsHumanError('E_AUTO_FIX_EXHAUSTED', why(`${summary.rounds} auto-fix round(s) already ran (permissions.max_auto_fix_rounds)`), { details: { denials } });
  }
  summary.rounds += 1;
  report(step('LIFECYCLE_STEP', `auto-fix round ${summary.rounds}: ${denials.map((d) => d.action ?? '(unstated action)').join(', ')}`));
  const { grantPermissions } = await import('./grant.js');
  // Refusals throw (exit 4) after granting what may be granted; the audit log has both.
  const granted = await grantPermissions(cwd, { env: open.name, denials, source: 'auto-fix', grantUnknownReason: permissions.grant_unstated_reason }, processEnv, (event) => {
    // The grant's own identity line (the discover profile) would read as the deploy's.
    if (event.code !== 'IDENTITY') report(event);
  });
  const actions = granted.plan.grantable.map((g) => g.action);
  await learnFromGrant(open, reviewed, denials, granted, preflightRan, report);
  if (actions.length === 0) return undefined;
  summary.granted.push(...actions);
  await propagationWait(open, report);
  const next = await savePlan(open, request.operation === 'destroy', identity, report);
  // Production applies only what was reviewed: the rest of the reviewed plan, nothing new.
  if (open.environment.profile === 'prod') {
    const allowed = new Set(reviewed.changes.map((c) => `${c.action} ${c.address}`));
    const extra = next.digest.changes.filter((c) => !allowed.has(`${c.action} ${c.address}`));
    if (extra.length > 0) {
      throw new GuardError('E_GUARD_PLAN_CHANGED', `after the auto-fix grant, the plan for '${open.name}' holds changes that were not reviewed: ${extra.map((c) => `${c.action} ${c.address}`).join(', ')}`, {
        hint: `review it: faber-cloud infra preview --env ${open.name}`,
      });
    }
  }
  return { files: planPaths(open, next.planId), digest: next.digest };
}

/** IAM is eventually consistent: wait after a grant before the IaC tool uses it. */
async function propagationWait(open: OpenEnvironment, report: EventSink): Promise<void> {
  const seconds = open.config.permissions.propagation_wait_seconds;
  if (seconds <= 0) return;
  report(step('LIFECYCLE_STEP', `waiting ${seconds}s for IAM to propagate`));
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

/**
 * Learning (issue 16): each action this auto-fix round granted is recorded against the resource
 * type and change whose denial asked for it, so the next preflight includes it; a denial for an
 * action the action map already predicted for that type and change is a map defect (preflight
 * should have granted it), recorded and reported. Denials without a resource address cannot be
 * attributed and teach nothing.
 */
async function learnFromGrant(open: OpenEnvironment, reviewed: PlanDigest, denials: readonly Denial[], granted: GrantResult, preflightRan: boolean, report: EventSink): Promise<void> {
  const { actionMap } = await import('../permissions/action-map.js');
  const { learningOf, recordLearned } = await import('../permissions/learned.js');
  const predicts = (type: string, action: string) => {
    const entry = actionMap.resources[type];
    return entry ? [...entry.create, ...entry.read, ...entry.delete, ...Object.values(entry.update ?? {}).flat()].some((a) => a.toLowerCase() === action.toLowerCase()) : false;
  };
  const { learned, defects } = learningOf(granted.plan.grantable, denials.map((d) => d.address), reviewed.changes, predicts, preflightRan);
  for (const d of defects) report(warning('LIFECYCLE_WARNING', `action map defect: ${d.action} was denied for ${d.address} (${d.type} ${d.change}) although the map predicts it; recorded in ${open.display(open.paths.learnedPermissionsFile)}`));
  await recordLearned(open.paths, open.display(open.paths.learnedPermissionsFile), open.name, learned, defects);
}

export async function refreshRegistry(open: OpenEnvironment, identity: CallerIdentity, deploymentId: string, imported?: ReadonlySet<string>): Promise<Registry> {
  const previous = await readRegistry(open.envPaths.registryFile, open.display(open.envPaths.registryFile));
  const resources = await open.iac.showState();
  const registry = buildRegistry(previous, resources, {
    env: open.name,
    project: open.config.project.name,
    account: identity.account,
    region: open.region,
    deploymentId,
    now: new Date().toISOString(),
    link: (resource) => open.hosting.link(resource, open.region),
    ...(imported && imported.size > 0 ? { imported } : {}),
  });
  await writeRegistry(open.envPaths.registryFile, registry, open.paths);
  return registry;
}

export async function writeDeployedMarkdown(open: OpenEnvironment, registry: Registry): Promise<void> {
  const outputs = await open.iac.outputs();
  const history = await readHistory(open.envPaths.historyFile, open.display(open.envPaths.historyFile));
  await writeTextAtomic(open.envPaths.deployedMarkdownFile, renderDeployedMarkdown(registry, outputs, history), open.paths);
}
