import data from '../../plugin/templates/ops/audit-rules.json' with { type: 'json' };
import type { PolicyStatementFacts, ResourceFacts } from '../handlers/hosting/inspection.js';

/**
 * Security rules of `ops audit`: when each rule matches is decided here, from provider-neutral
 * facts; how severe it is, its title and its fix are data (templates/ops/audit-rules.json).
 * Pure: no I/O.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface AuditRule {
  id: string;
  type: 'security' | 'cost';
  severity: Severity;
  title: string;
  fix: string;
}

export interface Finding {
  rule: string;
  type: 'security' | 'cost';
  severity: Severity;
  title: string;
  /** Registry address, or the resource type for cost findings about a whole type. */
  resource: string;
  evidence: string;
  fix: string;
}

interface RulesFile {
  admin_ports: Record<string, string>;
  read_action_prefixes: string[];
  rules: AuditRule[];
}

const RULES = data as RulesFile;
const BY_ID = new Map(RULES.rules.map((r) => [r.id, r]));
const ADMIN_PORTS = Object.entries(RULES.admin_ports).map(([port, name]) => ({ port: Number(port), name }));
const WORLD = new Set(['0.0.0.0/0', '::/0']);

export function auditRule(id: string): AuditRule {
  const rule = BY_ID.get(id);
  if (!rule) throw new Error(`audit rule ${id} is missing from templates/ops/audit-rules.json`);
  return rule;
}

export function finding(id: string, resource: string, evidence: string, values: Record<string, string> = {}): Finding {
  const rule = auditRule(id);
  const fix = rule.fix.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
  return { rule: rule.id, type: rule.type, severity: rule.severity, title: rule.title, resource, evidence, fix };
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Get*, List*, Describe*, …: actions that only read. */
export function isReadAction(action: string): boolean {
  const name = action.split(':')[1] ?? action;
  return RULES.read_action_prefixes.some((prefix) => name.startsWith(prefix) && !name.includes('*'));
}

const label = (s: PolicyStatementFacts, i: number) => (s.sid ? `statement '${s.sid}'` : `statement ${i + 1}`);

function bucketFindings(f: Extract<ResourceFacts, { kind: 'bucket' }>, address: string): Finding[] {
  const out: Finding[] = [];
  const block = f.publicAccessBlock;
  // RestrictPublicBuckets makes a public policy ineffective, IgnorePublicAcls a public ACL.
  if (!block?.restrictPublicBuckets) {
    f.policyStatements.forEach((s, i) => {
      if (s.effect === 'Allow' && s.principals.includes('*') && !s.hasCondition) {
        out.push(finding('s3-public-policy', address, `bucket ${f.name}: ${label(s, i)} allows ${s.actions.join(', ') || '(no action)'} to Principal "*" without a condition`));
      }
    });
  }
  if (f.publicGrants.length > 0 && !block?.ignorePublicAcls) {
    out.push(finding('s3-public-acl', address, `bucket ${f.name}: ACL grants ${f.publicGrants.map((g) => `${g.permission} to ${g.grantee}`).join(', ')}`));
  }
  if (!block) out.push(finding('s3-public-access-block-missing', address, `bucket ${f.name}: no public access block configured`));
  else {
    const off = (['blockPublicAcls', 'ignorePublicAcls', 'blockPublicPolicy', 'restrictPublicBuckets'] as const).filter((k) => !block[k]);
    if (off.length > 0) out.push(finding('s3-public-access-block-partial', address, `bucket ${f.name}: public access block has ${off.join(', ')} off`));
  }
  if (f.defaultEncryption === null) out.push(finding('s3-unencrypted', address, `bucket ${f.name}: no default encryption configuration`));
  return out;
}

function roleFindings(f: Extract<ResourceFacts, { kind: 'role' }>, address: string): Finding[] {
  const out: Finding[] = [];
  for (const policy of f.policies) {
    const admin: string[] = [];
    const actionWildcards: string[] = [];
    const resourceWildcardWrites: string[] = [];
    policy.statements.forEach((s, i) => {
      if (s.effect !== 'Allow') return;
      const everyAction = s.notAction || s.actions.includes('*');
      const wildcardActions = s.notAction ? ['NotAction'] : s.actions.filter((a) => a.includes('*'));
      const onEverything = s.resources.includes('*');
      if (everyAction && onEverything) admin.push(label(s, i));
      else if (wildcardActions.length > 0) actionWildcards.push(`${label(s, i)}: ${wildcardActions.join(', ')}${onEverything ? ' on *' : ''}`);
      else if (onEverything) {
        const writes = s.actions.filter((a) => !isReadAction(a));
        if (writes.length > 0) resourceWildcardWrites.push(`${label(s, i)}: ${writes.join(', ')} on *`);
      }
    });
    const where = `role ${f.name}, policy ${policy.name}`;
    if (admin.length > 0) out.push(finding('iam-admin-wildcard', address, `${where}: ${admin.join(', ')} allow Action "*" on Resource "*"`));
    if (actionWildcards.length > 0) out.push(finding('iam-action-wildcard', address, `${where}: ${actionWildcards.join('; ')}`));
    if (resourceWildcardWrites.length > 0) out.push(finding('iam-resource-wildcard-write', address, `${where}: ${resourceWildcardWrites.join('; ')}`));
  }
  return out;
}

function firewallFindings(f: Extract<ResourceFacts, { kind: 'firewall' }>, address: string): Finding[] {
  const out: Finding[] = [];
  for (const rule of f.ingress) {
    if (!WORLD.has(rule.source)) continue;
    const allPorts = rule.protocol === 'all' || (rule.fromPort !== null && rule.toPort !== null && rule.fromPort <= 0 && rule.toPort >= 65535);
    if (allPorts) {
      out.push(finding('sg-all-ports-open', address, `security group ${f.name} (${f.id}): ${rule.protocol} ingress on every port from ${rule.source}`, { source: rule.source }));
      continue;
    }
    if (rule.protocol !== 'tcp' && rule.protocol !== '6') continue;
    for (const { port, name } of ADMIN_PORTS) {
      if (rule.fromPort !== null && rule.toPort !== null && rule.fromPort <= port && port <= rule.toPort) {
        const range = rule.fromPort === rule.toPort ? `port ${port}` : `ports ${rule.fromPort}-${rule.toPort} (includes ${port})`;
        out.push(finding('sg-admin-port-open', address, `security group ${f.name} (${f.id}): tcp ${range} (${name}) open to ${rule.source}`, { source: rule.source, port: String(port) }));
      }
    }
  }
  return out;
}

/** Every finding the facts of one resource support. */
export function securityFindings(facts: ResourceFacts & { address: string }): Finding[] {
  switch (facts.kind) {
    case 'bucket':
      return bucketFindings(facts, facts.address);
    case 'table':
      return facts.encryption === 'disabled' ? [finding('dynamodb-unencrypted', facts.address, `table ${facts.name}: server-side encryption is reported disabled`)] : [];
    case 'volume':
      return facts.encrypted ? [] : [finding('ebs-unencrypted', facts.address, `volume ${facts.id}: Encrypted is false`)];
    case 'role':
      return roleFindings(facts, facts.address);
    case 'firewall':
      return firewallFindings(facts, facts.address);
    case 'log-group':
      return facts.retentionDays === null ? [finding('logs-no-retention', facts.address, `log group ${facts.name}: no retention set (logs never expire)`)] : [];
  }
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.resource.localeCompare(b.resource) || a.rule.localeCompare(b.rule) || a.evidence.localeCompare(b.evidence));
}
