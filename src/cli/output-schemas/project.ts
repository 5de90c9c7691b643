/** Output schemas of init, config show and config validate (src/cli/command-sets/project.ts). */
import { z } from 'zod';
import { ConfigSchema, IAC_HANDLERS } from '../../core/config/schema.js';

const ConfigProblemSchema = z.strictObject({ path: z.string().describe('dotted key path in devops.json'), message: z.string() });

export const init = z.strictObject({
  root: z.string().describe('the project root (absolute)'),
  config_file: z.string().describe('devops.json written (absolute)'),
  replaced: z.boolean().describe('true when --force replaced an existing config'),
  backup_file: z.string().optional().describe('where the replaced config was kept'),
  project: z.string(),
  profiles: z.strictObject({ discover: z.string(), test: z.string(), prod: z.string() }),
  environments: z.array(z.string()),
  iac: z.enum(IAC_HANDLERS).describe('handlers.iac.active written to the config'),
  iac_directory: z.string().describe("the IaC tool's directory (Terraform root module, CloudFormation templates, CDK app) as written to the config, relative to the project root"),
  iac_detected: z.boolean().describe('false: the default directory, not found yet'),
  backend: z
    .strictObject({
      type: z.string().describe('the root module\'s backend type, e.g. s3'),
      partial: z.boolean().describe('true: the block leaves settings to -backend-config per environment'),
      backend_config: z.record(z.string(), z.string()).describe('environment -> backend config file found for it (written to handlers.iac.terraform.backend_config)'),
    })
    .optional()
    .describe('Terraform only: the backend block init found'),
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
