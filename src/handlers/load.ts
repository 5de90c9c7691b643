import path from 'node:path';
import type { FaberConfig } from '../core/config/schema.js';
import type { HostingHandler } from './hosting/types.js';
import type { IacHandler } from './iac/types.js';
import { ownValue } from '../core/own.js';

/**
 * Handlers are picked by handlers.{hosting,iac}.active and imported only when a command
 * needs them. A new provider or IaC tool is a new case here plus its own folder.
 */

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
