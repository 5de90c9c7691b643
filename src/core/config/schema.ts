import { z } from 'zod';
import { NEVER_AUTO_GRANT_DEFAULT } from '../escalation.js';

/**
 * The contract for `.fractary/plugins/faber-cloud/config/devops.json` (DESIGN §3).
 * Every object is strict: an unknown key is an error, never silently ignored.
 * `$comment` is allowed on every object so the file `init` writes can explain itself
 * while staying plain JSON.
 */

/** Hosting and IaC handlers that exist today. Planned ones are added here, not special-cased. */
export const HOSTING_HANDLERS = ['aws'] as const;
export const IAC_HANDLERS = ['terraform', 'cloudformation', 'cdk'] as const;
export type IacTool = (typeof IAC_HANDLERS)[number];
export const PLANNED_HOSTING_HANDLERS = ['gcp', 'azure'] as const;
export const PLANNED_IAC_HANDLERS = ['pulumi'] as const;

/** The three profile roles of DESIGN §5. */
export const PROFILE_ROLES = ['discover', 'test', 'prod'] as const;
export type ProfileRole = (typeof PROFILE_ROLES)[number];
/** Roles an environment can deploy with: `discover` never deploys. */
export const DEPLOY_ROLES = ['test', 'prod'] as const;
export type DeployRole = (typeof DEPLOY_ROLES)[number];

export const DEFAULT_NAMING_PATTERN = '{project}-{subsystem}-{environment}-{resource}';
export const NAMING_PLACEHOLDERS = ['project', 'subsystem', 'environment', 'resource'] as const;

/**
 * Default of permissions.never_auto_grant: the escalation floor's only-on-`*` actions
 * (iam:PassRole, sts:AssumeRole), so scoped grants of them also need a project's opt-in.
 * The floor itself (templates/iam-escalation.json) applies whatever this list says.
 */
export const DEFAULT_NEVER_AUTO_GRANT: string[] = [...NEVER_AUTO_GRANT_DEFAULT];

/**
 * The literal start every resource name of an environment shares: the naming pattern up to
 * `{resource}`, placeholders filled (`myapp-core-test-`); undefined when the pattern does not
 * end with `{resource}` or has no `{environment}` (the grant planner refuses such patterns).
 */
export function resourceNamePrefix(pattern: string, values: { project: string; subsystem: string; environment: string }): string | undefined {
  if (!pattern.endsWith('{resource}') || !pattern.includes('{environment}')) return undefined;
  return pattern.slice(0, -'{resource}'.length).replace(/\{(project|subsystem|environment)\}/g, (_m, key: 'project' | 'subsystem' | 'environment') => values[key]);
}

/** The naming pattern filled in: `{project}-{subsystem}-{environment}-{resource}` -> `myapp-core-test-data`. */
export function fillNamingPattern(pattern: string, parts: { project: string; subsystem: string; environment: string; resource: string }): string {
  return pattern.replace(/\{(project|subsystem|environment|resource)\}/g, (_m, key: keyof typeof parts) => parts[key]);
}

const comment = { $comment: z.string().optional() };

export const slug = (what: string) =>
  z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$|^[a-z]$/, `${what} must be lowercase letters, digits and '-', starting with a letter (at most 40 characters)`);

/**
 * Environment names are slugs (they become directory names, workspace names and parts of
 * resource names) and never a property every JavaScript object already has: a name like
 * `constructor` would match an inherited value wherever a lookup forgot to ask for own keys.
 */
export const ENV_NAME_PATTERN = /^[a-z][a-z0-9-]{0,29}[a-z0-9]$|^[a-z]$/;
const BUILTIN_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

const ENV_NAME_MESSAGE = "an environment name is lowercase letters, digits and '-', starting with a letter and not ending with '-' (at most 31 characters)";

/** Why `name` cannot be an environment name, or undefined when it can. */
export function envNameProblem(name: string): string | undefined {
  if (!ENV_NAME_PATTERN.test(name)) return ENV_NAME_MESSAGE;
  if (BUILTIN_NAMES.has(name)) return `'${name}' is a built-in JavaScript property name and cannot name an environment`;
  return undefined;
}

// A regex (not only a refinement) so the pattern also reaches templates/devops.schema.json.
const notBuiltin = (what: string) => ({ error: (issue: { input: unknown }) => `'${String(issue.input)}' is a built-in JavaScript property name and cannot name ${what}` });
const envName = z
  .string()
  .regex(ENV_NAME_PATTERN, ENV_NAME_MESSAGE)
  .refine((name) => !BUILTIN_NAMES.has(name), notBuiltin('an environment'));

const awsProfileName = z
  .string()
  .min(1, 'profile name must not be empty')
  .max(64, 'profile name must be at most 64 characters')
  .regex(/^[A-Za-z0-9._+=,@-]+$/, "profile name may only contain letters, digits and . _ + = , @ -");

export const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'region must look like us-east-1');

export const awsAccountId = z.string().regex(/^\d{12}$/, 'account id must be exactly 12 digits (quote it as a string)');

export const AwsProfilesSchema = z.strictObject({
  ...comment,
  discover: awsProfileName.describe('Profile used only to manage IAM permissions of the deploy users; never deploys.'),
  test: awsProfileName.describe('Profile that deploys non-production environments; never touches IAM.'),
  prod: awsProfileName.describe('Profile that deploys production only; never touches IAM.'),
});

export const AwsHostingSchema = z.strictObject({
  ...comment,
  region: awsRegion.default('us-east-1').describe('Default region for every environment.'),
  account_id: awsAccountId.optional().describe('AWS account every mutation is checked against (STS GetCallerIdentity).'),
  profiles: AwsProfilesSchema,
});

export const HostingSchema = z.strictObject({
  ...comment,
  active: z.enum(HOSTING_HANDLERS).describe('Hosting handler in use.'),
  aws: AwsHostingSchema.optional(),
});

/** A -backend-config value: key names as Terraform's backend blocks spell them. */
const backendKey = z.string().regex(/^[a-z][a-z0-9_]*$/, 'backend setting names are lowercase letters, digits and _ (e.g. key, bucket, use_lockfile)');
const backendFile = z.string().min(1, 'a backend config file path must not be empty');

/** One environment's backend configuration: a file, key-values, or both (values win, as in Terraform). */
export const BackendConfigSchema = z.union([
  backendFile,
  z
    .strictObject({
      ...comment,
      file: backendFile.optional().describe('A backend config file (HCL), relative to the terraform directory.'),
      values: z.record(backendKey, z.union([z.string(), z.number(), z.boolean()])).optional().describe('Key-values passed as -backend-config=KEY=VALUE.'),
    })
    .refine((b) => b.file !== undefined || Object.keys(b.values ?? {}).length > 0, 'needs a file or at least one value'),
], { error: 'must be a backend config file path or an object { file, values }' });

export const TerraformSchema = z.strictObject({
  ...comment,
  directory: z.string().min(1).default('./infrastructure/terraform').describe('Terraform root module, relative to the project root.'),
  binary: z.enum(['terraform', 'tofu', 'auto']).default('auto').describe('IaC binary; auto prefers tofu, then terraform, on PATH.'),
  workspaces: z.record(envName, z.string().min(1)).optional().describe("Terraform workspace per environment; default: the environment's name, so environments never share state."),
  var_files: z.record(envName, z.string().min(1)).optional().describe('-var-file per environment, relative to the terraform directory.'),
  backend_config: z
    .record(envName, BackendConfigSchema)
    .optional()
    .describe(
      "-backend-config per environment for a partial backend block: a file relative to the terraform directory (inside the project), or { file, values } with key-values. Switching environments re-initialises with -reconfigure; state is never migrated.",
    ),
  state_lock_timeout_seconds: z
    .number()
    .int()
    .min(0)
    .max(3600)
    .optional()
    .describe('How long plan/apply wait for a state lock held by another run before refusing (exit 3, naming the holder). Default 120.'),
  allow_outside_project: z
    .boolean()
    .optional()
    .describe('Allow directory to resolve (links followed) outside the project root. Off by default: a cloned repository must not point faber-cloud at another directory.'),
});

export const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

export const CloudFormationSchema = z.strictObject({
  ...comment,
  directory: z.string().min(1).default('./cloudformation').describe('Templates directory, relative to the project root.'),
  template: z.string().min(1).default('template.yaml').describe('The stack template (YAML or JSON), relative to the templates directory.'),
  stack_name: z
    .string()
    .regex(/^[A-Za-z{][A-Za-z0-9{}-]*$/, "letters, digits, '-' and the naming placeholders")
    .optional()
    .describe("Stack name pattern (placeholders {project}, {subsystem}, {environment}); default: the naming pattern with resource 'stack', one stack per environment."),
  parameters: z
    .record(envName, z.string().min(1))
    .optional()
    .describe('Parameter file per environment (JSON: {"Key": "value"} or [{"ParameterKey", "ParameterValue"}]), relative to the templates directory.'),
  capabilities: z.array(z.enum(CAPABILITIES)).default(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']).describe('Capabilities acknowledged on every change set.'),
  allow_outside_project: z.boolean().optional().describe('Allow directory to resolve (links followed) outside the project root.'),
});

/** A CDK app: synthesised by its `app` command, each environment's stack deployed by the CloudFormation handler. */
export const CdkSchema = CloudFormationSchema.omit({ template: true }).extend({
  directory: z.string().min(1).default('.').describe('The CDK app directory (where cdk.json is), relative to the project root.'),
  app: z.string().min(1).optional().describe("The command that synthesises the app; default: cdk.json's app."),
  output: z.string().min(1).default('cdk.out').describe('Cloud assembly directory, relative to the app directory (one subdirectory per environment).'),
  stack: z.string().min(1).optional().describe("The app's stack to deploy, when it has more than one (its construct id)."),
});

export const IacSchema = z.strictObject({
  ...comment,
  active: z.enum(IAC_HANDLERS).describe('IaC handler in use.'),
  terraform: TerraformSchema.optional(),
  cloudformation: CloudFormationSchema.optional(),
  cdk: CdkSchema.optional(),
});

export const EnvironmentSchema = z.strictObject({
  ...comment,
  profile: z.enum(DEPLOY_ROLES).describe('Which deploy profile role this environment uses: test or prod.'),
  region: awsRegion.optional().describe('Overrides handlers.hosting.aws.region.'),
  account_id: awsAccountId.optional().describe('Overrides handlers.hosting.aws.account_id.'),
  require_confirmation: z.boolean().default(false).describe('Deploy/destroy need --confirm <env>.'),
  auto_fix_permissions: z.boolean().default(false).describe('Let the permission manager grant missing permissions automatically.'),
});

/** A time span as the ops commands take it: 30m, 1h, 2d (seconds, minutes, hours, days). */
const opsDuration = z.string().regex(/^[1-9][0-9]{0,5}[smhd]$/, 'a duration like 30m, 1h or 2d');
const rate = z.number().min(0).max(1);

/** `ops check-health` thresholds: a resource is degraded (or down) when a check crosses one. */
export const OpsHealthSchema = z.strictObject({
  ...comment,
  window: opsDuration.default('1h').describe('Default --since of ops check-health: metrics are read over this window.'),
  alarms: z
    .strictObject({
      ...comment,
      insufficient_data: z.enum(['notice', 'degraded']).default('notice').describe('What an alarm in INSUFFICIENT_DATA does to its resource (ALARM always degrades it).'),
    })
    .prefault({}),
  lambda: z
    .strictObject({
      ...comment,
      error_rate_degraded: rate.default(0.01).describe('Errors / Invocations at or above this: degraded.'),
      error_rate_down: rate.default(0.5).describe('Errors / Invocations at or above this: down.'),
      throttles_degraded: z.number().int().min(1).default(1).describe('Throttles in the window at or above this: degraded.'),
      duration_ms_degraded: z.number().positive().default(10_000).describe('Average Duration (ms) above this: degraded.'),
    })
    .prefault({}),
  dynamodb: z
    .strictObject({
      ...comment,
      throttles_degraded: z.number().int().min(1).default(1).describe('ThrottledRequests + Read/WriteThrottleEvents in the window at or above this: degraded.'),
    })
    .prefault({}),
  sqs: z
    .strictObject({
      ...comment,
      oldest_message_age_seconds_degraded: z.number().positive().default(900).describe('ApproximateAgeOfOldestMessage (maximum, seconds) above this: degraded.'),
      dlq_messages_degraded: z.number().int().min(1).default(1).describe('Messages waiting in a dead-letter queue at or above this: its source queue is degraded.'),
    })
    .prefault({}),
  api_gateway: z
    .strictObject({
      ...comment,
      error_5xx_rate_degraded: rate.default(0.01).describe('5xx responses / requests at or above this: degraded.'),
      error_5xx_rate_down: rate.default(0.5).describe('5xx responses / requests at or above this: down.'),
    })
    .prefault({}),
});

/** `ops query-logs` (and the logs `ops investigate` reads). */
export const OpsLogsSchema = z.strictObject({
  ...comment,
  window: opsDuration.default('1h').describe('Default --since of ops query-logs.'),
  max_events: z.number().int().min(1).max(1_000_000).default(10_000).describe('Default --limit: most log events read per query (all log groups together).'),
  service_tag: z.string().min(1).default('Service').describe('Tag that names the service a resource belongs to; without it, the {resource} part of its name decides.'),
});

/** `ops investigate`. */
export const OpsInvestigateSchema = z.strictObject({
  ...comment,
  window: opsDuration.default('1h').describe('Default --since of ops investigate.'),
  deploy_lookback: opsDuration.default('24h').describe('Deployments this long before the problem started are suspects.'),
  max_error_groups: z.number().int().min(1).max(50).default(5).describe('How many of the most frequent error messages are handed to the debugger.'),
});

/** Runtime operations (`ops ...`). Each command's settings in its own sub-object. */
export const OpsSchema = z
  .strictObject({
    ...comment,
    health: OpsHealthSchema.prefault({}),
    logs: OpsLogsSchema.prefault({}),
    investigate: OpsInvestigateSchema.prefault({}),
  })
  .prefault({});

export const ConfigSchema = z
  .strictObject({
    ...comment,
    $schema: z.string().optional(),
    schema_version: z.literal(1).default(1),
    project: z.strictObject({
      ...comment,
      name: slug('project.name'),
      subsystem: slug('project.subsystem').default('core'),
      organization: z.string().min(1).optional(),
    }),
    handlers: z.strictObject({
      ...comment,
      hosting: HostingSchema,
      iac: IacSchema,
    }),
    resource_naming: z
      .strictObject({
        ...comment,
        pattern: z
          .string()
          .default(DEFAULT_NAMING_PATTERN)
          .refine((p) => p.includes('{resource}'), 'pattern must contain {resource}')
          .refine(
            (p) => [...p.matchAll(/\{([^}]*)\}/g)].every((m) => (NAMING_PLACEHOLDERS as readonly string[]).includes(m[1] ?? '')),
            `pattern may only use the placeholders ${NAMING_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
          ),
      })
      .default({ pattern: DEFAULT_NAMING_PATTERN }),
    environments: z
      .record(envName, EnvironmentSchema)
      .refine((envs) => Object.keys(envs).length > 0, 'at least one environment is required'),
    permissions: z
      .strictObject({
        ...comment,
        max_auto_fix_rounds: z.number().int().min(0).max(10).default(3),
        never_auto_grant: z
          .array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*]+$/, 'actions look like service:Action'))
          .default(DEFAULT_NEVER_AUTO_GRANT)
          .describe(
            'Actions (wildcards allowed) never auto-granted, in addition to the escalation floor of templates/iam-escalation.json, which this list cannot shrink. Default: iam:PassRole and sts:AssumeRole (refused on "*" always; leave them out to allow grants scoped to the environment\'s roles).',
          ),
        grant_unstated_reason: z
          .boolean()
          .default(false)
          .describe(
            'Also auto-grant denials whose message does not say why (S3\'s bare "Access Denied", moto). Off: DESIGN §5 grants only "no identity-based policy allows".',
          ),
        propagation_wait_seconds: z.number().int().min(0).max(120).default(10).describe('Wait after an auto-fix grant before re-planning (IAM is eventually consistent).'),
        preflight_grants: z
          .boolean()
          .default(true)
          .describe(
            'Where auto_fix_permissions is on, grant what the permission preflight finds missing in one batch before the apply (the auto-fix loop stays the safety net). Off: only the auto-fix loop grants.',
          ),
      })
      .default({ max_auto_fix_rounds: 3, never_auto_grant: DEFAULT_NEVER_AUTO_GRANT, grant_unstated_reason: false, propagation_wait_seconds: 10, preflight_grants: true }),
    debugger: z
      .strictObject({
        ...comment,
        min_attempts: z.number().int().min(1).max(100).default(3).describe("A solution's success rate counts in the ranking once it was tried this often."),
        confidence: z
          .strictObject({
            ...comment,
            high: z.number().min(0).max(1).default(0.8),
            medium: z.number().min(0).max(1).default(0.6),
            low: z.number().min(0).max(1).default(0.4),
          })
          .refine((c) => c.high >= c.medium && c.medium >= c.low, 'must satisfy high >= medium >= low')
          .default({ high: 0.8, medium: 0.6, low: 0.4 })
          .describe('Match score bands (0..1): below low is no match; solutions are proposed from medium up.'),
        max_matches: z.number().int().min(1).max(20).default(5).describe('How many known issues infra debug lists per error.'),
      })
      .default({ min_attempts: 3, confidence: { high: 0.8, medium: 0.6, low: 0.4 }, max_matches: 5 }),

    // (ops settings: added by the ops-manager work)
    audit: z
      .strictObject({
        ...comment,
        fail_on: z
          .enum(['critical', 'high', 'medium', 'low', 'never'])
          .default('high')
          .describe('ops audit exits 1 when a finding is at least this severe (never: only when checks could not run).'),
        pricing_overrides: z
          .record(
            z
              .string()
              .regex(/^[a-z0-9_]+$/, 'keys are resource types, e.g. aws_nat_gateway')
              .refine((type) => !BUILTIN_NAMES.has(type), notBuiltin('a resource type')),
            z.number().min(0),
          )
          .default({})
          .describe('Monthly cost in USD per resource of a type, replacing the baseline of templates/pricing (your own usage or negotiated prices).'),
        monthly_budget_usd: z.number().positive().optional().describe('The cost view flags an estimate above this (high) or above 80% of it (medium).'),
      })
      .default({ fail_on: 'high', pricing_overrides: {} }),
    remediation: z
      .strictObject({
        ...comment,
        max_service_count: z.number().int().min(1).max(1000).default(20).describe('Highest desired count scale-service may set.'),
        max_function_concurrency: z.number().int().min(0).max(10000).default(1000).describe('Highest reserved concurrency set-concurrency may set.'),
        max_redrive_messages: z.number().int().min(1).max(100000).default(1000).describe('Most messages one redrive-dlq moves.'),
      })
      .default({ max_service_count: 20, max_function_concurrency: 1000, max_redrive_messages: 1000 }),
    ops: OpsSchema,

    // (infra test settings: added by the infra-tester work)
    testing: z
      .strictObject({
        ...comment,
        gate: z
          .strictObject({
            ...comment,
            max_critical: z.number().int().min(0).default(0).describe('Most critical findings a plan may have and still deploy.'),
            max_high: z.number().int().min(0).default(2).describe('Most high findings a plan may have and still deploy.'),
            max_medium: z.number().int().min(0).optional().describe('Most medium findings (no limit when absent).'),
            max_low: z.number().int().min(0).optional().describe('Most low findings (no limit when absent).'),
          })
          .default({ max_critical: 0, max_high: 2 })
          .describe('Findings per severity above which infra test (and infra deploy) refuse a plan.'),
        monthly_budget_usd: z.number().positive().optional().describe("Refuse a plan whose estimated monthly cost exceeds this (USD); no budget gate when absent."),
        adapters: z
          .strictObject({
            ...comment,
            checkov: z.enum(['auto', 'off']).default('auto').describe('auto: run checkov on the plan when it is on PATH.'),
            trivy: z.enum(['auto', 'off']).default('auto').describe('auto: run trivy config on the plan when it is on PATH.'),
            timeout_seconds: z.number().int().min(10).max(3600).default(300),
          })
          .default({ checkov: 'auto', trivy: 'auto', timeout_seconds: 300 }),
      })
      .default({ gate: { max_critical: 0, max_high: 2 }, adapters: { checkov: 'auto', trivy: 'auto', timeout_seconds: 300 } }),
  })
  .superRefine((config, ctx) => {
    const hosting = config.handlers.hosting;
    if (!hosting[hosting.active]) {
      ctx.addIssue({ code: 'custom', path: ['handlers', 'hosting', hosting.active], message: `required because handlers.hosting.active is '${hosting.active}'` });
    }
    const iac = config.handlers.iac;
    if (!iac[iac.active]) {
      ctx.addIssue({ code: 'custom', path: ['handlers', 'iac', iac.active], message: `required because handlers.iac.active is '${iac.active}'` });
    }
    const profiles = hosting.aws?.profiles;
    if (profiles) {
      // One profile serving two roles would defeat the separation the guard enforces.
      const seen = new Map<string, string>();
      for (const role of PROFILE_ROLES) {
        const other = seen.get(profiles[role]);
        if (other) {
          ctx.addIssue({
            code: 'custom',
            path: ['handlers', 'hosting', 'aws', 'profiles', role],
            message: `must differ from profiles.${other}: each role needs its own profile`,
          });
        }
        seen.set(profiles[role], role);
      }
    }
    for (const [name, env] of Object.entries(config.environments)) {
      if (/^prod(uction)?$/.test(name) && env.profile !== 'prod') {
        ctx.addIssue({ code: 'custom', path: ['environments', name, 'profile'], message: `environment '${name}' must use the prod profile` });
      }
      if (env.profile === 'prod' && !env.require_confirmation) {
        ctx.addIssue({
          code: 'custom',
          path: ['environments', name, 'require_confirmation'],
          message: 'must be true for an environment deployed with the prod profile',
        });
      }
    }
    // Grants are name prefixes (`myapp-core-test-*`): one environment's prefix must not
    // also select another's resources (`myapp-core-test-2-db`). See docs/DECISIONS.md.
    const names = Object.keys(config.environments);
    const prefixes = new Map(names.map((env) => [env, resourceNamePrefix(config.resource_naming.pattern, { project: config.project.name, subsystem: config.project.subsystem, environment: env })]));
    for (const [a, pa] of prefixes) {
      for (const [b, pb] of prefixes) {
        if (a === b || pa === undefined || pb === undefined || !pb.startsWith(pa)) continue;
        ctx.addIssue({
          code: 'custom',
          path: ['environments', b],
          message: `environment '${b}' names its resources ${pb}…, inside the grant pattern ${pa}* of environment '${a}': rename one of the two so that neither one's names start with the other's (e.g. 'test2' rather than 'test-2')`,
        });
      }
    }
    const tf = iac.terraform;
    // Two environments in one workspace share state unless their backends differ (one key each).
    const byWorkspace = new Map<string, string>();
    for (const env of names) {
      const workspace = (tf?.workspaces && Object.hasOwn(tf.workspaces, env) ? tf.workspaces[env] : undefined) ?? env;
      const backend = tf?.backend_config && Object.hasOwn(tf.backend_config, env) ? JSON.stringify(tf.backend_config[env]) : undefined;
      const other = byWorkspace.get(`${workspace}\0${backend ?? ''}`);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['handlers', 'iac', 'terraform', backend === undefined ? 'workspaces' : 'backend_config', env],
          message: `environment '${env}' would share the state of '${other}' (same workspace '${workspace}'${backend === undefined ? ' and backend' : ' and backend config'}): give each environment its own workspace or its own backend_config`,
        });
      }
      byWorkspace.set(`${workspace}\0${backend ?? ''}`, env);
    }
    const perEnvironment: [string, string, Record<string, string> | undefined][] = [
      ['terraform', 'workspaces', iac.terraform?.workspaces],
      ['terraform', 'var_files', iac.terraform?.var_files],
      ['terraform', 'backend_config', iac.terraform?.backend_config as Record<string, string> | undefined],
      ['cloudformation', 'parameters', iac.cloudformation?.parameters],
      ['cdk', 'parameters', iac.cdk?.parameters],
    ];
    for (const [tool, key, values] of perEnvironment) {
      for (const env of Object.keys(values ?? {})) {
        if (!Object.hasOwn(config.environments, env)) {
          ctx.addIssue({ code: 'custom', path: ['handlers', 'iac', tool, key, env], message: `names environment '${env}', which is not in environments` });
        }
      }
    }
  });

/** The validated configuration, defaults applied. */
export type FaberConfig = z.output<typeof ConfigSchema>;
export type EnvironmentConfig = z.output<typeof EnvironmentSchema>;
export type OpsConfig = z.output<typeof OpsSchema>;
