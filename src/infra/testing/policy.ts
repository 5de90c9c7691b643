import type { IamCatalogue } from '../../handlers/hosting/aws/iam-catalogue.js';

/** An IAM policy document, reduced to what the rules read. */
export interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  /** Action values; empty when the statement uses NotAction. */
  actions: string[];
  notAction: boolean;
  /** Resource values; empty when the statement uses NotResource (or none, as in bucket policies without Resource). */
  resources: string[];
  /** Every principal value (of every kind); empty when the statement has none (identity policies). */
  principals: string[];
  /** True when Principal is "*" or {"AWS": "*"} (or lists "*"). */
  publicPrincipal: boolean;
  hasCondition: boolean;
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : []);

/** Parse a policy document (a JSON string, as Terraform plans carry them); undefined when it is not one. */
export function parsePolicy(text: unknown): PolicyStatement[] | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== 'object') return undefined;
  const raw = (doc as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  return statements
    .filter((s): s is Record<string, unknown> => Boolean(s) && typeof s === 'object')
    .map((s) => {
      const principal = s.Principal;
      let principals: string[] = [];
      let publicPrincipal = false;
      if (principal === '*') {
        principals = ['*'];
        publicPrincipal = true;
      } else if (principal && typeof principal === 'object') {
        for (const [kind, value] of Object.entries(principal as Record<string, unknown>)) {
          const values = asList(value);
          principals.push(...values);
          if (kind === 'AWS' && values.includes('*')) publicPrincipal = true;
        }
      }
      return {
        effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
        actions: asList(s.Action),
        notAction: s.NotAction !== undefined,
        resources: asList(s.Resource),
        principals,
        publicPrincipal,
        hasCondition: Boolean(s.Condition) && typeof s.Condition === 'object' && Object.keys(s.Condition as object).length > 0,
      };
    });
}

/** Verbs that only read, for actions and patterns the catalogue cannot answer for. */
const READ_VERBS = /^(Get|List|Describe|Head|BatchGet|Query|Scan|Search|Select|View|Lookup|Check|Validate|Estimate|Preview|Export|Download|Read)/;

/**
 * Whether an action changes something and is always scoped to resource ARNs (so `Resource: "*"`
 * on it is a choice, not a necessity). Exact actions are looked up in the IAM catalogue
 * (its access level and required resource types); patterns like `s3:Put*` are judged by their verb.
 */
export async function isScopableWrite(action: string, catalogue: IamCatalogue): Promise<boolean> {
  const [service, name] = action.split(':');
  if (!service || !name || name === '*') return false;
  if (name.includes('*') || name.includes('?')) return !READ_VERBS.test(name);
  const known = await catalogue.action(service, name);
  if (!known) return !READ_VERBS.test(name);
  const writes = /Write|Permissions management|Tagging/.test(known.accessLevel);
  // A required resource type means the action always acts on named resources (a table, a
  // bucket): "*" there is a choice. Optional types (cloudwatch:PutMetricData's dataset) are not.
  return writes && known.resourceTypes.some((t) => t.required);
}
