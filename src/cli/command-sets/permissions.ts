import { defineCommand } from '../definition.js';
import { ARTIFACT_ERRORS, OK, PROFILE_GUARDS, failed, needsHuman, refused, usage } from '../exits.js';
import { ACCOUNT_ID, ENV, ENV_FILTER, PROFILE, REGION, described } from '../options.js';

/** Definitions of one area: data only (read by --help); src/cli/commands.ts binds each to its lazily loaded action. */

export const permissionsParseError = defineCommand({
  path: ['permissions', 'parse-error'],
  summary: 'Extract every AWS permission denial (action, resource, principal, reason) from an error or IaC output',
  exits: [
    { code: 0, when: 'parsed (no denial found is still 0)' },
    usage(['E_USAGE_FILE', 'E_INPUT_BINARY', 'E_INPUT_ENCODING', 'E_INPUT_TOO_LARGE'], { project: false, when: 'no error text given, or an unreadable --file' }),
  ],
  description:
    'Reads Terraform/OpenTofu output (text or apply -json), AWS SDK or CLI errors from --file or stdin, and lists each\n' +
    'denial with its reason class: no identity-based policy, explicit deny, SCP, permissions boundary, session\n' +
    'policy, resource policy, or unknown. Credential errors (expired or invalid keys) are reported apart: they are\n' +
    'not permission problems. Reads only; calls nothing.',
  options: [
    { flags: '--file <path>', description: 'read the error from this file (default: stdin)' },
    described(REGION, 'region for ARNs the message omits (e.g. S3 bare "Access Denied")'),
    described(ACCOUNT_ID, 'account for ARNs the message omits'),
    { flags: '--operation <op>', description: 'the API call that failed, when the error does not say (e.g. s3:CreateBucket)' },
  ],
  examples: ['faber-cloud permissions parse-error --file apply.log', 'tofu apply -json plan.tfplan 2>&1 | faber-cloud permissions parse-error --json'],
  output: () => import('../output-schemas/permissions.js').then((m) => m.permissionsParseError),
});

export const permissionsGrant = defineCommand({
  path: ['permissions', 'grant'],
  summary: "Grant the deploy identity of an environment an action, scoped to the environment's resources, and audit it",
  exits: [
    OK,
    failed('an IAM call failed', ['E_IAM_GRANT_FAILED', 'E_IAM_POLICY_UNREADABLE', 'E_IAM_CATALOGUE', 'E_AWS_STS']),
    usage(['E_USAGE_UNKNOWN_ENV', 'E_CONFIG_GRANT_SCOPE', ...ARTIFACT_ERRORS]),
    refused('not the discover profile, wrong account, or the lock is held', [...PROFILE_GUARDS, 'E_LOCKED']),
    needsHuman('part was refused (escalation, outside the scope), or IAM denied the discover profile', [
      'E_PERMISSION_NEEDS_HUMAN',
      'E_IAM_GRANT_DENIED',
      'E_IAM_GRANT_PRINCIPAL',
      'E_IAM_POLICY_FOREIGN',
      'E_AWS_CREDENTIALS',
    ]),
  ],
  description:
    "Uses the discover profile only (exit 3 otherwise) and checks its account first. Adds the action(s) to the environment's " +
    'customer-managed policy {project}-{env}-faber-cloud-deploy (a new default version, merged with what it already grants), ' +
    "scoped to the naming pattern (e.g. arn:aws:s3:::myapp-core-test-*), and attaches it to the test/prod profile's user or role. " +
    'Privilege-escalation actions and resources outside the pattern are refused and recorded (exit 4); the rest is still granted. ' +
    'Every grant and refusal is written to deployments/iam-audit.json, before and after the IAM call.',
  options: [
    ENV,
    { flags: '--action <action...>', description: 'service:Action to grant (repeatable)', required: true },
    { flags: '--resource <arn>', description: 'the resource that was denied (its ARN); default: the action\'s resource types in the environment\'s pattern' },
    { flags: '--reason <text>', description: 'why the permission is needed (kept in the audit log)', required: true },
    PROFILE,
  ],
  examples: [
    "faber-cloud permissions grant --env test --action s3:CreateBucket --resource arn:aws:s3:::myapp-core-test-uploads --reason 'uploads bucket'",
    "faber-cloud permissions grant --env test --action sqs:CreateQueue --action sqs:TagQueue --reason 'events queue' --json",
  ],
  output: () => import('../output-schemas/permissions.js').then((m) => m.permissionsGrant),
});

export const permissionsAudit = defineCommand({
  path: ['permissions', 'audit'],
  summary: 'Show every recorded permission grant and refusal (deployments/iam-audit.json)',
  exits: [OK, usage(['E_USAGE_UNKNOWN_ENV', ...ARTIFACT_ERRORS])],
  options: [
    ENV_FILTER,
    { flags: '--since <iso-date>', description: 'only entries at or after this time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z' },
  ],
  examples: ['faber-cloud permissions audit', 'faber-cloud permissions audit --env test --since 2026-01-01 --json'],
  output: () => import('../output-schemas/permissions.js').then((m) => m.permissionsAudit),
});

export const permissionsPreflight = defineCommand({
  path: ['permissions', 'preflight'],
  summary: "List the IAM permissions a saved plan needs, which the deploy identity already holds, and which are missing",
  exits: [
    { code: 0, when: 'the report was made (missing permissions are data, not a failure)' },
    failed('an AWS call failed', ['E_AWS_STS']),
    usage(['E_USAGE_UNKNOWN_ENV', 'E_USAGE_PLAN_ID', 'E_USAGE_PLAN_NOT_FOUND', ...ARTIFACT_ERRORS]),
    refused('wrong profile role or account, or no hosting handler', [...PROFILE_GUARDS]),
    needsHuman('credentials, or the discover profile may not read IAM', ['E_AWS_CREDENTIALS', 'E_PERMISSION_DENIED']),
  ],
  description:
    'Reads the saved plan (--plan ID, default: the newest of the environment), derives the IAM actions each resource change\n' +
    'needs from the action map generated from the provider source (plugin/templates/iam/action-map.json) plus what earlier\n' +
    "auto-fix grants taught it, on the plan's own ARNs where it knows them, else on the environment's naming pattern.\n" +
    "Evaluates them against the deploy identity's policies (inline, attached, groups, permissions boundary; explicit denies\n" +
    'win), read from IAM with the discover profile. Resource types the map does not know are listed, not guessed.\n' +
    'Reads only; grants nothing (infra deploy grants the missing ones before the apply where auto_fix_permissions is on).',
  options: [ENV, { flags: '--plan <id>', description: 'the saved plan to check (default: the newest one)' }, PROFILE],
  examples: ['faber-cloud permissions preflight --env test', 'faber-cloud permissions preflight --env prod --plan 0123456789ab --json'],
  output: () => import('../output-schemas/permissions.js').then((m) => m.permissionsPreflight),
});
