/** Output schema of director (src/cli/command-sets/director.ts): a route, a question, or what it can do. */
import { z } from 'zod';

const manager = z.enum(['infra-manager', 'ops-manager']);
const operation = z.string().describe('the operation routed to, e.g. deploy, check-health');
const args = z.record(z.string(), z.union([z.string(), z.boolean()])).describe('values taken from the request, by argument name (env, service, ...)');

const AlternativeSchema = z.strictObject({
  manager,
  operation,
  args,
  argv: z.array(z.string()).describe('faber-cloud argv without the program name; lacks the flags named in missing'),
  confidence: z.number().min(0).max(1),
  needs_confirmation: z.boolean(),
  label: z.string(),
  missing: z.array(z.string()).optional(),
});

export const director = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('route'),
    manager,
    operation,
    args,
    argv: z.array(z.string()),
    confidence: z.number().min(0).max(1),
    alternatives: z.array(AlternativeSchema),
    needs_confirmation: z.boolean().describe('a person must confirm first: prod mutations and every destroy'),
    reason: z.string().optional(),
    command: z.string().describe('argv as a shell command line, for a person'),
  }),
  z.strictObject({ kind: z.literal('question'), question: z.string(), options: z.array(AlternativeSchema) }),
  z.strictObject({
    kind: z.literal('unknown').describe('exit 1'),
    message: z.string(),
    capabilities: z.array(z.strictObject({ operation, manager, description: z.string(), example: z.string(), usage: z.string() })),
  }),
]);
