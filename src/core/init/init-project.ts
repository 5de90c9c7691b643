import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { validateConfigData } from '../config/load.js';
import { ConfigSchema, DEFAULT_NAMING_PATTERN, awsAccountId, awsRegion, slug, HOSTING_HANDLERS, IAC_HANDLERS, PLANNED_HOSTING_HANDLERS, PLANNED_IAC_HANDLERS } from '../config/schema.js';
import { ConfigError, GuardError, UsageError } from '../errors.js';
import { writeJsonAtomic, writeTextAtomic } from '../files/atomic.js';
import { checkWritePaths, directoryScope } from '../files/safe-path.js';
import { CONFIG_RELATIVE_PATH, initTargetRoot, projectPaths } from '../paths.js';
import { ensureGitignore, gitignoreFile } from './gitignore.js';
import { detectBackend, detectCdkApp, detectCloudFormationTemplate, detectTerraformDirectory, type DetectedBackend } from './terraform-detect.js';

export interface InitOptions {
  provider: string;
  iac: string;
  project?: string;
  subsystem: string;
  region?: string;
  accountId?: string;
  terraformDir?: string;
  /** CloudFormation templates directory (--iac cloudformation). */
  templatesDir?: string;
  /** Accept a terraform directory outside the project (written to the config as an explicit opt-in). */
  allowTerraformOutsideProject?: boolean;
  force: boolean;
}

export interface InitResult {
  root: string;
  configFile: string;
  replaced: boolean;
  backupFile?: string;
  project: string;
  profiles: { discover: string; test: string; prod: string };
  environments: string[];
  /** The IaC tool and where its sources are (detected or the default). */
  iac: (typeof IAC_HANDLERS)[number];
  iacDirectory: string;
  iacDetected: boolean;
  /** The root module's backend block, when it has one (its per-environment settings go to backend_config). */
  backend?: { type: string; partial: boolean; backend_config: Record<string, string> };
  gitignoreAdded: string[];
  warnings: string[];
}

/** Lowercase, '-'-separated form of a directory name, or undefined when nothing usable is left. */
export function projectNameFrom(dirName: string): string | undefined {
  const slug = dirName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug === '' ? undefined : slug;
}

function checkHandler(kind: string, value: string, available: readonly string[], planned: readonly string[]): void {
  if (available.includes(value)) return;
  const flag = kind === 'hosting' ? '--provider' : '--iac';
  if (planned.includes(value)) {
    throw new UsageError(`${flag} ${value}: planned, not available yet`, { hint: `available: ${available.join(', ')}` });
  }
  throw new UsageError(`${flag} ${value}: unknown ${kind} handler`, { hint: `available: ${available.join(', ')}` });
}

/** The config `init` writes: every section present and explained, so users can read it. */
export function buildInitialConfig(input: {
  project: string;
  subsystem: string;
  region: string;
  accountId?: string;
  terraformDir: string;
  allowOutsideProject?: boolean;
  iac?: string;
  template?: string;
  parameters?: Record<string, string>;
  backend?: DetectedBackend;
}) {
  const aws: Record<string, unknown> = {
    $comment: 'Every mutation first checks the caller account (STS) against account_id.',
    region: input.region,
  };
  if (input.accountId !== undefined) aws.account_id = input.accountId;
  aws.profiles = {
    $comment: 'discover manages IAM only and never deploys; test deploys non-prod only; prod deploys prod only.',
    discover: `${input.project}-discover-deploy`,
    test: `${input.project}-test-deploy`,
    prod: `${input.project}-prod-deploy`,
  };
  return {
    $comment: 'faber-cloud project configuration. Values may use ${ENV_VAR} or ${ENV_VAR:-default}. Check with `faber-cloud config validate`.',
    schema_version: 1,
    project: { name: input.project, subsystem: input.subsystem },
    handlers: {
      hosting: { active: 'aws', aws },
      iac:
        input.iac === 'cdk'
          ? {
              active: 'cdk',
              cdk: {
                $comment: "The app (cdk.json's app command) is synthesised per environment, with context faber:environment; its stack is deployed as one CloudFormation stack per environment, named from resource_naming.pattern with resource 'stack'.",
                directory: input.terraformDir,
                ...(input.allowOutsideProject ? { allow_outside_project: true } : {}),
              },
            }
          : input.iac === 'cloudformation'
          ? {
              active: 'cloudformation',
              cloudformation: {
                $comment: "One stack per environment, named from resource_naming.pattern with resource 'stack' (or stack_name); parameters: a JSON file per environment.",
                directory: input.terraformDir,
                ...(input.allowOutsideProject ? { allow_outside_project: true } : {}),
                template: input.template ?? 'template.yaml',
                ...(input.parameters && Object.keys(input.parameters).length > 0 ? { parameters: input.parameters } : {}),
              },
            }
          : {
              active: 'terraform',
              terraform: {
                $comment: 'binary: terraform, tofu, or auto (tofu first, then terraform, on PATH). Each environment keeps its state in its own workspace.',
                directory: input.terraformDir,
                ...(input.allowOutsideProject ? { allow_outside_project: true } : {}),
                binary: 'auto',
                workspaces: { test: 'test', prod: 'prod' },
                ...backendSkeleton(input.backend),
              },
            },
    },
    resource_naming: { pattern: DEFAULT_NAMING_PATTERN },
    environments: {
      test: { profile: 'test', require_confirmation: false, auto_fix_permissions: true },
      prod: {
        $comment: 'Deploys need --confirm prod and a previewed plan id; permissions are never auto-granted here.',
        profile: 'prod',
        require_confirmation: true,
        auto_fix_permissions: false,
      },
    },
    permissions: { max_auto_fix_rounds: 3 },
  };
}

/** Environments init writes (buildInitialConfig). */
const INIT_ENVIRONMENTS = ['test', 'prod'] as const;

/**
 * backend_config for a root module with a backend block: the files found per environment, and
 * for a partial block the conventional backend/{env}.hcl where none was found (to be written).
 */
function backendSkeleton(backend: DetectedBackend | undefined): Record<string, unknown> {
  if (!backend) return {};
  const map = backendMap(backend);
  if (Object.keys(map).length === 0) return {};
  return {
    $comment: `Backend "${backend.type}" (${backend.file}): backend_config gives each environment its -backend-config file (relative to this directory), e.g. its own state key. Switching environments re-initialises with -reconfigure; state is never migrated. Set workspaces.<env> to "default" when an environment's state lives in its backend's default workspace.`,
    backend_config: map,
  };
}

function backendMap(backend: DetectedBackend): Record<string, string> {
  const map: Record<string, string> = {};
  for (const env of INIT_ENVIRONMENTS) {
    const file = backend.found[env] ?? (backend.partial ? `backend/${env}.hcl` : undefined);
    if (file) map[env] = file;
  }
  return map;
}

/** Which flag produced a config path, so a bad value is reported against what the user typed. */
const FLAG_FOR_PATH: Record<string, string> = {
  'project.name': '--project',
  'project.subsystem': '--subsystem',
  'handlers.hosting.aws.region': '--region',
  'handlers.hosting.aws.account_id': '--account-id',
  'handlers.iac.terraform.directory': '--terraform-dir',
  'handlers.iac.cloudformation.directory': '--templates-dir',
};

/**
 * Flags are literal values, each checked on its own before anything is built or written:
 * `--project '${HOME}'` is a bad project name, not an unset variable of a config that does not exist yet.
 */
function checkFlags(options: InitOptions, region: string): void {
  const given: [string, string | undefined][] = [
    ['--project', options.project],
    ['--subsystem', options.subsystem],
    ['--region', options.region],
    ['--account-id', options.accountId],
    ['--terraform-dir', options.terraformDir],
    ['--templates-dir', options.templatesDir],
  ];
  for (const [flag, value] of given) {
    if (value?.includes('${')) {
      throw new UsageError(`${flag}: \${...} is substituted only when devops.json is read, not in flags`, {
        hint: `pass the value itself (the shell expands "$VAR"), or write \${VAR} into devops.json afterwards`,
      });
    }
  }
  const checks: [string, string | undefined, { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }][] = [
    ['--project', options.project, slug('project.name')],
    ['--subsystem', options.subsystem, slug('project.subsystem')],
    [options.region !== undefined ? '--region' : 'AWS_REGION', region, awsRegion],
    ['--account-id', options.accountId, awsAccountId],
  ];
  for (const [flag, value, schema] of checks) {
    if (value === undefined) continue;
    const result = schema.safeParse(value);
    if (!result.success) {
      throw new UsageError(`${flag}: ${result.error?.issues[0]?.message ?? 'invalid value'}`, { hint: 'run `faber-cloud init --help`' });
    }
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Create the project config. Everything is validated before anything is written;
 * an existing config is only replaced with `force`, and then kept as a backup.
 */
export async function initProject(cwd: string, options: InitOptions, env: NodeJS.ProcessEnv = process.env): Promise<InitResult> {
  checkHandler('hosting', options.provider, HOSTING_HANDLERS, PLANNED_HOSTING_HANDLERS);
  checkHandler('iac', options.iac, IAC_HANDLERS, PLANNED_IAC_HANDLERS);
  const root = initTargetRoot(cwd);
  const paths = projectPaths(root);

  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  checkFlags(options, region);
  const alreadyThere = await exists(paths.configFile);
  if (alreadyThere && !options.force) {
    throw new GuardError('E_CONFIG_EXISTS', `${CONFIG_RELATIVE_PATH} already exists; it was left untouched`, {
      hint: 're-run with --force to replace it (the old file is kept as a backup), or edit it and run `faber-cloud config validate`',
    });
  }

  const project = options.project ?? projectNameFrom(path.basename(root));
  if (!project) throw new UsageError(`cannot derive a project name from '${path.basename(root)}'`, { hint: 'pass --project <name>' });
  // CloudFormation templates and CDK apps take --templates-dir; Terraform --terraform-dir.
  const cloudformation = options.iac === 'cloudformation' || options.iac === 'cdk';
  if (cloudformation ? options.terraformDir !== undefined : options.templatesDir !== undefined) {
    throw new UsageError(cloudformation ? '--terraform-dir is for --iac terraform' : '--templates-dir is for --iac cloudformation', {
      hint: cloudformation ? 'pass --templates-dir DIR' : 'pass --terraform-dir DIR, or --iac cloudformation',
    });
  }
  const found = options.iac === 'cloudformation' && options.templatesDir === undefined ? await detectCloudFormationTemplate(root, ['test', 'prod']) : undefined;
  const detected =
    options.iac === 'cdk'
      ? options.templatesDir === undefined
        ? await detectCdkApp(root)
        : undefined
      : cloudformation
        ? found?.directory
        : options.terraformDir === undefined
          ? await detectTerraformDirectory(root)
          : undefined;
  const terraformDir = (cloudformation ? options.templatesDir : options.terraformDir) ?? detected ?? (options.iac === 'cdk' ? '.' : cloudformation ? './cloudformation' : './infrastructure/terraform');
  const backend = cloudformation ? undefined : await detectBackend(path.resolve(root, terraformDir), INIT_ENVIRONMENTS);
  const data = buildInitialConfig({
    ...(backend ? { backend } : {}),
    iac: options.iac,
    ...(found ? { template: found.template, parameters: found.parameters } : {}),
    project,
    subsystem: options.subsystem,
    region,
    ...(options.accountId === undefined ? {} : { accountId: options.accountId }),
    terraformDir,
    ...(options.allowTerraformOutsideProject ? { allowOutsideProject: true } : {}),
  });

  try {
    validateConfigData(data, 'init', {});
  } catch (error) {
    const problem = ((error as ConfigError).details as { problems?: { path: string; message: string }[] } | undefined)?.problems?.[0];
    const flag = problem ? FLAG_FOR_PATH[problem.path] : undefined;
    if (problem && flag) throw new UsageError(`${flag}: ${problem.message}`, { hint: `run \`faber-cloud init --help\`` });
    throw error;
  }
  ConfigSchema.parse(data); // belt and braces: init must never write a config that does not validate

  // Where the terraform directory really is (links resolved): inside the project unless opted out.
  await directoryScope(root, terraformDir, options.allowTerraformOutsideProject === true, cloudformation ? '--templates-dir' : '--terraform-dir');
  const backupFile = alreadyThere ? `${paths.configFile}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak` : undefined;
  // Everything init writes is checked before the first write.
  await checkWritePaths(paths, [
    { path: paths.configFile, kind: 'file' },
    ...(backupFile ? [{ path: backupFile, kind: 'file' as const }] : []),
    { path: gitignoreFile(root), kind: 'file' },
  ]);
  if (backupFile) await writeTextAtomic(backupFile, await readFile(paths.configFile, 'utf8'), paths);
  await writeJsonAtomic(paths.configFile, data, paths);
  const gitignoreAdded = await ensureGitignore(root);

  const warnings: string[] = [];
  if (options.accountId === undefined) {
    warnings.push('no --account-id given: set handlers.hosting.aws.account_id before deploying (deploys refuse without it)');
  }
  const backendConfig = backend ? backendMap(backend) : {};
  for (const [env, file] of Object.entries(backendConfig)) {
    if (backend?.found[env] === undefined) warnings.push(`backend "${backend?.type}" is partial: create ${path.join(terraformDir, file)} with ${env}'s backend settings (e.g. its state key), or change handlers.iac.terraform.backend_config.${env}`);
  }
  const profiles = data.handlers.hosting.aws.profiles as InitResult['profiles'];
  return {
    root,
    configFile: paths.configFile,
    replaced: alreadyThere,
    ...(backupFile ? { backupFile } : {}),
    project,
    profiles: { discover: profiles.discover, test: profiles.test, prod: profiles.prod },
    environments: Object.keys(data.environments),
    // checkHandler refused any other value before anything was written.
    iac: options.iac as (typeof IAC_HANDLERS)[number],
    iacDirectory: terraformDir,
    iacDetected: detected !== undefined,
    ...(backend ? { backend: { type: backend.type, partial: backend.partial, backend_config: backendConfig } } : {}),
    gitignoreAdded,
    warnings,
  };
}
