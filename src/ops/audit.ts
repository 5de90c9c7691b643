import { NeedsHumanError } from '../core/errors.js';
import { identityEvent, step, type EventSink } from '../core/events.js';
import { authorize, checkAccount } from '../core/guard.js';
import type { InspectionTarget } from '../handlers/hosting/inspection.js';
import type { CallerIdentity } from '../handlers/hosting/types.js';
import { loadHostingHandler } from '../handlers/load.js';
import { loadEnvironment } from '../infra/environment.js';
import { readRegistry } from '../registry/registry.js';
import { securityFindings, severityRank, sortFindings, SEVERITIES, type Finding, type Severity } from './audit-rules.js';
import { problemFor, rethrowAsOpsError, type OpsProblem } from './problems.js';
import { costView, type CostView } from './pricing.js';

/**
 * `ops audit`: security findings on the registry's resources, read live (read-only, with
 * the environment's deploy profile, same role and account rules as a preview), and a cost
 * view from the registry and the pricing table. A check that cannot run is a gap in the
 * report, never a crash.
 */

export type AuditType = 'security' | 'cost' | 'all';

/** A check that could not run: the ops problem record, with the resource and the check. */
export interface AuditGap extends OpsProblem {
  resource: string;
  check: string;
}

export interface AuditReport {
  env: string;
  type: AuditType;
  generated_at: string;
  registry: string;
  resources: number;
  summary: Record<Severity, number>;
  findings: Finding[];
  security: { inspected: string[]; not_inspected: { address: string; type: string }[] } | null;
  cost: CostView | null;
  gaps: AuditGap[];
  /** False when a check could not run: the findings may be incomplete. */
  complete: boolean;
  fail_on: string;
  /** Why the command exits 1, if it does. */
  failing: string | null;
  identity: CallerIdentity | null;
}

export async function audit(cwd: string, request: { env: string; type: AuditType; profile?: string }, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<AuditReport> {
  const view = await loadEnvironment(cwd, request.env, processEnv);
  const settings = view.config.audit;
  const registry = await readRegistry(view.envPaths.registryFile, view.display(view.envPaths.registryFile));
  const resources = registry?.resources ?? [];
  const findings: Finding[] = [];
  const gaps: AuditGap[] = [];
  let identity: CallerIdentity | null = null;
  let security: AuditReport['security'] = null;
  let cost: CostView | null = null;

  if (request.type !== 'cost' && resources.length > 0) {
    const authorization = authorize(view.config, { operation: 'ops-read', env: request.env, ...(request.profile ? { profile: request.profile } : {}) });
    const hosting = await loadHostingHandler(view.config, processEnv);
    identity = await hosting.callerIdentity(authorization.profile, authorization.region);
    report(identityEvent(identity, authorization));
    checkAccount(authorization, identity);
    const inspector = await hosting.inspection({ profile: authorization.profile, region: authorization.region });
    const inspectedTypes = new Set(inspector.inspectedTypes);
    const targets: InspectionTarget[] = resources.filter((r) => inspectedTypes.has(r.type)).map((r) => ({ address: r.address, type: r.type, id: r.id, arn: r.arn, region: r.region }));
    report(step('AUDIT_STEP', `reading the live configuration of ${targets.length} resource(s)`));
    const result = await inspector.inspect(targets).catch(rethrowAsOpsError(request.env, 'ops audit'));
    for (const facts of result.facts) findings.push(...securityFindings(facts));
    for (const gap of result.gaps) {
      gaps.push({ resource: gap.address, check: gap.check, ...problemFor(gap.failure, request.env, `${gap.check} of ${gap.address}`, 'ops audit') });
    }
    // Nothing could be read, only for want of permissions or credentials: a person must act.
    const blocked = gaps.length > 0 && gaps.every((g) => g.failure === 'denied' || g.failure === 'credentials');
    if (result.facts.length === 0 && targets.length > 0 && blocked) {
      const actions = [...new Set(gaps.filter((g) => g.failure === 'denied').map((g) => g.action))];
      throw new NeedsHumanError('E_PERMISSION_DENIED', `ops audit could not read any resource of '${request.env}': ${actions.length > 0 ? `missing ${actions.join(', ')}` : 'credentials rejected'}`, {
        hint: actions.length > 0 ? `ask the permission manager: faber-cloud permissions grant --env ${request.env} ${actions.map((a) => `--action ${a}`).join(' ')} --reason 'ops audit'` : 'refresh the profile\'s credentials',
        details: { gaps, missing_actions: actions },
      });
    }
    security = {
      inspected: targets.map((t) => t.address),
      not_inspected: resources.filter((r) => !inspectedTypes.has(r.type)).map((r) => ({ address: r.address, type: r.type })),
    };
  } else if (request.type !== 'cost') {
    security = { inspected: [], not_inspected: [] };
  }

  if (request.type !== 'security') {
    const priced = costView(resources, settings.pricing_overrides, settings.monthly_budget_usd);
    cost = priced.view;
    findings.push(...priced.findings);
  }

  const sorted = sortFindings(findings);
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, sorted.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const gate = settings.fail_on;
  const failingFindings = gate === 'never' ? [] : sorted.filter((f) => severityRank(f.severity) <= severityRank(gate));
  const failing =
    failingFindings.length > 0
      ? `${failingFindings.length} finding(s) at or above ${gate} (audit.fail_on)`
      : gaps.length > 0
        ? `${gaps.length} check(s) could not run: the audit is incomplete`
        : null;
  return {
    env: request.env,
    type: request.type,
    generated_at: new Date().toISOString(),
    registry: view.display(view.envPaths.registryFile),
    resources: resources.length,
    summary,
    findings: sorted,
    security,
    cost,
    gaps,
    complete: gaps.length === 0,
    fail_on: gate,
    failing,
    identity,
  };
}
