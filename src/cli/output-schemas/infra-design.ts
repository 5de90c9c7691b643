/** Output schemas of infra architect and infra engineer (src/cli/command-sets/infra-design.ts). */
import { z } from 'zod';

const created = z.strictObject({
  file: z.string().describe('the design file, relative to the project root'),
  slug: z.string(),
  title: z.string(),
  replaced: z.boolean(),
  source: z.enum(['keywords', 'explicit']).describe('resources chosen from the words of the request, or given with --resource'),
  resources: z.array(
    z.strictObject({
      kind: z.string(),
      name: z.string(),
      names: z.record(z.string(), z.string()).describe('environment -> the resource name there'),
      matched: z.array(z.string()).optional().describe('the words that chose it (source keywords)'),
    }),
  ),
});

const listed = z.strictObject({
  dir: z.string(),
  designs: z.array(
    z.strictObject({
      slug: z.string(),
      file: z.string(),
      title: z.string().nullable(),
      resources: z.number().int().nullable(),
      modified: z.string(),
      error: z.strictObject({ code: z.string(), message: z.string() }).optional().describe('why the design cannot be built as it is'),
    }),
  ),
});

const scalar = z.union([z.string(), z.number()]);
const kinds = z.strictObject({
  kinds: z.array(
    z.strictObject({
      kind: z.string(),
      title: z.string(),
      aliases: z.array(z.string()),
      purpose: z.string(),
      settings: z.array(
        z.strictObject({
          name: z.string(),
          type: z.string(),
          default: z.union([scalar, z.boolean(), z.array(z.unknown()), z.null()]),
          description: z.string(),
          values: z.array(scalar).optional(),
        }),
      ),
    }),
  ),
});

/** Creating a design; --list; --kinds. */
export const infraArchitect = z.union([created, listed, kinds]);

export const infraEngineer = z.strictObject({
  design: z.string(),
  design_file: z.string(),
  directory: z.string().describe('the Terraform directory written, relative to the project root'),
  files: z.array(
    z.strictObject({
      file: z.string(),
      status: z.enum(['created', 'updated', 'unchanged', 'overwritten', 'removed', 'kept', 'skipped']),
      reason: z.string().optional(),
    }),
  ),
  packages: z.array(z.strictObject({ file: z.string(), status: z.enum(['created', 'exists', 'missing']), function: z.string() })),
  changed: z.boolean(),
  next_env: z.string().describe('where to validate and preview next'),
});
