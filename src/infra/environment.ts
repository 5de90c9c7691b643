import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import { loadProjectConfig } from '../core/config/load.js';
import type { EnvironmentConfig, FaberConfig } from '../core/config/schema.js';
import { environmentOf } from '../core/guard.js';
import type { EnvironmentPaths, ProjectPaths } from '../core/paths.js';
import { loadHostingHandler, loadIacHandler } from '../handlers/load.js';
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

/** The Terraform root module of the project, which must exist before any IaC command runs. */
export async function terraformDirectory(view: EnvironmentConfigView): Promise<string> {
  const directory = path.resolve(view.paths.root, view.config.handlers.iac.terraform?.directory ?? '.');
  const isDir = await stat(directory).then((s) => s.isDirectory(), () => false);
  if (!isDir) {
    throw new ConfigError('E_CONFIG_TERRAFORM_DIR', `terraform directory ${view.display(directory)} does not exist`, {
      hint: 'set handlers.iac.terraform.directory in devops.json to your Terraform root module',
    });
  }
  return directory;
}
