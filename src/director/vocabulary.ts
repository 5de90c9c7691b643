/**
 * The director's vocabulary, as data: what each operation is called, which phrasings reach
 * it, and the words the extractors look for. route.ts holds no words of its own, so a new
 * phrasing is a one-line change here (plus a row in test/unit/director-routing.test.ts).
 *
 * Patterns are regular-expression sources matched against the normalised request: lower
 * case, apostrophes dropped ("what's" -> "whats"), tokens separated by one space,
 * punctuation as its own token, an environment mention replaced by "@env" and a quoted
 * string by "@quote". route.ts wraps each source in word boundaries that treat "-" as part
 * of a word, so "deploy" does not match inside "pre-deploy" and "validate" not inside
 * "validate-config".
 */
import type { ArgName, Manager, OperationName } from './types.js';

/**
 * How strongly a pattern points at its operation.
 * - exact:   the operation's own verb or name ("deploy", "check-health"): confidence 1.
 * - strong:  as decisive as the verb but not its name ("plan" for preview).
 * - synonym: a synonym ("ship", "tear down", "logs").
 * - phrase:  a compound phrase that overrides a verb inside it ("what would deploying change"
 *            is a preview, "why did the deploy fail" a debug), so it scores above exact.
 * - weak:    a cue shared by several operations ("check", "errors"); alone it often ties.
 * - hint:    a generic verb ("show", "list") that only decides when nothing else matched.
 */
export type MatchKind = 'exact' | 'strong' | 'synonym' | 'phrase' | 'weak' | 'hint';

export const MATCH_KINDS: Readonly<Record<MatchKind, { score: number; confidence: number }>> = {
  exact: { score: 1.0, confidence: 1.0 },
  strong: { score: 1.0, confidence: 0.9 },
  synonym: { score: 0.9, confidence: 0.9 },
  phrase: { score: 1.2, confidence: 0.9 },
  weak: { score: 0.6, confidence: 0.7 },
  hint: { score: 0.55, confidence: 0.6 },
};

export interface Pattern {
  re: string;
  kind: MatchKind;
}

export interface OperationSpec {
  operation: OperationName;
  manager: Manager;
  /** argv words before the flags. */
  command: readonly string[];
  /** Short verb phrase for labels and questions ("check health"). */
  title: string;
  description: string;
  /** A phrasing the router understands (listed for unknown requests; also a test row). */
  example: string;
  /** Flags in argv order. `env` is listed when the command takes --env at all. */
  args: readonly ArgName[];
  /** Values without which the command line is not runnable. */
  requires: readonly ArgName[];
  /** Groups of values of which one is needed (remediate: --target or --service); the first is reported missing. */
  requiresOneOf?: readonly (readonly ArgName[])[];
  /** Changes cloud resources: negation removes it, prod needs a person's confirmation. */
  mutating: boolean;
  patterns: readonly Pattern[];
}

const p = (kind: MatchKind, ...sources: string[]): Pattern[] => sources.map((re) => ({ re, kind }));

/** Articles and possessives often found between a verb and its object. */
const DET = '(?:the |my |our |this |that |a |an |last |latest )*';
const DEPLOY_NOUN = '(?:deploy|deploys|deployment|deployments|apply|release|rollout|roll out)';
/** Verbs of a build request ("we need a table for…", "set up a bucket…"). */
const BUILD_VERB = '(?:set ?up|setup|create|add|make|build|provision|spin up|stand up|give me|need|want|like|wanna)';
/** Cloud resources a person may ask for by name (the kinds the architect knows, and their everyday names). */
const RESOURCE_NOUN =
  '(?:s3|buckets?|tables?|dynamo(?:db)?|queues?|sqs|dlq|topics?|sns|lambdas?|functions?|databases?|dbs?|rds|postgres(?:ql)?|mysql|aurora|caches?|redis|memcached|' +
  'elasticache|cdn|cloudfront|distribution|gateway|vpc|subnets?|clusters?|containers?|ecs(?: service)?|fargate|streams?|kinesis|log groups?|' +
  'secrets?|kms(?: keys?)?|alarms?|dashboards?|load balancers?|alb|ec2|instances?|servers?|website|static site|cron(?: job)?|scheduled (?:job|task|lambda|function)|' +
  'step functions?|state machine|event ?bus|eventbridge|webhooks?|pipeline|storage|bastion|iam role)';

export const OPERATIONS: readonly OperationSpec[] = [
  {
    operation: 'architect',
    manager: 'infra-manager',
    command: ['infra', 'architect'],
    title: 'design the architecture',
    description: 'Design the infrastructure for a feature (writes designs/<slug>.md)',
    example: 'design user uploads',
    args: ['feature'],
    requires: ['feature'],
    mutating: false,
    patterns: [
      ...p('exact', 'architect'),
      ...p('synonym', 'design(?:ing)?', 'architecture', 'propose (?:an? )?(?:architecture|design)', 'how (?:should|would|do|can) (?:we|i) (?:build|structure|architect|host)'),
      // A request for a new resource ("set up a bucket for avatars") is designed first; it
      // outscores "provision"/"spin up" (deploy), which only ever apply what exists.
      ...p('phrase', `${BUILD_VERB} (?:(?!(?:to|logs?|errors?|health|status) )\\S+ ){0,4}${RESOURCE_NOUN}`, `new (?:\\S+ ){0,2}${RESOURCE_NOUN}`, '(?:somewhere|a place|storage) to (?:store|keep|put|save|host)'),
    ],
  },
  {
    operation: 'engineer',
    manager: 'infra-manager',
    command: ['infra', 'engineer'],
    title: 'generate Terraform from a design',
    description: 'Generate Terraform files from a design',
    example: 'generate terraform for user uploads',
    args: ['design'],
    requires: ['design'],
    mutating: false,
    patterns: [
      ...p('exact', 'engineer'),
      ...p(
        'phrase',
        '(?:generate|write|create|scaffold|produce|build) (?:the |some |a |an )?(?:terraform|iac|tf|infrastructure code|infrastructure as code)(?: code| files| modules?)?',
        'implement (?:the |this |that |a )?(?:[\\w-]+ ){0,4}design',
        'terraform (?:code|files|modules?) for',
        'turn (?:the |this |that )?(?:[\\w-]+ ){0,3}design into',
      ),
      ...p('synonym', 'implement(?:ing)?'),
    ],
  },
  {
    operation: 'validate',
    manager: 'infra-manager',
    command: ['infra', 'validate'],
    title: 'validate the Terraform',
    description: 'Check formatting and validate the Terraform for an environment',
    example: 'validate the terraform for test',
    args: ['env'],
    requires: ['env'],
    mutating: false,
    patterns: [
      ...p('exact', 'validate', 'validating'),
      ...p(
        'synonym',
        'validation',
        'lint(?:ing)?',
        'fmt',
        'check (?:the |my |our )?(?:terraform|syntax|formatting|hcl|iac|tf)',
        'terraform validate',
        'is (?:the |my |our )?terraform (?:valid|ok|correct)',
        'syntax check',
      ),
    ],
  },
  {
    operation: 'test',
    manager: 'infra-manager',
    command: ['infra', 'test'],
    title: 'test the infrastructure',
    description: 'Security rules and cost estimate before a deploy, checks after it',
    example: 'run the pre-deploy tests on test',
    args: ['env', 'phase'],
    requires: ['env'],
    mutating: false,
    patterns: [
      ...p('exact', 'test'),
      ...p('synonym', 'tests', 'testing', 'run (?:the |all |all the )?tests?', 'smoke[- ]?tests?'),
      ...p(
        'phrase',
        '(?:cost|price|pricing) estimates?',
        'estimate (?:\\S+ ){0,4}(?:cost|costs|price|spend)',
        '(?:pre|post)-?deploy(?:ment)? (?:tests?|checks?)',
        'security (?:scan|scans|rules)',
        'tests? after (?:deploying|the deploy|deployment|a deploy)',
      ),
    ],
  },
  {
    operation: 'preview',
    manager: 'infra-manager',
    command: ['infra', 'preview'],
    title: 'preview the changes',
    description: 'Plan an environment: saved plan, digest of every change, plan id',
    example: 'what would change in prod?',
    args: ['env', 'destroy'],
    requires: ['env'],
    mutating: false,
    patterns: [
      ...p('exact', 'preview', 'previewing'),
      ...p('strong', 'plan', 'planning', 'terraform plan'),
      ...p('synonym', 'diff'),
      ...p(
        'phrase',
        'dry[- ]?run',
        'what (?:would|will|does|might) (?:\\S+ ){0,6}change',
        'what (?:would|will) (?:\\S+ ){0,6}(?:remove|delete|destroy|create|add|do)',
        'what (?:would|will) happen',
        'what changes',
        'show (?:me )?(?:the |a )?(?:plan|diff|changes)',
        '(?:pending|planned) changes',
        '(?:is it|would it be) safe to',
        'should (?:i|we) (?:deploy|release|ship|apply|destroy)',
      ),
    ],
  },
  {
    operation: 'deploy',
    manager: 'infra-manager',
    command: ['infra', 'deploy'],
    title: 'deploy',
    description: 'Apply a saved plan to an environment and update the registry',
    example: 'deploy to test',
    args: ['env', 'plan'],
    requires: ['env'],
    mutating: true,
    patterns: [
      ...p('exact', 'deploy', 'deploying', 're-?deploy', 're-?deploying'),
      ...p(
        'synonym',
        'ship(?:ping)?',
        'releas(?:e|ing)',
        'roll(?:ing)? ?out',
        'roll (?:\\S+ ){1,3}out (?:to|into)',
        'push(?:ing)?(?: \\S+){0,2} (?:to|into)',
        'apply(?:ing)?',
        'go(?:ing)? live',
        'promot(?:e|ing)',
        'provision(?:ing)?',
        '(?:spin|bring) up',
      ),
      // "apply the plan" is a deploy even though "plan" alone is a preview.
      ...p('phrase', 'apply (?:the |this |that |my |our )?(?:saved |previewed )?plan'),
      ...p('weak', 'deployed', 'deployment', 'deploys'),
    ],
  },
  {
    operation: 'destroy',
    manager: 'infra-manager',
    // The router never destroys: it previews the destroy plan (see route.ts).
    command: ['infra', 'preview'],
    title: 'destroy (preview the destroy plan first)',
    description: 'Destroy an environment: the router previews the destroy plan; a person confirms the destroy',
    example: 'tear down test',
    args: ['env', 'destroy'],
    requires: ['env'],
    mutating: true,
    patterns: [
      ...p('exact', 'destroy', 'destroying'),
      ...p(
        'synonym',
        'tear(?:ing)? ?down',
        'teardown',
        'nuke',
        'wipe(?: out)?',
        'decommission(?:ing)?',
        '(?:delete|remove) (?:all|everything|the (?:whole |entire )?(?:environment|env|stack|infrastructure|infra))',
      ),
      ...p('weak', 'delete', 'remove'),
    ],
  },
  {
    operation: 'show-resources',
    manager: 'infra-manager',
    command: ['infra', 'show-resources'],
    title: 'show the deployed resources',
    description: 'List the resources deployed to an environment, with IDs, ARNs and console links',
    example: "show me what's deployed in test",
    args: ['env'],
    requires: ['env'],
    mutating: false,
    patterns: [
      ...p('exact', 'show-resources', 'show resources'),
      ...p('synonym', 'list (?:the |all |all the |my |our )?(?:resources|infrastructure|infra)', 'resources', 'inventory', '(?:what|which) resources'),
      ...p(
        'phrase',
        'whats (?:currently |already )?deployed',
        'what is (?:currently |already )?deployed',
        'what (?:do we have|have we got|is running|exists|is there)',
        'whats running',
        '(?:currently|already) deployed',
        'deployed (?:resources|infrastructure|infra|stack)',
        'show (?:me )?(?:the )?(?:deployed|current) (?:resources|infrastructure|infra|stack)',
        'whats (?:currently )?(?:in|on) @env',
        'what is (?:currently )?(?:in|on) @env',
      ),
      ...p('hint', 'list', 'show'),
    ],
  },
  {
    operation: 'history',
    manager: 'infra-manager',
    command: ['infra', 'history'],
    title: 'show the deployment history',
    description: 'Show the deployments and destroys of an environment, newest first',
    example: 'when was the last deploy to prod?',
    args: ['env'],
    requires: ['env'],
    mutating: false,
    patterns: [
      ...p('exact', 'history'),
      ...p('synonym', 'changelog'),
      ...p(
        'phrase',
        `(?:last|latest|recent|previous|past|prior) (?:few |\\d+ )?${DEPLOY_NOUN}s?`,
        'when (?:was|were|did) (?:\\S+ ){0,5}(?:deploy|deployed|released|applied|updated|destroyed)',
        'who (?:deployed|released|applied|destroyed)',
        `${DEPLOY_NOUN} (?:log|logs|history|record|records)`,
        'what (?:did we|was) (?:\\S+ )?deploy(?:ed)?',
        'what (?:has |have )?changed',
      ),
    ],
  },
  {
    operation: 'debug',
    manager: 'infra-manager',
    command: ['infra', 'debug'],
    title: 'debug a failed deploy',
    description: 'Explain a failed deploy and look up known fixes',
    example: 'why did the deploy to test fail?',
    args: ['env'],
    requires: ['env'],
    mutating: false,
    patterns: [
      ...p('exact', 'debug', 'debugging'),
      ...p(
        'phrase',
        `why did ${DET}${DEPLOY_NOUN}(?: \\S+){0,4} fail`,
        `why (?:is|does) ${DET}${DEPLOY_NOUN} (?:fail|failing|stuck|broken)`,
        `${DEPLOY_NOUN}(?: \\S+){0,3} (?:failed|fails|failing|failure|errored|broke|broken|stuck|went wrong)`,
        `failed ${DEPLOY_NOUN}`,
        `${DEPLOY_NOUN} (?:error|errors|failure|failures)`,
        `fix ${DET}${DEPLOY_NOUN}`,
        `(?:what went wrong|what happened|whats wrong|what is wrong) (?:with|to|in) ${DET}${DEPLOY_NOUN}`,
      ),
    ],
  },
  {
    operation: 'validate-config',
    manager: 'infra-manager',
    command: ['config', 'validate'],
    title: 'validate the configuration',
    description: 'Check devops.json and list every problem with its JSON path',
    example: 'validate the config',
    args: [],
    requires: [],
    mutating: false,
    patterns: [
      ...p('exact', 'validate-config', 'config validate'),
      ...p(
        'phrase',
        '(?:validate|check|verify|lint) (?:the |my |our )?(?:config|configuration|settings|devops\\.json)',
        'is (?:the |my |our )?(?:config|configuration|devops\\.json) (?:valid|ok|okay|correct)',
        'config(?:uration)? (?:errors|problems|issues)',
      ),
    ],
  },
  {
    operation: 'show-config',
    manager: 'infra-manager',
    command: ['config', 'show'],
    title: 'show the configuration',
    description: 'Show the resolved configuration, defaults applied',
    example: 'show me the config',
    args: [],
    requires: [],
    mutating: false,
    patterns: [
      ...p('exact', 'show-config', 'config show'),
      ...p(
        'phrase',
        '(?:show|print|display|view|see|dump|open) (?:me )?(?:the |my |our |current |resolved |full )*(?:config|configuration|settings|devops\\.json)',
        '(?:whats|what is) (?:in )?(?:the |my |our )?(?:config|configuration|devops\\.json)',
      ),
      ...p('weak', 'config', 'configuration', 'settings'),
    ],
  },
  {
    operation: 'init',
    manager: 'infra-manager',
    command: ['init'],
    title: 'initialise the project',
    description: 'Create the project configuration (devops.json)',
    example: 'set up faber-cloud for this project',
    args: [],
    requires: [],
    mutating: false,
    patterns: [
      ...p('exact', 'init'),
      ...p(
        'synonym',
        'initiali[sz](?:e|ing)',
        'bootstrap',
        'onboard',
        'get(?:ting)? (?:\\S+ ){0,3}started',
        'set ?up (?:faber(?:-cloud)?|the project|a (?:new )?project|this project|(?:the |a )?config(?:uration)?|devops\\.json)',
        'create (?:the |a )?(?:config|configuration|devops\\.json)',
      ),
    ],
  },
  {
    operation: 'permissions-audit',
    manager: 'infra-manager',
    command: ['permissions', 'audit'],
    title: 'show the IAM audit log',
    description: 'Show every recorded permission grant and refusal',
    example: 'which permissions were granted in test?',
    args: ['env'],
    requires: [],
    mutating: false,
    patterns: [
      ...p('exact', 'permissions-audit', 'permissions? audit'),
      ...p(
        'phrase',
        '(?:iam|grants?) (?:audit|log|history|grants|changes)',
        'permissions? (?:log|history|grants|changes)',
        'audit (?:the |our )?(?:iam|permissions?|grants?)',
        'who granted',
        '(?:what|which) (?:permissions|grants) (?:were|have been|did we|did you) (?:granted|given|added|grant|give|add)',
        '(?:permissions?|grants) (?:were |have been )?granted',
        'iam-audit(?:\\.json)?',
      ),
      ...p('weak', 'permissions?', 'iam', 'grants'),
    ],
  },
  {
    operation: 'check-health',
    manager: 'ops-manager',
    command: ['ops', 'check-health'],
    title: 'check health',
    description: 'Check the health of an environment or one service',
    example: 'is prod healthy?',
    args: ['env', 'service'],
    requires: ['env'],
    mutating: false,
    patterns: [
      ...p('exact', 'check-health', 'check health', 'health ?check', 'health-check'),
      ...p(
        'synonym',
        'health',
        'healthy',
        'unhealthy',
        'status',
        'uptime',
        'ping',
        'is (?:\\S+ ){0,3}(?:up|down|alive|running|ok|okay|available|responding|reachable|working)',
        'up and running',
      ),
      ...p('weak', 'check', 'look at', 'monitor'),
    ],
  },
  {
    operation: 'query-logs',
    manager: 'ops-manager',
    command: ['ops', 'query-logs'],
    title: 'query the logs',
    description: 'Search a service’s logs by level and time window',
    example: 'show error logs for the api service in prod for the last hour',
    args: ['env', 'service', 'level', 'since'],
    requires: ['env', 'service'],
    mutating: false,
    patterns: [
      ...p('exact', 'query-logs', 'query logs'),
      ...p('synonym', 'logs?', 'logging', 'log (?:entries|lines|messages|events)', 'tail', 'grep', 'cloudwatch logs'),
      ...p('phrase', 'errors? in (?:the )?(?:\\S+ )?logs?', '(?:error|warning|warn) logs?'),
      ...p('synonym', '(?:show|get|find|list|any|see) (?:me )?(?:the |any |all |recent )?(?:errors|warnings|exceptions)'),
      ...p('weak', 'check', 'look at', 'errors', 'warnings'),
    ],
  },
  {
    operation: 'investigate',
    manager: 'ops-manager',
    command: ['ops', 'investigate'],
    title: 'investigate an incident',
    description: 'Correlate logs, metrics and recent changes for an incident',
    example: 'investigate 500 errors in prod',
    args: ['env', 'issue', 'service'],
    requires: ['env', 'issue'],
    mutating: false,
    patterns: [
      ...p('exact', 'investigate', 'investigating', 'investigation'),
      ...p(
        'synonym',
        'look into',
        'dig into',
        'diagnose',
        'troubleshoot(?:ing)?',
        'whats wrong',
        'what is wrong',
        'what went wrong',
        'what happened',
        'figure out why',
      ),
      ...p(
        'phrase',
        'incidents?',
        'outages?',
        '[45]\\d\\d(?:s| errors?| responses?| status(?: codes?)?)?',
        '[45]xx(?:s| errors?)?',
        'root[- ]cause',
        // "why did the deploy fail" is a debug, not an incident.
        `why (?:is|are|does|do|did|was|were|has|have)(?! (?:\\S+ ){0,4}${DEPLOY_NOUN}(?![\\w-]))`,
        '(?:latency|error rate|errors?) (?:spike|spikes|spiking|increase|increased|is high|are high)',
        'timing out',
        'time ?outs?',
        'slow(?:ness)?',
        'sluggish',
        'crash(?:es|ing|ed)?',
        'crashloop',
      ),
    ],
  },
  {
    operation: 'remediate',
    manager: 'ops-manager',
    command: ['ops', 'remediate'],
    title: 'remediate (dry run)',
    description: 'Plan a remediation (restart or scale an ECS service, Lambda concurrency, DLQ redrive); a dry run unless a person adds --apply',
    example: 'restart the api service in test',
    // --count / --concurrency are required by the action that takes them (REMEDIATION_ACTIONS).
    args: ['env', 'action', 'service', 'target', 'count', 'concurrency'],
    requires: ['env', 'action'],
    requiresOneOf: [['target', 'service']],
    mutating: true,
    patterns: [
      ...p('exact', 'remediate', 'remediation', 'remediating'),
      ...p(
        'synonym',
        'restart(?:ing)?',
        'reboot',
        'bounce',
        'recycle',
        'scale(?: (?:up|down|out|in))?',
        'throttle',
        '(?:reserved )?concurrency',
        'redrive',
        'replay (?:the )?(?:dlq|dead[- ]letter(?: queue)?)',
        'mitigate',
      ),
    ],
  },
  {
    operation: 'audit',
    manager: 'ops-manager',
    command: ['ops', 'audit'],
    title: 'audit security or cost',
    description: 'Audit an environment for security findings and cost',
    example: 'run a security audit on prod',
    args: ['env', 'type'],
    requires: ['env'],
    mutating: false,
    patterns: [
      ...p('exact', 'audit', 'auditing'),
      ...p(
        'synonym',
        'security (?:audit|review|posture|check|checks|report)',
        'complian(?:ce|t)',
        'cost (?:audit|review|report|analysis|breakdown|check)',
        'how much (?:\\S+ ){0,4}(?:cost|costs|costing|spend|spending)',
        'spend(?:ing)?',
      ),
      // "billing" is as often a service's name ("restart the billing service").
      ...p('weak', 'costs?', 'security', 'billing'),
    ],
  },
];

/** The CLI flag for each extracted value. */
export const ARG_FLAGS: Readonly<Record<ArgName, string>> = {
  env: '--env',
  service: '--service',
  target: '--target',
  count: '--count',
  concurrency: '--concurrency',
  feature: '--feature',
  design: '--design',
  issue: '--issue',
  level: '--level',
  since: '--since',
  phase: '--phase',
  type: '--type',
  action: '--action',
  plan: '--plan',
  destroy: '--destroy',
};

/** Flags in a request that the router takes values from (`--env=test`, `--service api`). */
export const VALUE_FLAGS: ReadonlySet<string> = new Set(['env', 'service', 'target', 'count', 'concurrency', 'feature', 'design', 'issue', 'level', 'since', 'phase', 'type', 'action', 'plan']);
/** Flags that take no value. --apply and --confirm are read only to be dropped: a person adds them. */
export const BOOLEAN_FLAGS: ReadonlySet<string> = new Set(['destroy', 'apply', 'json', 'force', 'yes', 'verbose', 'no-auto-fix', 'dry-run']);
export const DROPPED_FLAGS: ReadonlySet<string> = new Set(['confirm', 'apply', 'yes', 'force']);

/**
 * Words that name an environment without being its configured name. A group resolves to the
 * configured environment whose name is one of its words; "prod" falls back to the single
 * prod-profile environment. Mentioned but not configured -> the router asks.
 */
export const ENV_ALIAS_GROUPS: readonly { group: string; words: readonly string[] }[] = [
  { group: 'prod', words: ['prod', 'production', 'prd', 'live'] },
  { group: 'staging', words: ['staging', 'stage', 'stg'] },
  { group: 'test', words: ['test'] },
  { group: 'dev', words: ['dev', 'development'] },
];

/**
 * An environment name that is also an operation word ("test", "live") counts as the
 * environment only in an environment position: after one of these words...
 */
export const ENV_PREPOSITIONS: ReadonlySet<string> = new Set(['to', 'in', 'on', 'into', 'onto', 'against', 'for', 'from', 'at', 'of', 'within', 'is', 'are', 'was']);
/** ...or right after a verb that takes an environment ("deploy test")... */
export const ENV_TAKING_VERBS: ReadonlySet<string> = new Set([
  'deploy', 'redeploy', 'destroy', 'preview', 'validate', 'plan', 'ship', 'release', 'promote', 'debug', 'audit', 'check', 'investigate', 'remediate', 'restart', 'apply', 'push', 'nuke', 'teardown',
  'wipe', 'decommission', 'delete', 'remove', 'provision', 'rollout', 'lint', 'query', 'tail', 'scale', 'bounce', 'reboot', 'revert', 'diagnose',
  'troubleshoot', 'inspect', 'monitor', 'ping', 'show', 'list', 'describe',
  // the particle ending a phrasal verb: "tear down test", "roll out test", "roll back test"
  'down', 'up', 'out', 'back',
]);
/** ...or right before one of these ("test environment", "test is down"). */
export const ENV_FOLLOWERS: ReadonlySet<string> = new Set([
  'env', 'environment', 'stack', 'account', 'workspace', 'is', 'are', 'was', 'has', 'will', 'cost', 'costs', 'resources', 'logs', 'health', 'status', 'deployment', 'deployments', 'history', 'config',
]);
/** "go live" is a deploy, not the live environment. */
export const ENV_BLOCKING_PREDECESSORS: ReadonlySet<string> = new Set(['go', 'going', 'went', 'goes']);
/** "deploy to test but not prod": an environment right after one of these is excluded, not named. */
export const ENV_EXCLUDERS: ReadonlySet<string> = new Set(['not', 'except', 'excluding', 'never', 'no', 'nor', 'without']);

/**
 * Words that cancel a mutating verb up to NEGATION_WINDOW tokens after them, within one
 * clause ("don't deploy", "do not deploy yet", "without deploying", "before deploying").
 */
export const NEGATORS: ReadonlySet<string> = new Set([
  'dont', 'not', 'never', 'without', 'no', 'avoid', 'stop', 'skip', 'before', 'cant', 'cannot', 'wont', 'shouldnt', 'instead', 'rather', 'hold', 'prevent', 'nor', 'doesnt', 'didnt', 'mustnt', 'neither',
]);
export const NEGATION_WINDOW = 4;
/** A negation does not reach past these ("don't deploy, just show the plan"). */
export const CLAUSE_BREAKS: ReadonlySet<string> = new Set([',', '.', ';', '!', '?', ':', 'but', 'just', 'only', 'then', 'so']);

/** Words that may be typos of a keyword (besides the configured environment names). */
export const TYPO_TARGETS: readonly string[] = [
  'deploy', 'destroy', 'preview', 'validate', 'architect', 'engineer', 'investigate', 'remediate', 'audit', 'health', 'healthy', 'logs',
  'resources', 'history', 'debug', 'config', 'configuration', 'terraform', 'design', 'release', 'rollout', 'teardown', 'status', 'incident',
  'security', 'permissions', 'initialize', 'check', 'show', 'list', 'plan', 'test', 'errors', 'error', 'warnings', 'restart', 'redrive',
  'prod', 'production', 'staging', 'outage', 'inventory', 'generate', 'query', 'diagnose', 'troubleshoot',
];

/**
 * Ordinary words that are never corrected, on top of every word in the patterns and the
 * inflections of TYPO_TARGETS (so "deployed" is not "fixed" into "deploy").
 */
export const KNOWN_WORDS: readonly string[] = [
  // function words and politeness
  'a', 'an', 'the', 'to', 'in', 'on', 'into', 'onto', 'for', 'of', 'from', 'at', 'by', 'with', 'without', 'and', 'or', 'but', 'so', 'then',
  'now', 'just', 'only', 'also', 'please', 'pls', 'plz', 'kindly', 'thanks', 'thank', 'cheers', 'you', 'your', 'me', 'my', 'mine', 'we', 'us',
  'our', 'ours', 'i', 'it', 'its', 'this', 'that', 'these', 'those', 'they', 'them', 'their', 'is', 'are', 'was', 'were', 'be', 'been', 'being',
  'am', 'do', 'does', 'did', 'done', 'dont', 'doesnt', 'didnt', 'not', 'no', 'never', 'can', 'could', 'would', 'should', 'will', 'wont', 'shall',
  'may', 'might', 'must', 'cant', 'cannot', 'shouldnt', 'wouldnt', 'couldnt', 'isnt', 'arent', 'wasnt', 'have', 'has', 'had', 'havent', 'hasnt',
  'get', 'got', 'go', 'goes', 'going', 'gone', 'went', 'let', 'lets', 'make', 'made', 'want', 'wanted', 'need', 'needs', 'like', 'love', 'hey',
  'hi', 'hello', 'ok', 'okay', 'sure', 'yes', 'yeah', 'what', 'whats', 'which', 'who', 'whom', 'whose', 'when', 'where', 'why', 'how', 'all',
  'any', 'some', 'every', 'each', 'everything', 'anything', 'something', 'nothing', 'there', 'here', 'today', 'yesterday', 'tomorrow', 'yet',
  'first', 'last', 'next', 'previous', 'past', 'recent', 'latest', 'new', 'old', 'current', 'currently', 'already', 'still', 'again', 'more',
  'less', 'most', 'least', 'much', 'many', 'few', 'lot', 'lots', 'bit', 'since', 'until', 'before', 'after', 'during', 'over', 'under', 'up',
  'down', 'out', 'off', 'about', 'around', 'through', 'across', 'between', 'against', 'within', 'instead', 'rather', 'than', 'if', 'else',
  'whether', 'because', 'while', 'as', 'too', 'very', 'really', 'actually', 'quickly', 'right', 'thing', 'things', 'stuff', 'way', 'time',
  'times', 'work', 'works', 'working', 'run', 'runs', 'running', 'ran', 'look', 'looking', 'see', 'tell', 'give', 'take', 'put', 'use',
  'using', 'used', 'help', 'try', 'know', 'think', 'find', 'start', 'keep', 'hold', 'wait', 'able', 'safe', 'ready', 'good', 'bad', 'fine',
  // near neighbours of keywords that are words in their own right
  'best', 'rest', 'text', 'post', 'most', 'lost', 'lust', 'play', 'plant', 'plane', 'plans', 'prop', 'prob', 'proud', 'product', 'products',
  'productive', 'productivity', 'staying', 'securely', 'debut', 'audio', 'heath', 'wealth', 'stats', 'statue', 'deplore', 'employ',
  'infra', 'infrastructure', 'ops', 'faber', 'faber-cloud', 'cloud', 'aws', 'service', 'services', 'env', 'environment', 'environments',
  'feature', 'features', 'issue', 'issues', 'problem', 'problems', 'minute', 'minutes', 'hour', 'hours', 'day', 'days', 'week', 'weeks',
  'month', 'months', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'twenty', 'thirty', 'fifteen',
  'sixty', 'ninety', 'half', 'warn', 'warning', 'level', 'phase', 'type', 'action', 'named', 'called', 'suite', 'asking',
];

/** Log levels for query-logs. */
export const LOG_LEVELS: readonly { level: string; words: readonly string[] }[] = [
  { level: 'error', words: ['error', 'errors', 'errored', 'failures', 'exceptions', 'exception'] },
  { level: 'warn', words: ['warn', 'warning', 'warnings'] },
];

/** Time-window units for query-logs --since: the suffix and how many of it one word means. */
export const TIME_UNITS: Readonly<Record<string, { suffix: 'm' | 'h' | 'd'; per: number }>> = {
  m: { suffix: 'm', per: 1 }, min: { suffix: 'm', per: 1 }, mins: { suffix: 'm', per: 1 }, minute: { suffix: 'm', per: 1 }, minutes: { suffix: 'm', per: 1 },
  h: { suffix: 'h', per: 1 }, hr: { suffix: 'h', per: 1 }, hrs: { suffix: 'h', per: 1 }, hour: { suffix: 'h', per: 1 }, hours: { suffix: 'h', per: 1 },
  d: { suffix: 'd', per: 1 }, day: { suffix: 'd', per: 1 }, days: { suffix: 'd', per: 1 },
  w: { suffix: 'd', per: 7 }, week: { suffix: 'd', per: 7 }, weeks: { suffix: 'd', per: 7 },
};
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, fifteen: 15, twenty: 20, thirty: 30, sixty: 60, ninety: 90,
};
/** Fixed phrases for a time window. */
export const TIME_PHRASES: readonly { re: string; since: string }[] = [
  { re: 'since yesterday', since: '24h' },
  { re: '(?:since |from )?this morning', since: '12h' },
  { re: 'today', since: '24h' },
  { re: '(?:last|past) (?:half an hour|half hour)', since: '30m' },
  { re: 'overnight|last night', since: '12h' },
];

/** ops audit --type. */
export const AUDIT_TYPES: readonly { type: string; re: string }[] = [
  { type: 'all', re: '(?:full|complete|everything|all types|security and cost|cost and security)' },
  { type: 'security', re: '(?:security|secure|vulnerabilit(?:y|ies)|complian(?:ce|t)|exposed|public)' },
  { type: 'cost', re: '(?:cost|costs|costing|spend|spending|billing|expensive|money|budget)' },
];

/** infra test --phase. */
export const TEST_PHASES: readonly { phase: string; re: string }[] = [
  { phase: 'pre', re: '(?:pre-?deploy(?:ment)?|before (?:deploying|the deploy|deployment|a deploy)|pre)' },
  { phase: 'post', re: '(?:post-?deploy(?:ment)?|after (?:deploying|the deploy|deployment|a deploy)|smoke[- ]?tests?|post)' },
];

/**
 * ops remediate --action (the catalogue in templates/ops/remediation-catalogue.json), from the
 * verb the person used; `aliases` are the catalogue's, `param` the value the action cannot run
 * without (test/unit/director-contract.test.ts checks both against the catalogue).
 */
export const REMEDIATION_ACTIONS: readonly { action: string; re: string; aliases: readonly string[]; param?: 'count' | 'concurrency' }[] = [
  { action: 'restart-service', re: '(?:restart(?:ing)?|reboot|bounce|recycle)', aliases: ['restart'] },
  { action: 'scale-service', re: 'scale(?: (?:up|down|out|in))?', aliases: ['scale'], param: 'count' },
  { action: 'set-concurrency', re: '(?:throttle|(?:reserved )?concurrency)', aliases: ['concurrency'], param: 'concurrency' },
  { action: 'redrive-dlq', re: '(?:redrive|replay (?:the )?(?:dlq|dead[- ]letter(?: queue)?))', aliases: ['redrive'] },
];
/** Where --count / --concurrency are read from the words: "to 4", "4 tasks"; group 1 is the number. */
export const COUNT_PATTERNS: readonly string[] = ['(?:to|at) (\\d+)', '(\\d+) (?:tasks?|instances?|replicas?|containers?|copies|executions?)'];
/** "remove the reserved concurrency": --concurrency none. */
export const CONCURRENCY_NONE = '(?:remove|clear|drop|delete|unset|reset) (?:the )?(?:reserved )?concurrency';

/**
 * Leading words dropped before the rest of the request becomes a feature, design slug or
 * issue text ("please design the architecture for user uploads" -> "user uploads").
 */
export const SUBJECT_LEAD_WORDS: Readonly<Partial<Record<OperationName, readonly string[]>>> = {
  architect: [
    'architect', 'design', 'designing', 'architecture', 'propose', 'how', 'should', 'would', 'do', 'can', 'we', 'i', 'build', 'structure', 'host', 'new', 'solution', 'system', 'infrastructure', 'infra', 'feature',
    // build requests: "set up a bucket for avatars" -> "bucket for avatars"
    'set', 'setup', 'up', 'create', 'add', 'make', 'spin', 'stand', 'give', 'provision', 'id', 'wed', 'want', 'wanna', 'like', 'need', 'needs',
  ],
  engineer: ['engineer', 'generate', 'write', 'create', 'scaffold', 'produce', 'build', 'implement', 'implementing', 'turn', 'terraform', 'iac', 'tf', 'infrastructure', 'code', 'as', 'files', 'file', 'module', 'modules', 'from', 'design', 'into'],
  investigate: ['investigate', 'investigating', 'look', 'dig', 'into', 'diagnose', 'troubleshoot', 'troubleshooting', 'debug', 'figure', 'out', 'find'],
};
/** Politeness and filler dropped at the start and end of any subject text. */
export const SUBJECT_FILLER: ReadonlySet<string> = new Set([
  'please', 'pls', 'plz', 'kindly', 'can', 'could', 'would', 'will', 'you', 'me', 'us', 'help', 'lets', 'let', 'i', 'we', 'want', 'to', 'need',
  'like', 'go', 'ahead', 'and', 'now', 'thanks', 'thank', 'the', 'a', 'an', 'for', 'of', 'about', 'on', 'with', 'hey', 'hi', 'ok', 'okay', 'run',
]);
/** Trailing words dropped from a feature or design name ("user uploads feature" -> "user uploads"). */
export const SUBJECT_TRAILING: ReadonlySet<string> = new Set(['feature', 'design', 'please', 'thanks', 'now', 'the', 'a', 'an', 'for', 'of', 'to', 'in', 'on']);
/** Trailing words dropped from an issue text: only politeness, the rest may be the symptom. */
export const ISSUE_TRAILING: ReadonlySet<string> = new Set(['please', 'thanks', 'now', 'asap']);

/** What to ask when a required value is missing (the environment has its own question). */
export const MISSING_PROMPTS: Readonly<Partial<Record<ArgName, string>>> = {
  service: 'Which service? e.g. "logs for the api service" or --service api.',
  feature: 'What should I design? e.g. design "user uploads" or --feature "user uploads".',
  design: 'Which design should become Terraform? e.g. --design user-uploads.',
  issue: 'What is the symptom? e.g. investigate "500 errors on checkout" or --issue "500 errors".',
  action: 'Which remediation? It runs as a dry run; a person adds --apply.',
  target: 'Which resource? Name the service, function or queue (its name or registry address, see infra show-resources), e.g. --target api.',
  count: 'To how many tasks? e.g. "scale the api service to 4" or --count 4.',
  concurrency: 'Which reserved concurrency? A number (0 throttles every invocation) or none to remove it, e.g. --concurrency 5.',
};

/**
 * Where a service name is found, best first; group 1 is the candidate. A candidate that is a
 * known word, an environment or a number is skipped, so "the service is down" names none.
 */
export const SERVICE_PATTERNS: readonly string[] = [
  'service (?:named |called )?([a-z0-9][\\w-]*)',
  '([a-z0-9][\\w-]*) (?:service|svc|microservice)',
  '([a-z0-9][\\w-]*) (?:function|lambda|queue)',
  '(?:is|are) (?:the )?([a-z0-9][\\w-]*) (?:up|down|healthy|unhealthy|alive|running|ok|okay|available|responding|reachable|working|returning|throwing|failing|erroring|slow|timing|crashing|broken|flaky)',
  '([a-z0-9][\\w-]*) (?:is|are|seems|looks) (?:down|up|slow|unhealthy|failing|broken|erroring|returning|throwing|timing|crashing|flaky)',
  '([a-z0-9][\\w-]*) logs?',
  'logs? (?:for|of|from) (?:the )?([a-z0-9][\\w-]*)',
  '(?:check|ping|restart|reboot|bounce|recycle|scale(?: (?:up|down|out|in))?|throttle|redrive|look at|investigate|monitor) (?:the )?([a-z0-9][\\w-]*)',
  '(?:for|of|on) (?:the )?([a-z0-9][\\w-]*)',
];

/** Requests that ask what the director can do. */
export const HELP_PATTERN = '^(?:help|\\?|what can you do|what do you do|commands|capabilities|usage)\\??$';

/**
 * Speech acts. A question ("what happens if I apply?", "should I restart the api?") or an
 * error report ("got access denied deploying to prod") is never routed to a mutation: its
 * mutating reading is replaced by the read that answers it (SAFE_READINGS). A request in the
 * imperative ("deploy to test", "please deploy", "I want to deploy") or a polite request
 * ("could you deploy to test?") stays a request.
 */
/** Words that open a question (first word of the request). "do" only before a pronoun. */
export const QUESTION_LEADS: ReadonlySet<string> = new Set([
  'what', 'whats', 'why', 'how', 'hows', 'when', 'where', 'who', 'whos', 'which', 'whose', 'is', 'isnt', 'are', 'arent', 'was', 'were', 'does', 'doesnt',
  'did', 'didnt', 'should', 'shouldnt', 'would', 'wouldnt', 'could', 'couldnt', 'can', 'cant', 'will', 'wont', 'may', 'might', 'shall', 'has', 'hasnt',
  'have', 'havent', 'am', 'if', 'any', 'ready',
]);
/** Phrases that make a request a question wherever they appear. */
export const QUESTION_CUES = '(?:what (?:happens|would|will|if|does|do)|explain|wonder|wondering|curious|any risk|is it (?:safe|ok|okay|risky|wise)|tell me (?:what|whether|if|why|how))';
/** Leading words a request may start with before its verb (punctuation aside). */
export const IMPERATIVE_LEAD =
  '^(?:(?:please|kindly|just|now|ok|okay|so|then|hey|hi|right|alright|and|also) )*(?:(?:go ahead and|lets|let us|(?:i|we) (?:want|need|have|would like|d like|wanna) to|id like to|wed like to|time to) )?(?:(?:please|just|now) )*$';
/** "could you deploy to test?" is a request, however it ends. */
export const POLITE_LEAD = '^(?:(?:please|kindly|hey|hi|ok|okay|so) )*(?:can|could|would|will) you (?:(?:please|kindly|just|go ahead and) )*$';
/** An error report: a failure word, or a pasted AWS error name (AccessDenied, ...Exception). */
export const ERROR_CUES =
  '(?:errors?|errored|erroring|fail|failed|fails|failing|failure|denied|exception|forbidden|unauthori[sz]ed|not authori[sz]ed|timeout|timed out|stale|crash(?:ed|es)?|blew up|broke|broken|stuck|threw|throws|rejected|refused|invalid|already exists|403|401)';
/** A failure told after the verb ("restart the api in prod failed with 403"): a report even with the verb first. */
export const REPORTED_FAILURE = '(?:failed|fails|errored|threw|throws|broke|crashed|timed out|blew up|denied)';
/** A report of what was seen ("seeing 'bucket already exists' when deploying"): with a mutation named, an error report. */
export const REPORT_VERBS = '(?:seeing|saw|getting|got|gets|hit|hitting|received|receiving|says|said)';
export const ERROR_NAME = /(?:Exception|Error|Denied|Violation|Fault|Unauthorized\w*|Operation)$/;
/** The read that answers a question about a mutation, and the one that diagnoses its failure. */
export const SAFE_READINGS: Readonly<Partial<Record<OperationName, { question: OperationName; error: OperationName }>>> = {
  deploy: { question: 'preview', error: 'debug' },
  destroy: { question: 'preview', error: 'debug' },
  remediate: { question: 'check-health', error: 'investigate' },
};
