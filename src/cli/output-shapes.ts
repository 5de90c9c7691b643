/**
 * The library's results in the `--json` contract's words (snake_case, one name per concept;
 * docs/JSON-OUTPUT.md). Library types keep their TypeScript names; only what the CLI prints is
 * renamed, here, once. The schemas these shapes satisfy are in src/cli/output-schemas/.
 */
import type { CallerIdentity, GrantApplyResult } from '../handlers/hosting/types.js';
import { denialRecord } from '../handlers/hosting/aws/denial-record.js';
import type { PlanDigest, PlannedChange } from '../handlers/iac/types.js';
import type { InitResult } from '../core/init/init-project.js';
import type { DeployResult, PreflightOutcome } from '../infra/lifecycle.js';
import type { DriftResult } from '../infra/drift.js';
import type { AdoptResult } from '../infra/adopt.js';
import type { GrantResult } from '../infra/grant.js';
import type { AuditEntry } from '../permissions/audit.js';

/** Only the defined keys: `--json` omits an absent optional value rather than printing null. */
function defined<T extends Record<string, unknown>>(record: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** One planned change in the contract's names. */
export function changeOutput(c: PlannedChange) {
  return defined({ address: c.address, type: c.type, action: c.action, physical_id: c.physicalId, changed_attributes: c.changedAttributes, replace_reason: c.replaceReason, importing: c.importing });
}

export function digestOutput(d: PlanDigest) {
  return {
    plan_id: d.planId,
    counts: { ...d.counts },
    changes: d.changes.map(changeOutput),
    outputs: d.outputs.map((o) => ({ ...o })),
    has_changes: d.hasChanges,
  };
}

export function identityOutput(i: CallerIdentity) {
  return { account: i.account, arn: i.arn, user_id: i.userId, partition: i.partition, profile: i.profile, region: i.region };
}

/** A parsed denial in the contract's names (the mapping lives beside the parser). */
export const denialOutput = denialRecord;

export function deployOutput(r: DeployResult) {
  return {
    env: r.env,
    operation: r.operation,
    deployment_id: r.deploymentId,
    outcome: r.outcome,
    plan_id: r.planId,
    digest: digestOutput(r.digest),
    apply: r.apply && { ok: r.apply.ok, counts: { ...r.apply.counts }, diagnostics: r.apply.diagnostics.map((x) => ({ ...x })), completed: r.apply.completed, failed: r.apply.failed },
    auto_fix: { rounds: r.auto_fix.rounds, granted: r.auto_fix.granted },
    ...(r.preflight ? { preflight: preflightOutput(r.preflight) } : {}),
    registry: { file: r.registry.file, resources: r.registry.resources },
    deployed_markdown: r.deployedMarkdown,
    identity: identityOutput(r.identity),
    solutions_confirmed: r.solutions_confirmed,
  };
}

export function initOutput(r: InitResult) {
  return defined({
    root: r.root,
    config_file: r.configFile,
    replaced: r.replaced,
    backup_file: r.backupFile,
    project: r.project,
    profiles: { ...r.profiles },
    environments: r.environments,
    iac: r.iac,
    iac_directory: r.iacDirectory,
    iac_detected: r.iacDetected,
    backend: r.backend ? { type: r.backend.type, partial: r.backend.partial, backend_config: { ...r.backend.backend_config } } : undefined,
    gitignore_added: r.gitignoreAdded,
    warnings: r.warnings,
  });
}

function appliedOutput(a: GrantApplyResult) {
  return {
    principal: { ...a.principal },
    policies: a.policies.map((p) => ({ name: p.name, arn: p.arn, version: p.version, change: p.change, pruned_versions: p.prunedVersions, attached: p.attached })),
  };
}

export function grantOutput(r: GrantResult) {
  return defined({
    env: r.env,
    account: r.account,
    region: r.region,
    profile: r.profile,
    caller: r.caller,
    principal: r.principal,
    plan: {
      grantable: r.plan.grantable.map((g) => ({ action: g.action, resources: g.resources, access_level: g.accessLevel, denials: g.denials })),
      refused: r.plan.refused.map((x) => defined({ action: x.action, resource: x.resource, reason: x.reason, message: x.message, denials: x.denials })),
      policy_name: r.plan.policyName,
      name_pattern: r.plan.namePattern,
    },
    audit_ids: r.auditIds,
    refusal_audit_ids: r.refusalAuditIds,
    applied: r.applied && appliedOutput(r.applied),
  });
}

/** An iam-audit.json entry; its stored denials keep the file's own field names, the output uses the contract's. */
export function auditEntryOutput(e: AuditEntry) {
  return { ...e, reason: defined({ text: e.reason.text, denials: e.reason.denials.map(denialOutput) }) };
}

export function driftOutput(r: DriftResult) {
  return {
    env: r.env,
    drift_id: r.drift_id,
    drift_found: r.drifted.length > 0,
    drifted: r.drifted.map((d) => ({ address: d.address, type: d.type, action: d.action, attributes: d.attributes.map((a) => defined({ path: a.path, before: a.before, after: a.after, sensitive: a.sensitive })) })),
    pending_changes: r.pending_changes.map(changeOutput),
    seen_at: r.seen_at,
    accepted: r.accepted,
    account: r.identity.account,
    next_command: r.next_command,
  };
}

/** The preflight is in the contract's names already (src/permissions/preflight.ts): a copy, so the data is plain. */
export function preflightOutput(p: PreflightOutcome): PreflightOutcome {
  return structuredClone(p);
}

export function adoptOutput(r: AdoptResult) {
  return {
    env: r.env,
    dry_run: r.dry_run,
    adopted: r.adopted.map((t) => ({ address: t.address, type: t.type, import_id: t.import_id, arn: t.arn, name: t.name, via: [...t.via] })),
    pending: [...r.pending],
    managed: r.managed,
    not_adopted: r.not_adopted.map((n) => ({ ...n })),
    skipped: r.skipped.map((s) => ({ ...s })),
    files: [...r.files],
    plan: r.plan ? { plan_id: r.plan.plan_id, digest: digestOutput(r.plan.digest) } : null,
    imports: [...r.imports],
    differences: r.differences.map(changeOutput),
    not_imported: [...r.not_imported],
    other_changes: r.other_changes.map(changeOutput),
    account: r.identity.account,
    next_command: r.next_command,
  };
}
