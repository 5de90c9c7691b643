import type { CommandDefinition } from '../context.js';

/** Commands of one area, spread into the registry in src/cli/commands.ts (same rules: one definition each, actions loaded lazily). */
export const commands: readonly CommandDefinition[] = [
  {
    path: ['ops', 'remediate'],
    summary: 'Make one safe, reversible change to a deployed resource (dry-run unless --apply), recorded in the history',
    description:
      'Actions (templates/ops/remediation-catalogue.json):\n' +
      '  restart-service   replace the tasks of an ECS service (UpdateService forceNewDeployment)\n' +
      '  scale-service     set the desired count of an ECS service            --count N\n' +
      '  set-concurrency   reserve Lambda concurrency; 0 throttles all         --concurrency N|none\n' +
      '  redrive-dlq       move a dead-letter queue back into its source       [--to QUEUE] [--max-messages N]\n' +
      '--target names a resource of the environment\'s registry (address, id, ARN or name); anything else is refused (exit 2).\n' +
      'Without --apply it only reads: it shows the current value, what it would become, and how to undo it.\n' +
      'With --apply: the profile role and account are checked first (exit 3), production needs --confirm prod (exit 3 with\n' +
      'the exact command), the environment is locked, and the change is appended to history.jsonl with its undo command.\n' +
      'A missing permission stops with exit 4, naming the action and the permissions grant command.',
    options: [
      { flags: '--env <env>', description: 'environment name from devops.json (e.g. test, prod)', required: true },
      { flags: '--action <action>', description: 'catalogue action', required: true, choices: ['restart-service', 'scale-service', 'set-concurrency', 'redrive-dlq'] },
      { flags: '--target <resource>', description: 'registry address, id, ARN or name of the resource to change', required: true },
      { flags: '--count <n>', description: 'scale-service: the new desired count (bounded by remediation.max_service_count)' },
      { flags: '--concurrency <n|none>', description: 'set-concurrency: reserved concurrency, 0 throttles all, none removes it' },
      { flags: '--to <queue>', description: 'redrive-dlq: the source queue (default: the one whose redrive policy names the DLQ)' },
      { flags: '--max-messages <n>', description: 'redrive-dlq: move at most this many (default remediation.max_redrive_messages)' },
      { flags: '--apply', description: 'make the change (default: dry-run, reads only)' },
      { flags: '--confirm <env>', description: 'confirm an environment that requires it (prod), by naming it' },
      { flags: '--profile <name>', description: 'use this AWS profile instead of the configured one (the guard checks its role)' },
    ],
    examples: [
      'faber-cloud ops remediate --env test --action scale-service --target aws_ecs_service.api --count 4',
      'faber-cloud ops remediate --env test --action restart-service --target life-core-test-api --apply',
      'faber-cloud ops remediate --env prod --action set-concurrency --target aws_lambda_function.worker --concurrency 0 --apply --confirm prod',
      'faber-cloud ops remediate --env test --action redrive-dlq --target aws_sqs_queue.events_dlq --apply --json',
    ],
    load: () => import('../actions/ops-remediate.js'),
  },
  {
    path: ['ops', 'audit'],
    summary: 'Audit the deployed resources: security findings with severities and a monthly cost estimate',
    description:
      'Reads the live configuration of the registry\'s resources (read-only, with the environment\'s deploy profile):\n' +
      '  security  public S3 buckets (public access block, ACL grants, Principal "*" policies), unencrypted storage\n' +
      '            (S3, DynamoDB, EBS), wildcard IAM policies on the environment\'s roles, security groups open to\n' +
      '            0.0.0.0/0 or ::/0 on admin ports, log groups without retention\n' +
      '  cost      resource counts by type and a monthly estimate from templates/pricing (audit.pricing_overrides)\n' +
      'Each finding has a severity (critical, high, medium, low), the resource, the evidence and a fix.\n' +
      'Exit 1 when a finding is at least audit.fail_on (default high) or a check could not run; 0 otherwise.\n' +
      'A check that cannot run (missing permission, service unavailable) is listed with the action to grant.',
    options: [
      { flags: '--env <env>', description: 'environment name from devops.json (e.g. test, prod)', required: true },
      { flags: '--type <type>', description: 'what to audit', defaultValue: 'all', choices: ['security', 'cost', 'all'] },
      { flags: '--profile <name>', description: 'use this AWS profile instead of the configured one (the guard checks its role)' },
    ],
    examples: ['faber-cloud ops audit --env test', 'faber-cloud ops audit --env prod --type security --json', 'faber-cloud ops audit --env test --type cost'],
    load: () => import('../actions/ops-audit.js'),
  },
];
