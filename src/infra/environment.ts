import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import { loadProjectConfig } from '../core/config/load.js';
import { lockWrites } from '../core/files/lock.js';
import { checkWritePaths, directoryScope, type PlannedWrite } from '../core/files/safe-path.js';
import type { EnvironmentConfig, FaberConfig } from '../core/config/schema.js';
import { environmentOf } from '../core/guard.js';
import { ownValue } from '../core/own.js';
import type { EnvironmentPaths, ProjectPaths } from '../core/paths.js';
import { checkIacInputs, iacSource, loadHostingHandler, loadIacHandler } from '../handlers/load.js';
import type { HostingHandler } from '../handlers/hosting/types.js';
import type { IacHandler } from '../handlers/iac/types.js';

/** One environment of one project, as configured: no handler loaded yet. */
export interface EnvironmentConfigView {
  name: string;
  config: FaberConfig;
  environment: EnvironmentConfig;
  paths: ProjectPaths;
  envPaths: EnvironmentPaths;
  region: string;
  /** Path relative to the project root, for messages. */
  display(file: string): string;
}

/** The environment with its handlers, bound to the profile the guard chose. */
export interface OpenEnvironment extends EnvironmentConfigView {
  iac: IacHandler;
  hosting: HostingHandler;
}

export async function loadEnvironment(cwd: string, name: string, processEnv: NodeJS.ProcessEnv): Promise<EnvironmentConfigView> {
  const { config, paths } = await loadProjectConfig(cwd, processEnv);
  const environment = environmentOf(config, name);
  return {
    name,
    config,
    environment,
    paths,
    envPaths: paths.env(name),
    region: environment.region ?? config.handlers.hosting.aws?.region ?? 'us-east-1',
    display: (file) => path.relative(paths.root, file) || '.',
  };
}

export async function openEnvironment(view: EnvironmentConfigView, profile: string | undefined, processEnv: NodeJS.ProcessEnv): Promise<OpenEnvironment> {
  // The IaC tool's AWS provider must use exactly the profile and region the guard checked:
  // credentials in the environment would take precedence over the profile, so drop them.
  const toolEnv: NodeJS.ProcessEnv = { ...processEnv, AWS_REGION: view.region, AWS_DEFAULT_REGION: view.region };
  if (profile) {
    toolEnv.AWS_PROFILE = profile;
    delete toolEnv.AWS_ACCESS_KEY_ID;
    delete toolEnv.AWS_SECRET_ACCESS_KEY;
    delete toolEnv.AWS_SESSION_TOKEN;
  }
  return {
    ...view,
    iac: await loadIacHandler(view.config, view.paths.root, view.name, toolEnv),
    hosting: await loadHostingHandler(view.config, processEnv),
  };
}

/**
 * The IaC tool's directory (the Terraform root module, the CloudFormation templates), which must
 * exist before any IaC command runs and lie inside the project (links resolved) unless the
 * tool's allow_outside_project says otherwise. Where the tool itself writes there (init,
 * workspaces, local state) is checked too: a link there in a cloned repository would make the
 * tool write elsewhere.
 */
export async function iacDirectory(view: EnvironmentConfigView): Promise<string> {
  const source = iacSource(view.config, view.name);
  const directory = path.resolve(view.paths.root, source.directory);
  const scope = await directoryScope(view.paths.root, source.directory, source.allowOutsideProject, `${source.what} (${source.configKey})`);
  const isDir = await stat(directory).then((s) => s.isDirectory(), () => false);
  if (!isDir) {
    throw new ConfigError(source.missingCode, `${source.what} ${view.display(directory)} does not exist`, {
      hint: `set ${source.configKey} in devops.json to your ${source.describes}`,
    });
  }
  await checkWritePaths(scope, source.toolWrites(scope.root) satisfies PlannedWrite[]);
  // Files handed to the tool (a backend config) must be inside the project before any cloud call.
  await checkIacInputs(view.config, view.paths.root, view.name);
  return directory;
}

export type EnvironmentOperation = 'preview' | 'test' | 'deploy' | 'destroy' | 'drift' | 'post-test' | 'remediate' | 'grant';

/**
 * Every project file an operation on this environment may write, to be checked (no link, inside
 * the project) before its first mutation: a refused path must stop it before the cloud changes.
 */
export function environmentWrites(view: EnvironmentConfigView, operation: EnvironmentOperation, options: { autoFix?: boolean } = {}): PlannedWrite[] {
  const env = view.envPaths;
  const p = view.paths;
  const lock = lockWrites(env.lockFile);
  const plans: PlannedWrite[] = [{ path: env.plansDir, kind: 'directory' }];
  const tests: PlannedWrite[] = [{ path: env.testsDir, kind: 'directory' }];
  const audit: PlannedWrite[] = [{ path: p.iamAuditFile, kind: 'file' }, ...lockWrites(p.iamAuditLockDir), ...lockWrites(env.grantLockDir)];
  switch (operation) {
    case 'preview':
      return [...lock, ...plans];
    case 'test':
      return [...lock, ...plans, ...tests];
    case 'post-test':
      return tests;
    case 'remediate':
      return [...lock, { path: env.historyFile, kind: 'append' }];
    case 'grant':
      return audit;
    case 'drift':
      return [
        ...lock,
        ...plans,
        { path: env.registryFile, kind: 'file' },
        { path: env.deployedMarkdownFile, kind: 'file' },
        { path: env.historyFile, kind: 'append' },
      ];
    case 'deploy':
    case 'destroy': {
      const autoFix = options.autoFix !== false && view.environment.auto_fix_permissions;
      return [
        ...lock,
        ...plans,
        ...tests,
        { path: env.runFile, kind: 'file' },
        { path: env.registryFile, kind: 'file' },
        { path: env.deployedMarkdownFile, kind: 'file' },
        { path: env.historyFile, kind: 'append' },
        { path: p.issueLogFile, kind: 'file' },
        ...lockWrites(p.issueLogLockDir),
        ...(autoFix ? [...audit, { path: p.learnedPermissionsFile, kind: 'file' as const }, ...lockWrites(p.learnedPermissionsLockDir)] : []),
      ];
    }
  }
}

/** Refuse (exit 2) before any mutation when a path the operation writes is unsafe. */
export async function checkEnvironmentWrites(view: EnvironmentConfigView, operation: EnvironmentOperation, options: { autoFix?: boolean } = {}): Promise<void> {
  await checkWritePaths(view.paths, environmentWrites(view, operation, options));
}
