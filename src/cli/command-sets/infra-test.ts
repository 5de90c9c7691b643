import { defineCommand } from '../definition.js';
import { ARTIFACT_ERRORS, IAC_ERRORS, PROFILE_GUARDS, failed, failingReport, needsHuman, refused, usage } from '../exits.js';
import { ENV, PLAN, PROFILE, described } from '../options.js';

/** Definitions of one area: data only (read by --help); src/cli/commands.ts binds each to its lazily loaded action. */

export const infraTest = defineCommand({
  path: ['infra', 'test'],
  summary: 'Test a plan before deploy (security rules, cost estimate, gate) or a deployment after it (resources exist and respond)',
  exits: [
    { code: 0, when: 'the gate passes (pre) or every resource responds (post)' },
    failingReport('the gate blocks (pre) or a resource is missing or unhealthy (post)'),
    failed('planning failed', ['E_IAC_FAILED', 'E_AWS_STS']),
    usage(['E_USAGE_UNKNOWN_ENV', 'E_USAGE_PLAN_NOT_FOUND', 'E_USAGE_NOTHING_DEPLOYED', ...IAC_ERRORS, ...ARTIFACT_ERRORS]),
    refused('wrong profile role or account', [...PROFILE_GUARDS, 'E_LOCKED']),
    needsHuman('credentials rejected, or a post-deploy check was denied', ['E_AWS_CREDENTIALS', 'E_PERMISSION_DENIED']),
  ],
  description:
    '--phase pre (default): checks the plan an environment would apply against the security rules in\n' +
    'templates/testing/security-rules.json (public S3 buckets, unencrypted storage, wildcard IAM, security groups open\n' +
    'to the internet, missing logging, missing Project/Environment/ManagedBy tags), runs checkov and trivy when they are\n' +
    'on PATH, estimates the monthly cost from templates/testing/pricing.json, and applies the gate: testing.gate\n' +
    '(default: no critical, at most 2 high findings) and testing.monthly_budget_usd. With --plan it tests a plan saved\n' +
    'by `infra preview`; without, it makes and saves a fresh plan the same way. Exit 1 when the gate blocks.\n\n' +
    '--phase post: after a deploy, checks that every resource in the registry exists and responds (S3 HeadBucket,\n' +
    'DynamoDB table ACTIVE, SQS queue attributes, Lambda State Active, IAM role, log group, tagged SNS topic), read-only,\n' +
    'with the deploy profile. Exit 1 when one is missing or unhealthy.\n' +
    'Results are saved as deployments/<env>/tests/<timestamp>-<phase>.json; the next history entry refers to them.\n' +
    '`infra deploy` runs the pre phase itself before applying.',
  options: [
    ENV,
    { flags: '--phase <phase>', description: 'pre: test a plan before deploy; post: check a deployment', choices: ['pre', 'post'], defaultValue: 'pre' },
    described(PLAN, 'with --phase pre: test this saved plan (from `infra preview`) instead of a fresh one'),
    PROFILE,
  ],
  examples: [
    'faber-cloud infra test --env test',
    'faber-cloud infra test --env prod --phase pre --plan 3f9a1c2b7d4e',
    'faber-cloud infra test --env test --phase post --json',
  ],
  output: () => import('../output-schemas/infra-test.js').then((m) => m.infraTest),
});
