import { defineCommand } from '../definition.js';
import { APPLY_GUARDS, ARTIFACT_ERRORS, CDK_ASSET_ERRORS, CDK_IMAGE_ERRORS, IAC_ERRORS, OK, PROFILE_GUARDS, failed, failingReport, needsHuman, refused, usage } from '../exits.js';
import { CONFIRM, ENV, ENV_FILTER, LIMIT, PLAN, PROFILE, described } from '../options.js';

/** Definitions of one area: data only (read by --help); src/cli/commands.ts binds each to its lazily loaded action. */

export const infraValidate = defineCommand({
  path: ['infra', 'validate'],
  summary: 'Check formatting (fmt -check) and validate the Terraform for an environment',
  exits: [
    { code: 0, when: 'formatted and valid' },
    failingReport('problems found (data.valid false, data.diagnostics, data.unformatted)'),
    failed('the IaC tool could not run (e.g. init failed)', ['E_IAC_FAILED']),
    usage(['E_USAGE_UNKNOWN_ENV', ...IAC_ERRORS]),
  ],
  description: 'Runs fmt -check and validate on the configured Terraform directory and lists problems with file:line.\nReads only; needs no cloud credentials. Exit 1 when there are problems.',
  options: [ENV],
  examples: ['faber-cloud infra validate --env test', 'faber-cloud infra validate --env=test --json'],
  output: () => import('../output-schemas/infra-lifecycle.js').then((m) => m.infraValidate),
});

export const infraPreview = defineCommand({
  path: ['infra', 'preview'],
  summary: 'Plan an environment: saved plan, digest of every change, and the plan id deploy binds to',
  exits: [
    OK,
    failed('planning failed', ['E_IAC_FAILED', 'E_AWS_STS']),
    usage(['E_USAGE_UNKNOWN_ENV', ...IAC_ERRORS, ...CDK_IMAGE_ERRORS, ...ARTIFACT_ERRORS]),
    refused('wrong profile role or account, or the environment is locked', [...PROFILE_GUARDS, 'E_LOCKED', 'E_LOCK_COMPROMISED', 'E_GUARD_STATE_MIGRATION']),
    needsHuman('credentials missing, invalid or expired', ['E_AWS_CREDENTIALS']),
  ],
  description:
    'Shows account, region, profile and caller first, then saves the plan under deployments/<env>/plans/<plan-id>.tfplan\n' +
    'with a redacted JSON copy. Destroys and replacements are listed first; sensitive values are never shown.',
  options: [ENV, { flags: '--destroy', description: 'plan the destruction of every resource in the environment' }, PROFILE],
  examples: ['faber-cloud infra preview --env test', 'faber-cloud infra preview --env prod --json', 'faber-cloud infra preview --env test --destroy'],
  output: () => import('../output-schemas/infra-lifecycle.js').then((m) => m.infraPreview),
});

export const infraDeploy = defineCommand({
  path: ['infra', 'deploy'],
  summary: 'Apply exactly one saved plan (or a fresh preview for non-prod), then update the registry',
  exits: [
    { code: 0, when: 'applied, or nothing to change' },
    failed('the apply failed (the registry still shows what exists) or the pre-deploy tests block the plan', ['E_APPLY_FAILED', 'E_IAC_FAILED', 'E_PRE_TESTS_BLOCKED', 'E_AUTO_FIX_FAILED', 'E_AWS_STS']),
    usage(['E_USAGE_UNKNOWN_ENV', 'E_USAGE_PLAN_NOT_FOUND', ...IAC_ERRORS, ...CDK_ASSET_ERRORS, ...ARTIFACT_ERRORS]),
    refused('prod without --plan/--confirm (prints the plan and the exact command), wrong profile or account, plan changed, lock held', APPLY_GUARDS),
    needsHuman('a permission that may not be auto-granted, or credentials', [
      'E_AWS_CREDENTIALS',
      'E_PERMISSION_DENIED',
      'E_AUTO_FIX_REPEATED',
      'E_AUTO_FIX_EXHAUSTED',
      'E_PERMISSION_NEEDS_HUMAN',
      'E_IAM_GRANT_DENIED',
    ]),
  ],
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
    ENV,
    described(PLAN, 'plan id printed by `infra preview` (required for prod)'),
    CONFIRM,
    PROFILE,
    { flags: '--no-auto-fix', description: 'on a permission denial, stop (exit 4) instead of granting the missing permissions' },
    { flags: '--skip-pre-tests', description: 'apply without running the pre-deploy tests (infra test --phase pre); recorded in the history' },
  ],
  examples: ['faber-cloud infra deploy --env test', 'faber-cloud infra deploy --env prod --plan 3f9a1c2b7d4e --confirm prod'],
  output: () => import('../output-schemas/infra-lifecycle.js').then((m) => m.infraDeploy),
});

export const infraDestroy = defineCommand({
  path: ['infra', 'destroy'],
  summary: 'Destroy every resource of an environment through a saved destroy plan (needs --confirm <env>)',
  exits: [
    OK,
    failed('the destroy failed part-way (the registry still shows what exists)', ['E_APPLY_FAILED', 'E_IAC_FAILED', 'E_AWS_STS']),
    usage(['E_USAGE_UNKNOWN_ENV', 'E_USAGE_PLAN_NOT_FOUND', ...IAC_ERRORS, ...ARTIFACT_ERRORS]),
    refused('without --confirm <env> (prod: and --plan), wrong profile or account, plan changed, lock held', APPLY_GUARDS),
    needsHuman('a permission is missing, or credentials', ['E_AWS_CREDENTIALS', 'E_PERMISSION_DENIED']),
  ],
  options: [
    ENV,
    described(CONFIRM, 'required: the environment name, to confirm'),
    described(PLAN, 'destroy plan id from `infra preview --destroy` (required for prod)'),
    PROFILE,
  ],
  examples: ['faber-cloud infra destroy --env test --confirm test'],
  output: () => import('../output-schemas/infra-lifecycle.js').then((m) => m.infraDestroy),
});

export const infraShowResources = defineCommand({
  path: ['infra', 'show-resources'],
  summary: 'List the resources deployed to an environment, with IDs, ARNs and console links',
  exits: [OK, usage(['E_USAGE_UNKNOWN_ENV', ...ARTIFACT_ERRORS])],
  options: [ENV, { flags: '--type <type>', description: 'only this resource type, e.g. aws_s3_bucket' }],
  examples: ['faber-cloud infra show-resources --env test', 'faber-cloud infra show-resources --env test --type aws_s3_bucket --json'],
  output: () => import('../output-schemas/infra-lifecycle.js').then((m) => m.infraShowResources),
});

export const infraHistory = defineCommand({
  path: ['infra', 'history'],
  summary: 'Show the deployments and destroys of an environment, newest first',
  exits: [OK, usage(['E_USAGE_UNKNOWN_ENV', ...ARTIFACT_ERRORS])],
  options: [ENV, { ...LIMIT, defaultValue: '20' }],
  examples: ['faber-cloud infra history --env test --limit 5'],
  output: () => import('../output-schemas/infra-lifecycle.js').then((m) => m.infraHistory),
});

export const infraDebug = defineCommand({
  path: ['infra', 'debug'],
  summary: 'Recognise a failure as a known issue and propose the solutions that worked most often',
  exits: [
    { code: 0, when: 'diagnosed (known or not), or the learning step recorded' },
    usage([
      'E_USAGE_UNKNOWN_ENV',
      'E_USAGE_NO_FAILURE',
      'E_USAGE_NO_ERROR',
      'E_USAGE_FILE',
      'E_USAGE_SOLUTION_NOT_FOUND',
      'E_USAGE_ISSUE_NOT_FOUND',
      'E_USAGE_ISSUE_AMBIGUOUS',
      'E_INPUT_BINARY',
      'E_INPUT_ENCODING',
      'E_INPUT_TOO_LARGE',
      ...ARTIFACT_ERRORS,
    ]),
  ],
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
    described(ENV_FILTER, 'environment: its last failed deploy/destroy is debugged when no error is given'),
    { flags: '--error-file <path>', description: 'read the error (IaC output as text or -json, AWS error) from this file; - reads stdin' },
    // The modes: one at a time.
    { flags: '--record-outcome <solution-id>', description: 'record whether a solution worked (followed by success or failure)', conflicts: ['applied', 'addSolution', 'list'] },
    { flags: '--applied <solution-id>', description: 'note that a solution was applied for --env; its next deploy records the outcome', conflicts: ['addSolution', 'list'] },
    { flags: '--add-solution <title>', description: 'add a fix to the issue of the error (or of --issue), with --step and --command', conflicts: ['list'] },
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
  output: () => import('../output-schemas/infra-lifecycle.js').then((m) => m.infraDebug),
});
