import { withAction, type CommandDefinition } from './definition.js';
import { infraArchitect, infraEngineer } from './command-sets/infra-design.js';
import { infraDebug, infraDeploy, infraDestroy, infraHistory, infraPreview, infraShowResources, infraValidate } from './command-sets/infra-lifecycle.js';
import { infraTest } from './command-sets/infra-test.js';
import { infraAdopt, infraDrift } from './command-sets/infra-real-projects.js';
import { opsCheckHealth, opsInvestigate, opsQueryLogs } from './command-sets/ops-monitor.js';
import { opsAudit, opsRemediate } from './command-sets/ops-respond.js';
import { permissionsAudit, permissionsGrant, permissionsParseError, permissionsPreflight } from './command-sets/permissions.js';
import { configShow, configValidate, init } from './command-sets/project.js';
import { director } from './command-sets/director.js';

/**
 * Every command the CLI offers, one definition each, in the order help lists them. Only the
 * definitions are loaded for `--help`; each action (and everything heavy it needs) is
 * imported when it runs, and withAction checks that it takes the options its definition declares.
 */
export const commands: readonly CommandDefinition[] = [
  withAction(init, () => import('./actions/init.js')),
  withAction(configShow, () => import('./actions/config-show.js')),
  withAction(configValidate, () => import('./actions/config-validate.js')),
  withAction(infraArchitect, () => import('./actions/infra-architect.js')),
  withAction(infraEngineer, () => import('./actions/infra-engineer.js')),
  withAction(infraValidate, () => import('./actions/infra-validate.js')),
  withAction(infraTest, () => import('./actions/infra-test.js')),
  withAction(infraPreview, () => import('./actions/infra-preview.js')),
  withAction(infraDeploy, () => import('./actions/infra-deploy.js')),
  withAction(infraDestroy, () => import('./actions/infra-destroy.js')),
  withAction(infraShowResources, () => import('./actions/infra-show-resources.js')),
  withAction(infraHistory, () => import('./actions/infra-history.js')),
  withAction(infraDrift, () => import('./actions/infra-drift.js')),
  withAction(infraAdopt, () => import('./actions/infra-adopt.js')),
  withAction(infraDebug, () => import('./actions/infra-debug.js')),
  withAction(opsCheckHealth, () => import('./actions/ops-check-health.js')),
  withAction(opsQueryLogs, () => import('./actions/ops-query-logs.js')),
  withAction(opsInvestigate, () => import('./actions/ops-investigate.js')),
  withAction(opsRemediate, () => import('./actions/ops-remediate.js')),
  withAction(opsAudit, () => import('./actions/ops-audit.js')),
  withAction(permissionsParseError, () => import('./actions/permissions-parse-error.js')),
  withAction(permissionsGrant, () => import('./actions/permissions-grant.js')),
  withAction(permissionsAudit, () => import('./actions/permissions-audit.js')),
  withAction(permissionsPreflight, () => import('./actions/permissions-preflight.js')),
  withAction(director, () => import('./actions/director.js')),
];

/** The command an argv starts with (`['infra', 'deploy', '--env', 'test']` -> infra deploy), if any. */
export function commandOf(argv: readonly string[]): CommandDefinition | undefined {
  return commands.find((c) => c.path.every((word, i) => argv[i] === word));
}

/** Top-level groups shown in help, with the summary of the group. */
export const commandGroups: Readonly<Record<string, string>> = {
  config: 'Show or validate the project configuration',
  infra: 'Validate, preview, deploy and destroy infrastructure; show what is deployed',
  ops: 'Watch and operate what is deployed: health, logs, incidents, remediation, audits',
  permissions: 'Parse AccessDenied errors, grant scoped permissions to deploy identities, and show the IAM audit log',
};
