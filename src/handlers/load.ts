import path from 'node:path';
import type { FaberConfig } from '../core/config/schema.js';
import type { HostingHandler } from './hosting/types.js';
import type { IacHandler, IacSource } from './iac/types.js';
import { ownValue } from '../core/own.js';
import { fillNamingPattern } from '../core/config/schema.js';

/**
 * Handlers are picked by handlers.{hosting,iac}.active and imported only when a command
 * needs them. A new provider or IaC tool is a new case here plus its own folder.
 */

/** Where the active IaC tool's sources are, from the config alone. */
export function iacSource(config: FaberConfig, env: string): IacSource {
  const iac = config.handlers.iac;
  switch (iac.active) {
    case 'terraform': {
      const tf = iac.terraform;
      const workspace = ownValue(tf?.workspaces, env) ?? env;
      return {
        tool: 'terraform',
        directory: tf?.directory ?? '.',
        configKey: 'handlers.iac.terraform.directory',
        what: 'terraform directory',
        describes: 'Terraform root module',
        allowOutsideProject: tf?.allow_outside_project === true,
        missingCode: 'E_CONFIG_TERRAFORM_DIR',
        toolWrites: (dir) => [
          { path: path.join(dir, '.terraform'), kind: 'directory' },
          { path: path.join(dir, '.terraform', 'faber-cloud-init.json'), kind: 'file' },
          { path: path.join(dir, '.terraform.lock.hcl'), kind: 'file' },
          { path: path.join(dir, 'terraform.tfstate'), kind: 'file' },
          { path: path.join(dir, 'terraform.tfstate.backup'), kind: 'file' },
          { path: path.join(dir, 'terraform.tfstate.d', workspace, 'terraform.tfstate'), kind: 'file' },
          { path: path.join(dir, 'terraform.tfstate.d', workspace, 'terraform.tfstate.backup'), kind: 'file' },
        ],
      };
    }
    case 'cloudformation': {
      const cfn = iac.cloudformation;
      return {
        tool: 'cloudformation',
        directory: cfn?.directory ?? '.',
        configKey: 'handlers.iac.cloudformation.directory',
        what: 'templates directory',
        describes: 'CloudFormation templates directory',
        allowOutsideProject: cfn?.allow_outside_project === true,
        missingCode: 'E_CONFIG_TEMPLATES_DIR',
        // CloudFormation keeps its state in the cloud: nothing is written beside the templates.
        toolWrites: () => [],
      };
    }
    case 'cdk': {
      const cdk = iac.cdk;
      const output = cdk?.output ?? 'cdk.out';
      return {
        tool: 'cdk',
        directory: cdk?.directory ?? '.',
        configKey: 'handlers.iac.cdk.directory',
        what: 'CDK app directory',
        describes: 'CDK app directory (where cdk.json is)',
        allowOutsideProject: cdk?.allow_outside_project === true,
        missingCode: 'E_CONFIG_CDK_DIR',
        // The app writes its cloud assembly there.
        toolWrites: (dir) => [{ path: path.join(dir, output), kind: 'directory' }],
      };
    }
  }
}

/** The stack of one environment: handlers.iac.cloudformation.stack_name, else the naming pattern with resource 'stack'. */
export function stackNameFor(config: FaberConfig, env: string): string {
  const parts = { project: config.project.name, subsystem: config.project.subsystem, environment: env, resource: 'stack' };
  const iac = config.handlers.iac;
  const pattern = (iac.active === 'cdk' ? iac.cdk?.stack_name : iac.cloudformation?.stack_name) ?? config.resource_naming.pattern;
  return fillNamingPattern(pattern, parts);
}

/** The tool's name as a person types it (solutions in the knowledge base say `{iac} state list`). */
export function iacCommandName(config: FaberConfig): string {
  const iac = config.handlers.iac;
  if (iac.active !== 'terraform') return iac.active;
  const binary = iac.terraform?.binary ?? 'auto';
  return binary === 'auto' ? 'tofu' : binary;
}

export async function loadIacHandler(config: FaberConfig, root: string, env: string, processEnv: NodeJS.ProcessEnv): Promise<IacHandler> {
  const iac = config.handlers.iac;
  switch (iac.active) {
    case 'terraform': {
      const tf = iac.terraform;
      if (!tf) throw new Error('handlers.iac.terraform is missing (the schema requires it)');
      const { TerraformHandler } = await import('./iac/terraform/handler.js');
      const { backendSettings } = await import('./iac/terraform/backend.js');
      // Environments never share state: without a configured workspace, each gets its own.
      const workspace = ownValue(tf.workspaces, env) ?? env;
      const varFile = ownValue(tf.var_files, env);
      const backend = backendSettings(ownValue(tf.backend_config, env));
      return new TerraformHandler({
        environment: env,
        projectRoot: root,
        ...(tf.state_lock_timeout_seconds !== undefined ? { lockTimeoutSeconds: tf.state_lock_timeout_seconds } : {}),
        ...(backend ? { backend } : {}),
        directory: path.resolve(root, tf.directory),
        binary: tf.binary,
        env: processEnv,
        workspace,
        ...(varFile ? { varFile } : {}),
      });
    }
    case 'cloudformation': {
      const cfn = iac.cloudformation;
      if (!cfn) throw new Error('handlers.iac.cloudformation is missing (the schema requires it)');
      const { CloudFormationHandler } = await import('./iac/cloudformation/handler.js');
      const parameterFile = ownValue(cfn.parameters, env);
      return new CloudFormationHandler({
        directory: path.resolve(root, cfn.directory),
        template: cfn.template,
        stackName: stackNameFor(config, env),
        capabilities: cfn.capabilities,
        region: processEnv.AWS_REGION ?? 'us-east-1',
        env: processEnv,
        ...(parameterFile ? { parameterFile } : {}),
      });
    }
    case 'cdk': {
      const cdk = iac.cdk;
      if (!cdk) throw new Error('handlers.iac.cdk is missing (the schema requires it)');
      const { CdkHandler } = await import('./iac/cdk/handler.js');
      const parameterFile = ownValue(cdk.parameters, env);
      const directory = path.resolve(root, cdk.directory);
      return new CdkHandler({
        directory,
        outdir: path.join(directory, cdk.output, env),
        environment: env,
        stackName: stackNameFor(config, env),
        capabilities: cdk.capabilities,
        region: processEnv.AWS_REGION ?? 'us-east-1',
        env: processEnv,
        ...(cdk.app ? { app: cdk.app } : {}),
        ...(cdk.stack ? { stack: cdk.stack } : {}),
        ...(parameterFile ? { parameterFile: path.resolve(directory, parameterFile) } : {}),
      });
    }
  }
}

/**
 * Files the active IaC handler will hand to its tool for this environment (terraform: the
 * backend config file), checked before any cloud call: each must resolve inside the project.
 */
export async function checkIacInputs(config: FaberConfig, root: string, env: string): Promise<void> {
  const iac = config.handlers.iac;
  switch (iac.active) {
    case 'terraform': {
      const tf = iac.terraform;
      if (!tf) return;
      const { backendArgs, backendSettings } = await import('./iac/terraform/backend.js');
      await backendArgs(backendSettings(ownValue(tf.backend_config, env)), root, path.resolve(root, tf.directory));
      return;
    }
  }
}

export async function loadHostingHandler(config: FaberConfig, processEnv: NodeJS.ProcessEnv): Promise<HostingHandler> {
  switch (config.handlers.hosting.active) {
    case 'aws': {
      const { AwsHostingHandler } = await import('./hosting/aws/handler.js');
      return new AwsHostingHandler(processEnv);
    }
  }
}
