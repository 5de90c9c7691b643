import { commands as infraDesignCommands } from './command-sets/infra-design.js';
import { commands as infraTestCommands } from './command-sets/infra-test.js';
import { commands as opsMonitorCommands } from './command-sets/ops-monitor.js';
import { commands as opsRespondCommands } from './command-sets/ops-respond.js';
import type { CommandDefinition, OptionDefinition } from './context.js';

const ENV_OPTION: OptionDefinition = { flags: '--env <env>', description: 'environment name from devops.json (e.g. test, prod)', required: true };
const PROFILE_OPTION: OptionDefinition = { flags: '--profile <name>', description: 'use this AWS profile instead of the configured one (the guard checks its role)' };

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
      { flags: '--terraform-dir <dir>', description: 'Terraform root module (default: detected, else ./infrastructure/terraform); must be inside the project' },
      { flags: '--allow-terraform-outside-project', description: 'accept a --terraform-dir outside the project (writes handlers.iac.terraform.allow_outside_project: true)' },
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
  ...infraDesignCommands,
  {
    path: ['infra', 'validate'],
    summary: 'Check formatting (fmt -check) and validate the Terraform for an environment',
    description: 'Runs fmt -check and validate on the configured Terraform directory and lists problems with file:line.\nReads only; needs no cloud credentials. Exit 1 when there are problems.',
    options: [ENV_OPTION],
    examples: ['faber-cloud infra validate --env test', 'faber-cloud infra validate --env=test --json'],
    load: () => import('./actions/infra-validate.js'),
  },
  ...infraTestCommands,
  {
    path: ['infra', 'preview'],
    summary: 'Plan an environment: saved plan, digest of every change, and the plan id deploy binds to',
    description:
      'Shows account, region, profile and caller first, then saves the plan under deployments/<env>/plans/<plan-id>.tfplan\n' +
      'with a redacted JSON copy. Destroys and replacements are listed first; sensitive values are never shown.',
    options: [ENV_OPTION, { flags: '--destroy', description: 'plan the destruction of every resource in the environment' }, PROFILE_OPTION],
    examples: ['faber-cloud infra preview --env test', 'faber-cloud infra preview --env prod --json', 'faber-cloud infra preview --env test --destroy'],
    load: () => import('./actions/infra-preview.js'),
  },
  {
    path: ['infra', 'deploy'],
    summary: 'Apply exactly one saved plan (or a fresh preview for non-prod), then update the registry',
    description:
      'Checks the profile role and the caller account before anything changes, takes the environment lock, applies the plan ' +
      'with per-resource progress, and rebuilds registry.json, DEPLOYED.md and history.jsonl from real state, also after a failure.\n' +
      'Production needs --plan <id> from a preview and --confirm prod; without them it prints the plan and the exact command (exit 3).\n' +
      'A permission denial is fixed where the environment allows it (auto_fix_permissions): the discover profile grants exactly\n' +
      'the denied actions, scoped to the environment\'s names and audited, then the deploy re-plans (at most\n' +
      'permissions.max_auto_fix_rounds rounds). Explicit denies, SCPs, boundaries and credential errors stop with exit 4.\n' +
      'Before applying, the plan goes through the pre-deploy tests (infra test --phase pre); when their gate blocks, nothing is\n' +
      'applied (exit 1). --skip-pre-tests skips them, and the history entry records skipped_pre_tests: true.',
    options: [
      ENV_OPTION,
      { flags: '--plan <id>', description: 'plan id printed by `infra preview` (required for prod)' },
      { flags: '--confirm <env>', description: 'confirm an environment that requires it, by naming it' },
      PROFILE_OPTION,
      { flags: '--no-auto-fix', description: 'on a permission denial, stop (exit 4) instead of granting the missing permissions' },
      { flags: '--skip-pre-tests', description: 'apply without running the pre-deploy tests (infra test --phase pre); recorded in the history' },
    ],
    examples: ['faber-cloud infra deploy --env test', 'faber-cloud infra deploy --env prod --plan 3f9a1c2b7d4e --confirm prod'],
    load: () => import('./actions/infra-deploy.js'),
  },
  {
    path: ['infra', 'destroy'],
    summary: 'Destroy every resource of an environment through a saved destroy plan (needs --confirm <env>)',
    options: [
      ENV_OPTION,
      { flags: '--confirm <env>', description: 'required: the environment name, to confirm' },
      { flags: '--plan <id>', description: 'destroy plan id from `infra preview --destroy` (required for prod)' },
      PROFILE_OPTION,
    ],
    examples: ['faber-cloud infra destroy --env test --confirm test'],
    load: () => import('./actions/infra-destroy.js'),
  },
  {
    path: ['infra', 'show-resources'],
    summary: 'List the resources deployed to an environment, with IDs, ARNs and console links',
    options: [ENV_OPTION, { flags: '--type <type>', description: 'only this resource type, e.g. aws_s3_bucket' }],
    examples: ['faber-cloud infra show-resources --env test', 'faber-cloud infra show-resources --env test --type aws_s3_bucket --json'],
    load: () => import('./actions/infra-show-resources.js'),
  },
  {
    path: ['infra', 'history'],
    summary: 'Show the deployments and destroys of an environment, newest first',
    options: [ENV_OPTION, { flags: '--limit <n>', description: 'how many entries', defaultValue: '20' }],
    examples: ['faber-cloud infra history --env test --limit 5'],
    load: () => import('./actions/infra-history.js'),
  },
  {
    path: ['infra', 'debug'],
    summary: 'Recognise a failure as a known issue and propose the solutions that worked most often',
    description:
      'Reads the error from --error-file (- for stdin), piped input, or the last failed deploy/destroy of --env, splits it into\n' +
      'errors, categorises each (permission, credentials, state/lock, quota/limit, network/timeout, resource/conflict,\n' +
      'configuration) and matches it against the issue log (.fractary/plugins/faber-cloud/debugger/issue-log.json, seeded with a\n' +
      'built-in knowledge base): exact signature first, then similarity, with the reasons. Solutions are ranked by how often they\n' +
      'worked once tried debugger.min_attempts times (untried ones rank as 50%), most recently used first among equals.\n' +
      'Permission denials are handed to the permission manager (the grant commands are listed). Diagnosing reads only.\n' +
      'Learning: --applied <id> --env E lets the next deploy of E record whether it worked; --record-outcome <id> success|failure\n' +
      'records it directly; --add-solution records a fix that is not listed yet. Failed deploys are logged automatically.',
    arguments: [{ name: 'outcome', description: 'success or failure, after --record-outcome <solution-id>' }],
    options: [
      { flags: '--env <env>', description: 'environment: its last failed deploy/destroy is debugged when no error is given' },
      { flags: '--error-file <path>', description: 'read the error (IaC output as text or -json, AWS error) from this file; - reads stdin' },
      { flags: '--record-outcome <solution-id>', description: 'record whether a solution worked (followed by success or failure)' },
      { flags: '--applied <solution-id>', description: 'note that a solution was applied for --env; its next deploy records the outcome' },
      { flags: '--add-solution <title>', description: 'add a fix to the issue of the error (or of --issue), with --step and --command' },
      { flags: '--step <text...>', description: 'with --add-solution: a step to take (repeatable)' },
      { flags: '--command <command...>', description: 'with --add-solution: a command that applies it (repeatable)' },
      { flags: '--issue <id>', description: 'with --add-solution: the issue to add the solution to (ids from --list)' },
      { flags: '--list', description: 'list the issues recorded in the log, most recent first' },
      { flags: '--category <category>', description: 'with --list: only this category' },
      { flags: '--all', description: 'with --list: include the built-in knowledge base entries never seen here' },
    ],
    examples: [
      'faber-cloud infra debug --env test',
      'faber-cloud infra debug --error-file apply.log --json',
      'tofu apply 2>&1 | faber-cloud infra debug',
      'faber-cloud infra debug --applied s3-bucket-rename --env test',
      'faber-cloud infra debug --record-outcome s3-bucket-rename success',
      "faber-cloud infra debug --env test --add-solution 'Empty the bucket first' --step 'empty it in the console' --command 'aws s3 rm s3://NAME --recursive'",
      'faber-cloud infra debug --list --env test',
    ],
    load: () => import('./actions/infra-debug.js'),
  },
  ...opsMonitorCommands,
  ...opsRespondCommands,
  {
    path: ['permissions', 'parse-error'],
    summary: 'Extract every AWS permission denial (action, resource, principal, reason) from an error or IaC output',
    description:
      'Reads Terraform/OpenTofu output (text or apply -json), AWS SDK or CLI errors from --file or stdin, and lists each\n' +
      'denial with its reason class: no identity-based policy, explicit deny, SCP, permissions boundary, session\n' +
      'policy, resource policy, or unknown. Credential errors (expired or invalid keys) are reported apart: they are\n' +
      'not permission problems. Reads only; calls nothing.',
    options: [
      { flags: '--file <path>', description: 'read the error from this file (default: stdin)' },
      { flags: '--region <region>', description: 'region for ARNs the message omits (e.g. S3 bare "Access Denied")' },
      { flags: '--account-id <id>', description: 'account for ARNs the message omits' },
      { flags: '--operation <op>', description: 'the API call that failed, when the error does not say (e.g. s3:CreateBucket)' },
    ],
    examples: ['faber-cloud permissions parse-error --file apply.log', 'tofu apply -json plan.tfplan 2>&1 | faber-cloud permissions parse-error --json'],
    load: () => import('./actions/permissions-parse-error.js'),
  },
  {
    path: ['permissions', 'grant'],
    summary: "Grant the deploy identity of an environment an action, scoped to the environment's resources, and audit it",
    description:
      "Uses the discover profile only (exit 3 otherwise) and checks its account first. Adds the action(s) to the environment's " +
      'customer-managed policy {project}-{env}-faber-cloud-deploy (a new default version, merged with what it already grants), ' +
      "scoped to the naming pattern (e.g. arn:aws:s3:::myapp-core-test-*), and attaches it to the test/prod profile's user or role. " +
      'Privilege-escalation actions and resources outside the pattern are refused and recorded (exit 4); the rest is still granted. ' +
      'Every grant and refusal is written to deployments/iam-audit.json, before and after the IAM call.',
    options: [
      ENV_OPTION,
      { flags: '--action <action...>', description: 'service:Action to grant (repeatable)', required: true },
      { flags: '--resource <arn>', description: 'the resource that was denied (its ARN); default: the action\'s resource types in the environment\'s pattern' },
      { flags: '--reason <text>', description: 'why the permission is needed (kept in the audit log)', required: true },
      PROFILE_OPTION,
    ],
    examples: [
      "faber-cloud permissions grant --env test --action s3:CreateBucket --resource arn:aws:s3:::myapp-core-test-uploads --reason 'uploads bucket'",
      "faber-cloud permissions grant --env test --action sqs:CreateQueue --action sqs:TagQueue --reason 'events queue' --json",
    ],
    load: () => import('./actions/permissions-grant.js'),
  },
  {
    path: ['permissions', 'audit'],
    summary: 'Show every recorded permission grant and refusal (deployments/iam-audit.json)',
    options: [
      { flags: '--env <env>', description: 'only this environment' },
      { flags: '--since <iso-date>', description: 'only entries at or after this time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z' },
    ],
    examples: ['faber-cloud permissions audit', 'faber-cloud permissions audit --env test --since 2026-01-01 --json'],
    load: () => import('./actions/permissions-audit.js'),
  },
  {
    path: ['director'],
    summary: 'Route a plain-language request to the faber-cloud command that does it (never runs it)',
    description:
      'Matches the request to one operation and prints its command line, confidence, runner-ups and whether a person must\n' +
      'confirm it (production changes, every destroy). An ambiguous request gets a question with options; an unknown one the\n' +
      'list of what it can do (exit 1). Nothing is executed, and the command line never carries --confirm or --apply.\n' +
      'Quote the request. With --json, agents run data.argv (an array) after any confirmation.',
    arguments: [{ name: 'request...', description: 'what you want done, in your own words (quote it)', required: true }],
    examples: [
      'faber-cloud director "deploy infrastructure to test"',
      'faber-cloud director "what would deploying to prod change?" --json',
      "faber-cloud director 'show resources in production'",
    ],
    load: () => import('./actions/director.js'),
  },
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
