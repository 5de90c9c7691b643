import { defineCommand } from '../definition.js';
import { OK, refused, usage } from '../exits.js';
import { ACCOUNT_ID, FORCE, REGION, described } from '../options.js';

/** Definitions of one area: data only (read by --help); src/cli/commands.ts binds each to its lazily loaded action. */

export const init = defineCommand({
  path: ['init'],
  summary: 'Create the project configuration (devops.json) with profiles, environments and naming',
  exits: [
    OK,
    usage(['E_ARTIFACT_UNSAFE_PATH'], { project: false, when: 'bad flags, or a --terraform-dir outside the project' }),
    refused('a configuration exists and --force was not given', ['E_CONFIG_EXISTS']),
  ],
  description:
    'Writes .fractary/plugins/faber-cloud/config/devops.json for this project: the three AWS profiles\n' +
    '({project}-discover-deploy, {project}-test-deploy, {project}-prod-deploy), the test and prod\n' +
    'environments and the resource naming pattern. Detects an existing Terraform directory (or, with\n' +
    '--iac cloudformation, a templates directory) and adds\n' +
    'plan files and locks to .gitignore. Never overwrites an existing config without --force.',
  options: [
    { flags: '--provider <name>', description: 'hosting provider', defaultValue: 'aws' },
    { flags: '--iac <name>', description: 'infrastructure-as-code tool: terraform, cloudformation or cdk', defaultValue: 'terraform' },
    { flags: '--project <name>', description: 'project name (default: the directory name)' },
    { flags: '--subsystem <name>', description: 'subsystem used in resource names', defaultValue: 'core' },
    described(REGION, 'default AWS region (default: $AWS_REGION or us-east-1)'),
    described(ACCOUNT_ID, 'AWS account id every deploy is checked against'),
    { flags: '--terraform-dir <dir>', description: 'Terraform root module (default: detected, else ./infrastructure/terraform); must be inside the project' },
    { flags: '--templates-dir <dir>', description: 'CloudFormation templates directory (--iac cloudformation; default: detected, else ./cloudformation) or CDK app directory (--iac cdk; default: where cdk.json is)' },
    { flags: '--allow-terraform-outside-project', description: 'accept a --terraform-dir outside the project (writes handlers.iac.terraform.allow_outside_project: true)' },
    described(FORCE, 'replace an existing config (the old one is kept as a .bak file)'),
  ],
  examples: [
    'faber-cloud init --project myapp --region us-east-1 --account-id 123456789012',
    'faber-cloud init --provider=aws --iac=terraform --force',
  ],
  output: () => import('../output-schemas/project.js').then((m) => m.init),
});

export const configShow = defineCommand({
  path: ['config', 'show'],
  summary: 'Show the resolved configuration, defaults applied and ${ENV} values substituted',
  exits: [OK, usage()],
  examples: ['faber-cloud config show', 'faber-cloud config show --json'],
  output: () => import('../output-schemas/project.js').then((m) => m.configShow),
});

export const configValidate = defineCommand({
  path: ['config', 'validate'],
  summary: 'Check the configuration and list every problem with its JSON path',
  exits: [OK, usage(['E_USAGE_FILE'], { when: 'the configuration (or --file) is missing or invalid: each problem with its JSON path' })],
  options: [{ flags: '--file <path>', description: 'validate this file instead of the project config' }],
  examples: ['faber-cloud config validate', 'faber-cloud config validate --file ./devops.json --json'],
  output: () => import('../output-schemas/project.js').then((m) => m.configValidate),
});
