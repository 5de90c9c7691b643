import type { CommandDefinition } from './context.js';

/**
 * Every command the CLI offers, one definition each. Only this file is loaded for
 * `--help`; each action (and everything heavy it needs) is imported when it runs.
 */
export const commands: readonly CommandDefinition[] = [
  {
    path: ['init'],
    summary: 'Create the project configuration (devops.json) with profiles, environments and naming',
    description:
      'Writes .fractary/plugins/faber-cloud/config/devops.json for this project: the three AWS profiles\n' +
      '({project}-discover-deploy, {project}-test-deploy, {project}-prod-deploy), the test and prod\n' +
      'environments and the resource naming pattern. Detects an existing Terraform directory and adds\n' +
      'plan files and locks to .gitignore. Never overwrites an existing config without --force.',
    options: [
      { flags: '--provider <name>', description: 'hosting provider', defaultValue: 'aws' },
      { flags: '--iac <name>', description: 'infrastructure-as-code tool', defaultValue: 'terraform' },
      { flags: '--project <name>', description: 'project name (default: the directory name)' },
      { flags: '--subsystem <name>', description: 'subsystem used in resource names', defaultValue: 'core' },
      { flags: '--region <region>', description: 'default AWS region (default: $AWS_REGION or us-east-1)' },
      { flags: '--account-id <id>', description: 'AWS account id every deploy is checked against' },
      { flags: '--terraform-dir <dir>', description: 'Terraform root module (default: detected, else ./infrastructure/terraform)' },
      { flags: '--force', description: 'replace an existing config (the old one is kept as a .bak file)' },
    ],
    examples: [
      'faber-cloud init --project myapp --region us-east-1 --account-id 123456789012',
      'faber-cloud init --provider=aws --iac=terraform --force',
    ],
    load: () => import('./actions/init.js'),
  },
  {
    path: ['config', 'show'],
    summary: 'Show the resolved configuration, defaults applied and ${ENV} values substituted',
    examples: ['faber-cloud config show', 'faber-cloud config show --json'],
    load: () => import('./actions/config-show.js'),
  },
  {
    path: ['config', 'validate'],
    summary: 'Check the configuration and list every problem with its JSON path',
    options: [{ flags: '--file <path>', description: 'validate this file instead of the project config' }],
    examples: ['faber-cloud config validate', 'faber-cloud config validate --file ./devops.json --json'],
    load: () => import('./actions/config-validate.js'),
  },
];

/** Top-level groups shown in help, with the summary of the group. */
export const commandGroups: Readonly<Record<string, string>> = {
  config: 'Show or validate the project configuration',
};
