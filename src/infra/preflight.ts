import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { validateArtifact, validatePlanRecord } from '../artifacts/catalogue.js';
import { readJsonFile } from '../core/files/atomic.js';
import { GuardError, UsageError } from '../core/errors.js';
import { step, type EventSink, noEvents } from '../core/events.js';
import { authorize, checkAccount } from '../core/guard.js';
import { loadHostingHandler } from '../handlers/load.js';
import type { HostingHandler } from '../handlers/hosting/types.js';
import { partitionForRegion } from '../handlers/hosting/aws/partition.js';
import type { Denial } from '../handlers/hosting/aws/denials.js';
import type { GrantContext } from '../permissions/grant-plan.js';
import { changesOfPlan, evaluateNeeded, mapVersion, neededPermissions, summarize, type PreflightReport } from '../permissions/preflight.js';
import type { PlannedResource } from '../handlers/iac/types.js';
import { readLearned } from '../permissions/learned.js';
import { loadEnvironment, openEnvironment, type EnvironmentConfigView } from './environment.js';
import { PLAN_RECORD_FILE, type PlanRecord } from './plan-record.js';

/**
 * `permissions preflight` and the lifecycle's preflight step (issue 16): the saved plan's needed
 * permissions, evaluated against what the deploy principal holds. The deploy principal is
 * found through the deploy profile (STS), its policies are read through the discover profile
 * (the deploy profile usually may not read IAM), both accounts checked.
 */

export interface PreflightResult extends PreflightReport {
  env: string;
  plan_id: string;
  account: string;
  region: string;
}

export function grantContextOf(view: EnvironmentConfigView, accountId: string, partition: string): GrantContext {
  return {
    project: view.config.project.name,
    subsystem: view.config.project.subsystem,
    env: view.name,
    namingPattern: view.config.resource_naming.pattern,
    accountId,
    partition,
    region: view.region,
    neverAutoGrant: view.config.permissions.never_auto_grant,
  };
}

/** The record of plan `planId`, or of the newest saved plan; a usage error (exit 2) when there is none. */
export async function planRecordOf(view: EnvironmentConfigView, planId: string | undefined): Promise<PlanRecord> {
  const dir = view.envPaths.plansDir;
  let id = planId;
  if (id !== undefined) {
    if (!/^[0-9a-f]{12}$/.test(id)) throw new UsageError(`--plan ${id}: a plan id is 12 hex characters`, { code: 'E_USAGE_PLAN_ID', hint: `run faber-cloud infra preview --env ${view.name}` });
  } else {
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => PLAN_RECORD_FILE.test(n));
    let newest: { id: string; at: string } | undefined;
    for (const name of names) {
      const planIdOf = name.slice(0, -'.json'.length);
      await validatePlanRecord(view.paths, view.name, planIdOf);
      const record = (await readJsonFile(path.join(dir, name), view.display(path.join(dir, name)))) as PlanRecord;
      if (!newest || record.created_at > newest.at) newest = { id: planIdOf, at: record.created_at };
    }
    if (!newest) throw new UsageError(`no saved plan for '${view.name}'`, { code: 'E_USAGE_PLAN_NOT_FOUND', hint: `run faber-cloud infra preview --env ${view.name} first` });
    id = newest.id;
  }
  const file = path.join(dir, `${id}.json`);
  await validatePlanRecord(view.paths, view.name, id);
  const record = (await readJsonFile(file, view.display(file))) as PlanRecord | undefined;
  if (!record) throw new UsageError(`no saved plan ${id} for '${view.name}'`, { code: 'E_USAGE_PLAN_NOT_FOUND', hint: `run faber-cloud infra preview --env ${view.name} and use the plan id it prints` });
  return record;
}

export interface PreflightSession {
  hosting: HostingHandler;
  /** The discover profile (reads IAM). */
  discoverProfile: string;
  /** The deploy principal's caller ARN. */
  principalArn: string;
  accountId: string;
  partition: string;
}

/** The discover and deploy identities, checked against the configured account. */
export async function openPreflight(view: EnvironmentConfigView, processEnv: NodeJS.ProcessEnv, profile?: string): Promise<PreflightSession> {
  // Reading IAM takes the discover profile, as granting does: the same guard decides.
  const authorization = authorize(view.config, { operation: 'iam-grant', env: view.name, ...(profile !== undefined ? { profile } : {}) });
  const aws = view.config.handlers.hosting.aws;
  if (!aws) throw new GuardError('E_GUARD_NO_HOSTING', 'no hosting provider is configured for this project');
  const hosting = await loadHostingHandler(view.config, processEnv);
  const discover = await hosting.callerIdentity(authorization.profile, authorization.region);
  checkAccount(authorization, discover);
  const deployProfile = aws.profiles[authorization.environment.profile];
  const deploy = await hosting.callerIdentity(deployProfile, authorization.region);
  checkAccount({ ...authorization, profile: deployProfile }, deploy);
  return { hosting, discoverProfile: authorization.profile, principalArn: deploy.arn, accountId: authorization.accountId, partition: partitionForRegion(authorization.region) ?? discover.partition };
}

/** Preflight of a saved plan record (with the plan's values where the caller has them) for an open session. */
export async function preflightPlan(view: EnvironmentConfigView, session: PreflightSession, plan: unknown, planned: readonly PlannedResource[] | undefined, report: EventSink = noEvents): Promise<PreflightReport> {
  const ctx = grantContextOf(view, session.accountId, session.partition);
  const learned = await readLearned(view.paths, view.display(view.paths.learnedPermissionsFile));
  const values = planned ? new Map(planned.map((r) => [r.address, { values: r.values, unknown: r.unknown, references: r.references }])) : undefined;
  const { needed, unknownTypes, resourceChanges } = await neededPermissions({ changes: changesOfPlan(plan, values), ctx, learned: learned.entries });
  report(step('GRANT_STEP', `reading the policies of ${session.principalArn} (profile ${session.discoverProfile})`));
  const policies = await session.hosting.principalPolicies({ profile: session.discoverProfile, region: view.region, principalArn: session.principalArn });
  const evaluated = await evaluateNeeded(needed, policies, { principalArn: policies.principal.arn, accountId: session.accountId });
  return { principal: policies.principal.arn, needed: evaluated, summary: summarize(evaluated, resourceChanges), unknown_types: unknownTypes, notes: policies.notes, map: mapVersion() };
}

export async function preflight(cwd: string, request: { env: string; planId?: string; profile?: string }, processEnv: NodeJS.ProcessEnv, report: EventSink = noEvents): Promise<PreflightResult> {
  const view = await loadEnvironment(cwd, request.env, processEnv);
  // Every record it reads is judged before any AWS call: a damaged one is exit 2.
  await validateArtifact(view.paths, 'learned-permissions');
  const record = await planRecordOf(view, request.planId);
  const session = await openPreflight(view, processEnv, request.profile);
  const planned = await plannedValues(view, record.plan_id, processEnv, report);
  const result = await preflightPlan(view, session, record.plan, planned, report);
  return { env: view.name, plan_id: record.plan_id, account: session.accountId, region: view.region, ...result };
}

/**
 * The planned values of a saved plan whose plan file (the IaC handler's: `.tfplan`,
 * `.changeset.json`) is still there (a plan is deleted once applied): they give the resources'
 * own ARNs. Without them preflight uses the environment's pattern (the record keeps no values:
 * they may be secret).
 */
async function plannedValues(view: EnvironmentConfigView, planId: string, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<PlannedResource[] | undefined> {
  const aws = view.config.handlers.hosting.aws;
  const open = await openEnvironment(view, aws?.profiles[view.environment.profile], processEnv);
  const planFile = path.join(view.envPaths.plansDir, `${planId}${open.iac.planFileSuffix}`);
  if (!(await stat(planFile).then(() => true, () => false))) return undefined;
  report(step('GRANT_STEP', `reading the planned values of ${view.display(planFile)}`));
  await open.iac.init();
  return (await open.iac.showPlan(planFile)).resources;
}

/**
 * The missing permissions of a report as the grant path takes them: one "no identity policy
 * allows" denial per action and resource (the planner then scopes, refuses and audits exactly
 * as for an auto-fix). Explicitly denied ones are not grantable and stay out.
 */
export function preflightDenials(result: Pick<PreflightReport, 'needed' | 'principal'>): Denial[] {
  return result.needed
    .filter((n) => n.status === 'missing')
    .map((n) => ({
      kind: 'denial' as const,
      principalArn: result.principal,
      action: n.action,
      actionInferred: true,
      // The plan's ARN, or the environment pattern of the resource's own kind (the planner keeps
      // it to that resource type); none for actions on `*` alone.
      ...(n.scope !== 'wildcard-only' && n.resource.startsWith('arn:') ? { resourceArn: n.resource } : {}),
      resourceInferred: true,
      reason: 'no-identity-policy' as const,
      explicit: false,
      code: 'Preflight',
      ...(n.addresses[0] ? { address: n.addresses[0] } : {}),
      raw: '',
    }));
}
