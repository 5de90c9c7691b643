import { defineCommand } from '../definition.js';
import { ARTIFACT_ERRORS, PROFILE_GUARDS, failed, failingReport, needsHuman, refused, usage } from '../exits.js';
import { CONFIRM, ENV, PROFILE, SERVICE, described } from '../options.js';

/** Definitions of one area: data only (read by --help); src/cli/commands.ts binds each to its lazily loaded action. */

export const opsRemediate = defineCommand({
  path: ['ops', 'remediate'],
  summary: 'Make one safe, reversible change to a deployed resource (dry-run unless --apply), recorded in the history',
  exits: [
    { code: 0, when: 'dry run shown, or the change applied and recorded' },
    failed('the provider call failed', ['E_PROVIDER_CALL', 'E_PROVIDER_REJECTED', 'E_PROVIDER_UNAVAILABLE', 'E_RESOURCE_NOT_FOUND', 'E_AWS_STS']),
    usage([
      'E_USAGE_UNKNOWN_ENV',
      'E_USAGE_UNKNOWN_ACTION',
      'E_USAGE_MISSING_PARAMETER',
      'E_USAGE_TARGET_NOT_IN_REGISTRY',
      'E_USAGE_TARGET_AMBIGUOUS',
      'E_USAGE_TARGET_TYPE',
      'E_USAGE_OUT_OF_BOUNDS',
      'E_USAGE_NOT_A_DLQ',
      'E_USAGE_NOT_A_SOURCE',
      ...ARTIFACT_ERRORS,
    ]),
    refused('with --apply: wrong profile or account, prod without --confirm prod, lock held', [
      ...PROFILE_GUARDS,
      'E_GUARD_CONFIRMATION_REQUIRED',
      'E_GUARD_CONFIRMATION_MISMATCH',
      'E_LOCKED',
    ]),
    needsHuman('a permission is missing, or credentials', ['E_AWS_CREDENTIALS', 'E_PERMISSION_DENIED']),
  ],
  description:
    'Actions (data: templates/ops/remediation-catalogue.json):\n' +
    '  restart-service  new deployment of an ECS service (same task definition)\n' +
    '  scale-service    desired count of an ECS service: --count N\n' +
    '  set-concurrency  Lambda reserved concurrency: --concurrency N|none\n' +
    '                   (0 throttles every invocation, none removes it)\n' +
    '  redrive-dlq      move a dead-letter queue into its source queue:\n' +
    '                   [--to QUEUE] [--max-messages N]\n' +
    '--target must be a resource of the environment\'s registry (address, id,\n' +
    'ARN or name); anything else is refused (exit 2).\n' +
    'Without --apply it only reads: current value -> new value, and the undo.\n' +
    'With --apply: profile role and account are checked first (exit 3), prod\n' +
    'needs --confirm prod (exit 3 with the exact command), the environment is\n' +
    'locked, and the change goes to history.jsonl with its undo command.\n' +
    'A missing permission stops with exit 4 naming the action to grant.',
  options: [
    ENV,
    { flags: '--action <action>', description: 'catalogue action: restart-service, scale-service, set-concurrency, redrive-dlq', required: true },
    { flags: '--target <resource>', description: 'registry address, id, ARN or name of the resource to change' },
    described(SERVICE, 'the same as --target'),
    { flags: '--count <n>', description: 'scale-service: the new desired count (bounded by remediation.max_service_count)' },
    { flags: '--concurrency <n|none>', description: 'set-concurrency: reserved concurrency, 0 throttles all, none removes it' },
    { flags: '--to <queue>', description: 'redrive-dlq: the source queue (default: the one whose redrive policy names the DLQ)' },
    { flags: '--max-messages <n>', description: 'redrive-dlq: move at most this many (default remediation.max_redrive_messages)' },
    { flags: '--apply', description: 'make the change (default: dry-run, reads only)' },
    described(CONFIRM, 'confirm an environment that requires it (prod), by naming it'),
    PROFILE,
  ],
  examples: [
    'faber-cloud ops remediate --env test --action scale-service --target aws_ecs_service.api --count 4',
    'faber-cloud ops remediate --env test --action restart-service --target life-core-test-api --apply',
    'faber-cloud ops remediate --env prod --action set-concurrency --target aws_lambda_function.worker --concurrency 0 --apply --confirm prod',
    'faber-cloud ops remediate --env test --action redrive-dlq --target aws_sqs_queue.events_dlq --apply --json',
  ],
  output: () => import('../output-schemas/ops-respond.js').then((m) => m.opsRemediate),
});

export const opsAudit = defineCommand({
  path: ['ops', 'audit'],
  summary: 'Audit the deployed resources: security findings with severities and a monthly cost estimate',
  exits: [
    { code: 0, when: 'no finding at or above audit.fail_on, and every check ran' },
    failingReport('a finding at or above audit.fail_on (default high), or a check could not run'),
    usage(['E_USAGE_UNKNOWN_ENV', ...ARTIFACT_ERRORS]),
    refused('wrong profile role or account', [...PROFILE_GUARDS]),
    needsHuman('credentials, or no resource could be read', ['E_AWS_CREDENTIALS', 'E_PERMISSION_DENIED']),
  ],
  description:
    'Reads the live configuration of the registry\'s resources (read-only, with\n' +
    'the environment\'s deploy profile) and reports, each with a severity\n' +
    '(critical, high, medium, low), the resource, the evidence and a fix:\n' +
    '  security  public S3 buckets (public access block, ACL grants, policies\n' +
    '            for Principal "*"), unencrypted S3/DynamoDB/EBS, wildcard IAM\n' +
    '            policies on the environment\'s roles, security groups open to\n' +
    '            0.0.0.0/0 or ::/0 on admin ports, log groups kept forever\n' +
    '  cost      resources by type and a monthly estimate from\n' +
    '            templates/pricing (audit.pricing_overrides); no AWS call\n' +
    'Exit 1 when a finding is at least audit.fail_on (default high) or a check\n' +
    'could not run (listed with the permission to grant); 0 otherwise.',
  options: [
    ENV,
    { flags: '--type <type>', description: 'what to audit', defaultValue: 'all', choices: ['security', 'cost', 'all'] },
    PROFILE,
  ],
  examples: ['faber-cloud ops audit --env test', 'faber-cloud ops audit --env prod --type security --json', 'faber-cloud ops audit --env test --type cost'],
  output: () => import('../output-schemas/ops-respond.js').then((m) => m.opsAudit),
});
