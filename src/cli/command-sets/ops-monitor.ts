import { defineCommand } from '../definition.js';
import { ARTIFACT_ERRORS, OK, PROFILE_GUARDS, failed, failingReport, needsHuman, refused, usage } from '../exits.js';
import { ENV, LIMIT, PROFILE as ANY_PROFILE, SERVICE, SINCE, described } from '../options.js';

/** Definitions of one area: data only (read by --help); src/cli/commands.ts binds each to its lazily loaded action. */

const PROFILE = described(ANY_PROFILE, "use this AWS profile instead of the environment's deploy profile (the guard checks its role)");

const READ_ONLY =
  "Reads only, with the environment's deploy profile (as infra preview does): account, region, profile and caller are shown first, " +
  'and a profile of the wrong role or account is refused (exit 3) before any call. A missing permission is named with the ' +
  "permission manager's grant command.";

export const opsCheckHealth = defineCommand({
  path: ['ops', 'check-health'],
  summary: 'Health of the deployed resources: alarms, Lambda, ECS, DynamoDB, SQS and API Gateway checks, per resource',
  exits: [
    { code: 0, when: 'status healthy' },
    failingReport('status degraded, down or unknown (a read failed): the report is in data'),
    failed('a provider call failed', ['E_AWS_TAGGING', 'E_OPS_SERVICE_UNAVAILABLE', 'E_PROVIDER_CALL', 'E_PROVIDER_REJECTED', 'E_RESOURCE_NOT_FOUND', 'E_AWS_STS']),
    usage(['E_USAGE_UNKNOWN_ENV', 'E_USAGE_SINCE', 'E_USAGE_UNKNOWN_SERVICE', ...ARTIFACT_ERRORS]),
    refused('wrong profile role or account', [...PROFILE_GUARDS]),
    needsHuman('credentials, or no resource could be read', ['E_AWS_CREDENTIALS', 'E_OPS_PERMISSION_DENIED']),
  ],
  description:
    'For the resources in deployments/<env>/registry.json (or, without a registry, those tagged Project/Environment): ' +
    'alarms in ALARM or INSUFFICIENT_DATA that concern them, Lambda errors/throttles/duration, ECS desired vs running tasks, ' +
    'DynamoDB throttles, SQS age of the oldest message and dead-letter depth, API Gateway 5xx, over the window and against ' +
    'the thresholds in devops.json (ops.health). Overall: healthy, degraded, down, or unknown when a read failed.\n' +
    'Exit 0 only when healthy, 1 otherwise (the same report is in --json data).\n' +
    READ_ONLY,
  options: [ENV, SERVICE, SINCE, PROFILE],
  examples: ['faber-cloud ops check-health --env test', 'faber-cloud ops check-health --env prod --service api --since 30m --json'],
  output: () => import('../output-schemas/ops-monitor.js').then((m) => m.opsCheckHealth),
});

export const opsQueryLogs = defineCommand({
  path: ['ops', 'query-logs'],
  summary: "Search a service's logs (server-side filter) and group identical messages with counts and first/last seen",
  exits: [
    OK,
    failed('a provider call failed', ['E_AWS_TAGGING', 'E_OPS_SERVICE_UNAVAILABLE', 'E_PROVIDER_CALL', 'E_PROVIDER_REJECTED', 'E_RESOURCE_NOT_FOUND', 'E_AWS_STS']),
    usage(['E_USAGE_UNKNOWN_ENV', 'E_USAGE_SINCE', 'E_USAGE_UNKNOWN_SERVICE', ...ARTIFACT_ERRORS, 'E_USAGE_NO_LOG_GROUPS', 'E_USAGE_LIMIT']),
    refused('wrong profile role or account', [...PROFILE_GUARDS]),
    needsHuman('credentials, or the logs may not be read', ['E_AWS_CREDENTIALS', 'E_OPS_PERMISSION_DENIED']),
  ],
  description:
    'Resolves the service to its log groups through the registry (its aws_cloudwatch_log_group resources and /aws/lambda/<fn> ' +
    "of its functions), filters on the server (--filter as a CloudWatch Logs filter pattern, else the level's pattern), reads " +
    'page by page up to --limit events, and groups messages that differ only in ids, numbers, times and names, with counts ' +
    'and first/last seen. Progress goes to stderr.\n' +
    READ_ONLY,
  options: [
    ENV,
    { ...described(SERVICE, 'service whose logs to read (Service tag, else the {resource} part of the name)'), required: true },
    { flags: '--level <level>', description: 'only this level and more severe ones', choices: ['error', 'warn', 'info', 'debug'] },
    SINCE,
    { flags: '--filter <pattern>', description: 'CloudWatch Logs filter pattern, applied by the server (e.g. "Timeout" or \'"order 42"\')' },
    described(LIMIT, 'most events to read, all log groups together (default: ops.logs.max_events, 10000)'),
    PROFILE,
  ],
  examples: [
    'faber-cloud ops query-logs --env test --service api --level error',
    "faber-cloud ops query-logs --env prod --service orders --since 2h --filter Timeout --limit 50000 --json",
  ],
  output: () => import('../output-schemas/ops-monitor.js').then((m) => m.opsQueryLogs),
});

export const opsInvestigate = defineCommand({
  path: ['ops', 'investigate'],
  summary: 'Investigate an incident: error logs, alarm history and recent deployments, with ranked hypotheses',
  exits: [
    { code: 0, when: 'report written (what could not be read is listed in it)' },
    failed('a provider call failed', ['E_AWS_TAGGING', 'E_OPS_SERVICE_UNAVAILABLE', 'E_PROVIDER_CALL', 'E_AWS_STS']),
    usage(['E_USAGE_UNKNOWN_ENV', 'E_USAGE_SINCE', 'E_USAGE_UNKNOWN_SERVICE', ...ARTIFACT_ERRORS]),
    refused('wrong profile role or account', [...PROFILE_GUARDS]),
    needsHuman('credentials, or nothing could be read', ['E_AWS_CREDENTIALS', 'E_OPS_PERMISSION_DENIED']),
  ],
  description:
    'Reads the error logs of the service (or of the whole environment), the history of the alarms that concern its resources, ' +
    'and deployments/<env>/history.jsonl; finds when the problem started and what was deployed just before; hands the most ' +
    'frequent errors to the debugger (issue log and knowledge base). Writes a report with a timeline and hypotheses ranked ' +
    'by their evidence to .fractary/plugins/faber-cloud/incidents/<timestamp>-<slug>.json and .md. What cannot be read ' +
    '(missing permission, unavailable service) is listed in the report, which is built from the rest.\n' +
    READ_ONLY,
  options: [
    ENV,
    { flags: '--issue <text>', description: 'what is wrong, in your words (names the report; its words weigh matching errors)', required: true },
    described(SERVICE, 'only this service (default: every resource of the environment)'),
    SINCE,
    PROFILE,
  ],
  examples: ['faber-cloud ops investigate --env prod --issue "500 errors"', "faber-cloud ops investigate --env test --issue 'orders failing' --service orders --since 3h --json"],
  output: () => import('../output-schemas/ops-monitor.js').then((m) => m.opsInvestigate),
});
