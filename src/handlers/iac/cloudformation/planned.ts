import type { PlannedResource } from '../types.js';
import type { ChangeSetPlan } from './change-set.js';
import { neutralResources, neutralType, type ResolveContext, type TemplateResource } from './resource-types.js';
import { parseTemplate } from './yaml.js';

/** A CloudFormation plan's resources for the pre-deploy tests and the preflight: pure, no AWS call. */

export const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The Resources of a template, JSON or YAML (undefined when it cannot be read). */
export function templateResources(body: string): Record<string, TemplateResource> | undefined {
  const parsed = parseTemplate(body);
  if (!('template' in parsed) || !isRecord(parsed.template)) return undefined;
  const resources = parsed.template.Resources;
  return isRecord(resources) ? (resources as Record<string, TemplateResource>) : undefined;
}

/**
 * Every resource as the plan leaves it, for the pre-deploy tests and the preflight: the
 * template's resources (JSON or YAML) in the neutral vocabulary (./resource-types.ts), values
 * resolved where the template and parameters decide them. Without a readable template, the
 * change set's resources with their types only.
 */
export function plannedFromTemplate(body: string, record: ChangeSetPlan, ctx: Omit<ResolveContext, 'resources'>): PlannedResource[] {
  const declared = (body ? templateResources(body) : undefined) ?? {};
  const actions = new Map(record.changes.map((c) => [c.address, c.action]));
  const resolveCtx: ResolveContext = { ...ctx, resources: new Set(Object.keys(declared)) };
  const typeOf = (logical: string) => {
    const t = declared[logical]?.Type;
    return typeof t === 'string' ? t : undefined;
  };
  const planned: PlannedResource[] = Object.entries(declared).flatMap(([logical, d]) => neutralResources(logical, isRecord(d) ? d : {}, actions.get(logical) ?? 'no-op', resolveCtx, typeOf));
  for (const c of record.changes) {
    if (Object.hasOwn(declared, c.address)) continue;
    planned.push({ address: c.address, type: neutralType(c.type), name: c.address, module: '', action: c.action, values: {}, unknown: [], references: {} });
  }
  return planned;
}

/** What executing or deleting the stack itself needs, besides what CloudFormation does to each resource. */
const STACK_ACTIONS = {
  apply: ['cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks', 'cloudformation:ExecuteChangeSet', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
  destroy: ['cloudformation:DeleteStack', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
};

/**
 * The plan's resource changes in the neutral shape the permission preflight reads (address,
 * neutral type, actions, attribute names; no values): CloudFormation makes each resource with
 * the deploy principal's own permissions, so each change needs what the same Terraform change
 * needs; and the stack's own change, with the CloudFormation actions the apply calls.
 */
export function resourceChangesOf(record: ChangeSetPlan, resources: readonly PlannedResource[]): unknown[] {
  const byLogical = new Map(record.changes.map((c) => [c.address, c]));
  const out: unknown[] = [];
  for (const r of resources) {
    if (r.action === 'no-op' || r.action === 'read') continue;
    const property = r.address === r.name ? undefined : r.address.slice(r.name.length + 1).split('.')[0];
    const changed = byLogical.get(r.name)?.changedAttributes;
    // An update touches a companion only when its property changes.
    if (r.action === 'update' && property && changed && !changed.includes(property)) continue;
    const set = Object.entries(r.values)
      .filter(([, v]) => v !== null && v !== undefined && v !== false && v !== '' && !(Array.isArray(v) && v.length === 0) && !(isRecord(v) && Object.keys(v).length === 0))
      .map(([k]) => k);
    set.push(...r.unknown.filter((k) => (r.references[k] ?? []).length > 0));
    out.push({
      address: r.address,
      type: r.type,
      mode: 'managed',
      actions: r.action === 'replace' ? ['delete', 'create'] : [r.action],
      changed_attributes: r.action === 'update' && !property && changed?.includes('Tags') ? ['tags'] : [],
      ...(r.action === 'create' || r.action === 'replace' ? { set_attributes: [...new Set(set)].sort() } : {}),
    });
  }
  const stackChange = record.seed.destroy ? (record.changes.length > 0 ? 'delete' : undefined) : record.change_set ? (record.change_set.type === 'CREATE' ? 'create' : 'update') : undefined;
  if (stackChange) {
    out.push({
      address: record.seed.stack,
      type: 'aws_cloudformation_stack',
      mode: 'managed',
      actions: [stackChange],
      changed_attributes: [],
      name: record.seed.stack,
      needs: record.seed.destroy ? STACK_ACTIONS.destroy : STACK_ACTIONS.apply,
    });
  }
  return out;
}
