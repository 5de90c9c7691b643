import { z } from 'zod';
import data from '../../../plugin/templates/testing/security-rules.json' with { type: 'json' };
import { SEVERITIES, type Severity } from './types.js';

/**
 * The rule catalogue (templates/testing/security-rules.json): each rule's id, severity and
 * the text a person reads. The checks are code (rules.ts); what they say is data.
 */

const RuleSchema = z.strictObject({
  id: z.string().regex(/^[A-Z0-9_]+$/),
  category: z.string(),
  severity: z.enum(SEVERITIES),
  title: z.string().min(1),
  why: z.string().min(1),
  fix: z.string().min(1),
});

const CatalogueSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(1),
  parameters: z.strictObject({
    required_tags: z.array(z.string().min(1)),
    admin_ports: z.array(z.number().int()),
    database_ports: z.array(z.number().int()),
    public_acls: z.array(z.string()),
    public_grantee_uris: z.array(z.string()),
    admin_policy_arns: z.array(z.string()),
  }),
  rules: z.array(RuleSchema),
});

export type RuleDefinition = z.output<typeof RuleSchema>;
export type RuleCatalogue = z.output<typeof CatalogueSchema>;

/** The catalogue shipped with faber-cloud, validated once (a broken file is a bug, caught by the unit tests). */
export const ruleCatalogue: RuleCatalogue = CatalogueSchema.parse(data);

export function ruleById(catalogue: RuleCatalogue, id: string): RuleDefinition {
  const rule = catalogue.rules.find((r) => r.id === id);
  if (!rule) throw new Error(`rule ${id} is not in the catalogue (templates/testing/security-rules.json)`);
  return rule;
}

export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
