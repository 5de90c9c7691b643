import { GuardError, NeedsHumanError, type FaberError } from '../core/errors.js';
import { identityEvent, noEvents, step, type EventSink } from '../core/events.js';
import { authorize, checkAccount } from '../core/guard.js';
import { withLock } from '../core/files/lock.js';
import { busyWhile } from '../core/interrupt.js';
import { validateBeforeMutation } from '../artifacts/catalogue.js';
import path from 'node:path';
import { loadHostingHandler } from '../handlers/load.js';
import type { CallerIdentity, GrantApplyResult } from '../handlers/hosting/types.js';
import { checkEnvironmentWrites, loadEnvironment } from './environment.js';
import { appendAuditEntries, completeAuditEntries, newAuditId, type AuditEntry } from '../permissions/audit.js';
import { decodeDenials, type Denial } from '../handlers/hosting/aws/denials.js';
import { planGrant, type GrantPlan } from '../permissions/grant-plan.js';
import { partitionForRegion } from '../handlers/hosting/aws/partition.js';

/**
 * A permission grant, end to end (issue 5):
 * parse/plan → guard (`iam-grant`: the discover profile only, account checked through STS)
 * → audit `pending` → IAM (the hosting handler's applyGrant) → audit `granted` | `failed`.
 *
 * Refusals: what the planner refuses is recorded (status `refused`) and the grantable rest is
 * still granted — a denial that needs a person does not hold back the ones that do not. The
 * call then fails with exit 4 (`E_PERMISSION_NEEDS_HUMAN`), whose details carry both the
 * refusals and what was granted. See docs/DECISIONS.md, "Permission grants".
 */

export interface GrantRequest {
  env: string;
  /** What was denied. A denial without `principalArn` is taken to be the deploy identity's. */
  denials: Denial[];
  /** --profile: must be the discover profile (the guard refuses anything else, exit 3). */
  profile?: string;
  /** A person's reason (`--reason`), kept in the audit log. */
  reasonText?: string;
  source: 'cli' | 'auto-fix' | 'preflight';
  /** Grant denials whose reason is `unknown` (moto's and pre-2021 messages); see grant-plan.ts. */
  grantUnknownReason?: boolean;
}

export interface GrantResult {
  env: string;
  account: string;
  region: string;
  profile: string;
  caller: string;
  principal: string;
  plan: Pick<GrantPlan, 'grantable' | 'refused' | 'policyName' | 'namePattern'>;
  /** Audit entries of the grant, one per action (empty when nothing was grantable). */
  auditIds: string[];
  refusalAuditIds: string[];
  applied?: GrantApplyResult;
}

const stripRaw = ({ raw: _raw, ...rest }: Denial): Omit<Denial, 'raw'> => rest;

export async function grantPermissions(cwd: string, request: GrantRequest, processEnv: NodeJS.ProcessEnv, report: EventSink = noEvents): Promise<GrantResult> {
  const view = await loadEnvironment(cwd, request.env, processEnv);
  // Static guard first: a wrong profile is refused before any AWS call.
  const authorization = authorize(view.config, { operation: 'iam-grant', env: request.env, ...(request.profile !== undefined ? { profile: request.profile } : {}) });
  await checkEnvironmentWrites(view, 'grant');
  const aws = view.config.handlers.hosting.aws;
  if (!aws) throw new GuardError('E_GUARD_NO_HOSTING', 'no hosting provider is configured for this project');
  // The audit log is written before and after the IAM call: judge it before any AWS call.
  await validateBeforeMutation('permissions grant', view.paths, request.env);
  const hosting = await loadHostingHandler(view.config, processEnv);

  const identity = await hosting.callerIdentity(authorization.profile, authorization.region);
  report(identityEvent(identity, authorization));
  checkAccount(authorization, identity);

  // The principal that deploys the environment: the grant's target.
  const deployProfile = aws.profiles[authorization.environment.profile];
  const deployIdentity = await hosting.callerIdentity(deployProfile, authorization.region);
  checkAccount({ ...authorization, profile: deployProfile }, deployIdentity);
  report(step('GRANT_STEP', `deploy principal ${deployIdentity.arn} (profile ${deployProfile})`));

  const decoded = await decodeDenials(request.denials, (encoded) => hosting.decodeAuthorizationMessage(authorization.profile, authorization.region, encoded));
  const denials = decoded.map((d) => (d.principalArn ? d : { ...d, principalArn: deployIdentity.arn }));
  const partition = partitionForRegion(authorization.region) ?? identity.partition;
  const plan = await planGrant(denials, {
    project: view.config.project.name,
    subsystem: view.config.project.subsystem,
    env: request.env,
    namingPattern: view.config.resource_naming.pattern,
    accountId: authorization.accountId,
    partition,
    region: authorization.region,
    neverAutoGrant: view.config.permissions.never_auto_grant,
    ...(request.grantUnknownReason ? { grantUnknownReason: true } : {}),
  });

  const auditFile = view.paths.iamAuditFile;
  const display = view.display(auditFile);
  const now = () => new Date().toISOString();
  const base = {
    environment: request.env,
    account: authorization.accountId,
    region: authorization.region,
    target_principal: { arn: deployIdentity.arn },
    source: request.source,
    granted_by_profile: authorization.profile,
    granted_by_arn: identity.arn,
  };
  const reasonOf = (indexes: number[]) => ({
    ...(request.reasonText ? { text: request.reasonText } : {}),
    denials: indexes.map((i) => denials[i]).filter((d): d is Denial => d !== undefined).map(stripRaw),
  });

  // One grant at a time per environment: policy versions are read-modify-write.
  // (In a directory of its own: proper-lockfile keys locks by directory within a process, and
  // an auto-fix grant runs while the deploy holds the environment's lock.)
  return withLock(view.envPaths.grantLockDir, 'permissions grant', view.paths, async () => {
    const refusalEntries: AuditEntry[] = plan.refused.map((r) => {
      const t = now();
      return {
        ...base,
        id: newAuditId(),
        timestamp: t,
        updated_at: t,
        status: 'refused',
        actions: r.action ? [r.action] : [],
        resources: r.resource ? [r.resource] : [],
        policy_name: plan.policyName,
        policy_version: null,
        policies: [],
        reason: reasonOf(r.denials),
        refusal: { reason: r.reason, message: r.message },
      };
    });
    await appendAuditEntries(view.paths, display, refusalEntries);

    const result: GrantResult = {
      env: request.env,
      account: authorization.accountId,
      region: authorization.region,
      profile: authorization.profile,
      caller: identity.arn,
      principal: deployIdentity.arn,
      plan: { grantable: plan.grantable, refused: plan.refused, policyName: plan.policyName, namePattern: plan.namePattern },
      refusalAuditIds: refusalEntries.map((e) => e.id),
      auditIds: [],
    };

    if (plan.grantable.length > 0) {
      // One entry per action (all applied by the same policy version), written before the
      // IAM call and completed after it.
      const t = now();
      const pending: AuditEntry[] = plan.grantable.map((g) => ({
        ...base,
        id: newAuditId(),
        timestamp: t,
        updated_at: t,
        status: 'pending',
        actions: [g.action],
        resources: [...g.resources].sort(),
        policy_name: plan.policyName,
        policy_version: null,
        policies: [],
        reason: reasonOf([...g.denials].sort((a, b) => a - b)),
      }));
      await appendAuditEntries(view.paths, display, pending);
      const ids = pending.map((e) => e.id);
      result.auditIds = ids;
      report(step('GRANT_STEP', `granting ${plan.grantable.map((g) => g.action).join(', ')} on ${[...new Set(plan.grantable.flatMap((g) => g.resources))].sort().join(', ')}`));
      // The change and its audit entry go together: after a signal the CLI waits for both.
      result.applied = await busyWhile(async () => {
        let applied: GrantApplyResult;
        try {
          applied = await hosting.applyGrant({
            profile: authorization.profile,
            region: authorization.region,
            accountId: authorization.accountId,
            partition,
            policyName: plan.policyName,
            grants: plan.grantable.map((g) => ({ action: g.action, resources: g.resources })),
            principalArn: deployIdentity.arn,
          });
        } catch (error) {
          const e = error as Partial<FaberError> & Error;
          await completeAuditEntries(view.paths, display, ids, { status: 'failed', error: { code: e.code ?? 'E_INTERNAL', message: e.message } });
          throw error;
        }
        const first = applied.policies[0];
        await completeAuditEntries(view.paths, display, ids, {
          status: 'granted',
          target_principal: { arn: deployIdentity.arn, type: applied.principal.type, name: applied.principal.name },
          policy_name: first?.name ?? plan.policyName,
          policy_version: first?.version ?? null,
          policies: applied.policies.map((p) => ({ name: p.name, arn: p.arn, version: p.version, change: p.change, pruned_versions: p.prunedVersions, attached: p.attached })),
        });
        return applied;
      });
    }

    if (plan.refused.length > 0) {
      const lines = plan.refused.map((r) => `  - [${r.reason}] ${r.message}`);
      const granted = result.applied ? ` (granted the other ${plan.grantable.length}: ${plan.grantable.map((g) => g.action).join(', ')})` : ' (nothing was granted)';
      throw new NeedsHumanError('E_PERMISSION_NEEDS_HUMAN', `${plan.refused.length} permission(s) for environment ${request.env} need a person${granted}:\n${lines.join('\n')}`, {
        hint: `the refusals are recorded in ${display}; resolve each as its line says (an AWS administrator for IAM, SCP or boundary changes)`,
        details: result,
      });
    }
    return result;
  });
}
