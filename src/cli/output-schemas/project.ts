/** Output schemas of init, config show and config validate (src/cli/command-sets/project.ts). */
import { z } from 'zod';
import { ConfigSchema } from '../../core/config/schema.js';

const ConfigProblemSchema = z.strictObject({ path: z.string().describe('dotted key path in devops.json'), message: z.string() });

export const init = z.strictObject({
  root: z.string().describe('the project root (absolute)'),
  config_file: z.string().describe('devops.json written (absolute)'),
  replaced: z.boolean().describe('true when --force replaced an existing config'),
  backup_file: z.string().optional().describe('where the replaced config was kept'),
  project: z.string(),
  profiles: z.strictObject({ discover: z.string(), test: z.string(), prod: z.string() }),
  environments: z.array(z.string()),
  terraform_directory: z.string().describe('as written to the config, relative to the project root'),
  terraform_detected: z.boolean().describe('false: the default directory, not found yet'),
  gitignore_added: z.array(z.string()).describe('lines added to .gitignore'),
  warnings: z.array(z.string()),
});

export const configShow = z.strictObject({
  root: z.string(),
  file: z.string().describe('devops.json, relative to the project root'),
  /** The values in force: defaults applied, ${ENV} substituted, $comment annotations left out. */
  config: ConfigSchema,
});

export const configValidate = z.strictObject({
  valid: z.literal(true).describe('an invalid config is an error envelope (E_CONFIG_*), exit 2'),
  file: z.string(),
  environments: z.array(z.string()),
  warnings: z.array(ConfigProblemSchema),
});
