import { describe, expect, it } from 'vitest';
import { OPERATIONS, capabilities, route, type Alternative, type OperationName, type RouteContext, type RouteResult } from '../../src/director/index.js';

// The three shapes of project the router meets: the default init (test + prod), a single
// environment, and differently named environments.
const TWO: RouteContext = { environments: ['test', 'prod'], prodEnvironments: ['prod'] };
const ONE: RouteContext = { environments: ['test'], prodEnvironments: [] };
const THREE: RouteContext = { environments: ['dev', 'staging', 'production'], prodEnvironments: ['production'] };
const NONE: RouteContext = { environments: [], prodEnvironments: [] };
const CONTEXTS = { TWO, ONE, THREE, NONE } as const;

const MUTATING: ReadonlySet<OperationName> = new Set(OPERATIONS.filter((spec) => spec.mutating).map((spec) => spec.operation));

type Expect =
  | {
      kind: 'route';
      operation: OperationName;
      /** null: the argv must carry no --env. */
      env?: string | null;
      args?: Record<string, string | boolean>;
      argv?: string[];
      confirm?: boolean;
      /** Confidence bounds, inclusive. */
      confidence?: [number, number];
    }
  | { kind: 'question'; options?: OperationName[]; envs?: string[]; /** Values every option lists as missing. */ missing?: string[] }
  | { kind: 'unknown' };

interface Row {
  request: string;
  ctx?: keyof typeof CONTEXTS;
  expect: Expect;
}

const r = (request: string, operation: OperationName, env: string | null | undefined, extra: Omit<Extract<Expect, { kind: 'route' }>, 'kind' | 'operation' | 'env'> = {}, ctx?: keyof typeof CONTEXTS): Row => ({
  request,
  ctx,
  expect: { kind: 'route', operation, env, ...extra },
});
const q = (request: string, extra: Omit<Extract<Expect, { kind: 'question' }>, 'kind'> = {}, ctx?: keyof typeof CONTEXTS): Row => ({ request, ctx, expect: { kind: 'question', ...extra } });
const u = (request: string, ctx?: keyof typeof CONTEXTS): Row => ({ request, ctx, expect: { kind: 'unknown' } });

const SEEDS: Row[] = [
  r('deploy --env=test', 'deploy', 'test', { argv: ['infra', 'deploy', '--env', 'test'], confirm: false, confidence: [1, 1] }),
  r('architect --feature="user uploads"', 'architect', null, { argv: ['infra', 'architect', '--feature', 'user uploads'], confidence: [1, 1] }),
  r('validate-config', 'validate-config', null, { argv: ['config', 'validate'], confidence: [1, 1] }),
  r('show-resources --env=test', 'show-resources', 'test', { argv: ['infra', 'show-resources', '--env', 'test'], confidence: [1, 1] }),
  r('check-health --service=api', 'check-health', 'test', { argv: ['ops', 'check-health', '--env', 'test', '--service', 'api'] }, 'ONE'),
  q('check-health --service=api', { options: ['check-health', 'check-health'], envs: ['test', 'prod'] }),
  r('investigate --issue="500 errors"', 'investigate', 'test', { argv: ['ops', 'investigate', '--env', 'test', '--issue', '500 errors'] }, 'ONE'),
  q('investigate --issue="500 errors"', { envs: ['test', 'prod'] }),
  r('query-logs --service=api --level=error', 'query-logs', 'test', { argv: ['ops', 'query-logs', '--env', 'test', '--service', 'api', '--level', 'error'] }, 'ONE'),
  q('query-logs --service=api --level=error', { envs: ['test', 'prod'] }),
  r('deploy infrastructure to test', 'deploy', 'test', { argv: ['infra', 'deploy', '--env', 'test'], confirm: false, confidence: [1, 1] }),
];

const INFRA: Row[] = [
  r('deploy to test', 'deploy', 'test', { confirm: false, confidence: [1, 1] }),
  r('deploy to prod', 'deploy', 'prod', { confirm: true, argv: ['infra', 'deploy', '--env', 'prod'] }),
  r('please deploy the infrastructure to test, thanks', 'deploy', 'test', { confirm: false }),
  r('could you kindly deploy to test?', 'deploy', 'test'),
  r('ship it to test', 'deploy', 'test', { confidence: [0.5, 0.95] }),
  r('release to test', 'deploy', 'test'),
  r('roll out the changes to test', 'deploy', 'test'),
  r('push the changes to test', 'deploy', 'test'),
  r('redeploy test', 'deploy', 'test'),
  r('deploy test', 'deploy', 'test'),
  r('deploy to the test environment', 'deploy', 'test'),
  r('promote test to prod', 'deploy', 'prod', { confirm: true }),
  r('promote from test to prod', 'deploy', 'prod', { confirm: true }),
  r('apply the plan to prod', 'deploy', 'prod', { confirm: true }),
  r('deploy prod --plan 3f9a1c2b7d4e', 'deploy', 'prod', { argv: ['infra', 'deploy', '--env', 'prod', '--plan', '3f9a1c2b7d4e'], confirm: true }),
  r('deploy to prod --confirm prod', 'deploy', 'prod', { argv: ['infra', 'deploy', '--env', 'prod'], confirm: true }),
  r('infra deploy --env test', 'deploy', 'test', { confidence: [1, 1] }),
  r('preview test', 'preview', 'test', { argv: ['infra', 'preview', '--env', 'test'], confidence: [1, 1] }),
  r('plan prod', 'preview', 'prod', { confirm: false }),
  r('dry run for test', 'preview', 'test'),
  r('what would change in prod?', 'preview', 'prod'),
  r('show me the plan for test', 'preview', 'test'),
  r('preview destroying test', 'preview', 'test', { argv: ['infra', 'preview', '--env', 'test', '--destroy'], confirm: false }),
  r('infra preview --env test --destroy', 'preview', 'test', { argv: ['infra', 'preview', '--env', 'test', '--destroy'] }),
  r('destroy test', 'destroy', 'test', { argv: ['infra', 'preview', '--env', 'test', '--destroy'], confirm: true }),
  r('tear down test', 'destroy', 'test', { argv: ['infra', 'preview', '--env', 'test', '--destroy'], confirm: true }),
  r('delete everything in test', 'destroy', 'test', { confirm: true }),
  r('remove everything from prod', 'destroy', 'prod', { confirm: true }),
  r('nuke the test environment', 'destroy', 'test', { confirm: true }),
  r('infra destroy --env test --confirm test', 'destroy', 'test', { argv: ['infra', 'preview', '--env', 'test', '--destroy'], confirm: true }),
  r('validate test', 'validate', 'test', { argv: ['infra', 'validate', '--env', 'test'], confidence: [1, 1] }),
  r('lint the terraform for test', 'validate', 'test'),
  r('check the terraform in prod', 'validate', 'prod'),
  r('validate the terraform', 'validate', 'test', { confidence: [0.5, 0.95] }, 'ONE'),
  r('test prod', 'test', 'prod', { argv: ['infra', 'test', '--env', 'prod'] }),
  r('run the pre-deploy tests on test', 'test', 'test', { args: { phase: 'pre' }, argv: ['infra', 'test', '--env', 'test', '--phase', 'pre'] }),
  r('run post-deploy checks on prod', 'test', 'prod', { args: { phase: 'post' } }),
  r('estimate the cost for test', 'test', 'test'),
  r('show resources in test', 'show-resources', 'test'),
  r('list resources in prod', 'show-resources', 'prod'),
  r("what's deployed in test?", 'show-resources', 'test'),
  r('what do we have in prod', 'show-resources', 'prod'),
  r('show history for prod', 'history', 'prod', { argv: ['infra', 'history', '--env', 'prod'] }),
  r('when was the last deploy to prod', 'history', 'prod'),
  r('who deployed to test last', 'history', 'test'),
  r('debug the failed deploy in test', 'debug', 'test', { argv: ['infra', 'debug', '--env', 'test'] }),
  r('why did the deploy to test fail?', 'debug', 'test'),
  r('the deploy to prod failed', 'debug', 'prod', { confirm: false }),
  r('debug test', 'debug', 'test'),
  r('validate the config', 'validate-config', null, { argv: ['config', 'validate'] }),
  r('check my configuration', 'validate-config', null),
  r('config validate', 'validate-config', null, { confidence: [1, 1] }),
  r('config show', 'show-config', null, { argv: ['config', 'show'] }),
  r('show me the config', 'show-config', null),
  r('init', 'init', null, { argv: ['init'], confidence: [1, 1] }),
  r('initialize the project', 'init', null),
  r('set up faber-cloud for this project', 'init', null),
  r('design user uploads', 'architect', null, { args: { feature: 'user uploads' } }),
  r('architect a solution for image thumbnails', 'architect', null, { args: { feature: 'image thumbnails' } }),
  r('design the infrastructure for a user uploads feature', 'architect', null, { args: { feature: 'user uploads' } }),
  r('design "Image Thumbnails" please', 'architect', null, { argv: ['infra', 'architect', '--feature', 'Image Thumbnails'] }),
  r('generate terraform for user uploads', 'engineer', null, { argv: ['infra', 'engineer', '--design', 'user-uploads'] }),
  r('engineer --design=user-uploads', 'engineer', null, { argv: ['infra', 'engineer', '--design', 'user-uploads'] }),
  r('implement the user-uploads design', 'engineer', null, { args: { design: 'user-uploads' } }),
  r('permissions audit', 'permissions-audit', null, { argv: ['permissions', 'audit'], confidence: [1, 1] }),
  r('which permissions were granted in test?', 'permissions-audit', 'test', { argv: ['permissions', 'audit', '--env', 'test'] }),
  r('show the iam audit log for prod', 'permissions-audit', 'prod'),
];

const OPS: Row[] = [
  r('is prod healthy', 'check-health', 'prod', { argv: ['ops', 'check-health', '--env', 'prod'] }),
  r('check health of test', 'check-health', 'test', { confidence: [1, 1] }),
  r('is the api up in prod?', 'check-health', 'prod', { args: { service: 'api' } }),
  r('status of the payments service in test', 'check-health', 'test', { args: { service: 'payments' } }),
  r('health check prod', 'check-health', 'prod'),
  r('ops check-health --env prod --service api', 'check-health', 'prod', { argv: ['ops', 'check-health', '--env', 'prod', '--service', 'api'], confidence: [1, 1] }),
  r('show error logs for the api service in prod for the last hour', 'query-logs', 'prod', {
    argv: ['ops', 'query-logs', '--env', 'prod', '--service', 'api', '--level', 'error', '--since', '1h'],
  }),
  r('api logs in test for the past 30 minutes', 'query-logs', 'test', { args: { service: 'api', since: '30m' } }),
  r('logs for checkout in prod since yesterday', 'query-logs', 'prod', { args: { service: 'checkout', since: '24h' } }),
  r('errors in the api logs in prod', 'query-logs', 'prod', { args: { service: 'api', level: 'error' } }),
  r('tail the worker logs on test --since 2h', 'query-logs', 'test', { args: { service: 'worker', since: '2h' } }),
  r('show warnings in the api logs for test', 'query-logs', 'test', { args: { level: 'warn' } }),
  r('query logs for the api service in test over the last 2 days', 'query-logs', 'test', { args: { service: 'api', since: '2d' } }),
  r('investigate 500 errors in prod', 'investigate', 'prod', { argv: ['ops', 'investigate', '--env', 'prod', '--issue', '500 errors'] }),
  r('why is the api returning 500s in production', 'investigate', 'prod', { args: { issue: 'why is the api returning 500s', service: 'api' } }),
  r('debug production incident', 'investigate', 'prod', { args: { issue: 'production incident' } }),
  r('look into the outage on the checkout service in prod', 'investigate', 'prod', { args: { service: 'checkout' } }),
  r('investigate "latency spike" on test', 'investigate', 'test', { args: { issue: 'latency spike' } }),
  r('restart the api service in prod', 'remediate', 'prod', { argv: ['ops', 'remediate', '--env', 'prod', '--action', 'restart-service', '--service', 'api'], confirm: true }),
  // A remediation route carries its target and the action's value (issue 15): without them, a question.
  q('scale up the worker service in test', { options: ['remediate'], missing: ['count'] }),
  r('scale up the worker service in test to 3', 'remediate', 'test', { argv: ['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--service', 'worker', '--count', '3'], confirm: false }),
  q('redrive the dead letter queue in prod', { options: ['remediate'], missing: ['target'] }),
  r('redrive the orders-dlq queue in prod', 'remediate', 'prod', { args: { action: 'redrive-dlq', service: 'orders-dlq' }, confirm: true }),
  q('throttle the worker function in test', { options: ['remediate'], missing: ['concurrency'] }),
  r('throttle the worker function in test to 0', 'remediate', 'test', { args: { action: 'set-concurrency', service: 'worker', concurrency: '0' }, confirm: false }),
  r('remove the reserved concurrency of the worker function in test', 'remediate', 'test', { args: { action: 'set-concurrency', concurrency: 'none' } }),
  q('remediate test --action restart', { options: ['remediate'], missing: ['target'] }),
  r('remediate test --action restart --target aws_ecs_service.api', 'remediate', 'test', { argv: ['ops', 'remediate', '--env', 'test', '--action', 'restart', '--target', 'aws_ecs_service.api'] }),
  r('remediate test --action restart --service api --apply', 'remediate', 'test', { argv: ['ops', 'remediate', '--env', 'test', '--action', 'restart', '--service', 'api'] }),
  r('remediate test --action scale --target api --count 2 --concurrency 5', 'remediate', 'test', { argv: ['ops', 'remediate', '--env', 'test', '--action', 'scale', '--target', 'api', '--count', '2'] }),
  r('run a security audit on prod', 'audit', 'prod', { argv: ['ops', 'audit', '--env', 'prod', '--type', 'security'] }),
  r('how much does prod cost', 'audit', 'prod', { args: { type: 'cost' } }),
  r('audit test', 'audit', 'test', { argv: ['ops', 'audit', '--env', 'test'], confidence: [1, 1] }),
  r('full audit of prod', 'audit', 'prod', { args: { type: 'all' } }),
];

const ENVIRONMENTS: Row[] = [
  r('deploy to production', 'deploy', 'prod', { confirm: true, confidence: [0.9, 0.99] }),
  r('deploy to live', 'deploy', 'prod', { confirm: true }),
  r('release to live', 'deploy', 'prod', { confirm: true }),
  r('deploy to prod', 'deploy', 'production', { confirm: true }, 'THREE'),
  r('ship to stage', 'deploy', 'staging', { confirm: false }, 'THREE'),
  r('deploy to staging', 'deploy', 'staging', { confirm: false }, 'THREE'),
  r('deploy to dev', 'deploy', 'dev', { confirm: false }, 'THREE'),
  r('is production healthy', 'check-health', 'production', {}, 'THREE'),
  r('deploy --env production', 'deploy', 'prod', { confirm: true }),
  r('deploy --env=Prod', 'deploy', 'prod', { confirm: true }),
  r('deploy', 'deploy', 'test', { confidence: [0.5, 0.95] }, 'ONE'),
  r('validate config for prod', 'validate-config', null),
  r('deploy to prod', 'deploy', 'prod', { confirm: true }, 'NONE'),
  q('deploy to test', { envs: ['dev', 'staging', 'production'] }, 'THREE'),
  q('deploy --env=qa', { envs: ['test', 'prod'] }),
  q('deploy', { options: ['init'] }, 'NONE'),
];

const TYPOS: Row[] = [
  r('dpeloy to test', 'deploy', 'test', { confidence: [0.5, 0.9] }),
  r('deploy to prdo', 'deploy', 'prod', { confirm: true, confidence: [0.5, 0.9] }),
  r('deploy to producton', 'deploy', 'prod', { confirm: true, confidence: [0.5, 0.9] }),
  r('destory test', 'destroy', 'test', { confirm: true }),
  r('valdiate test', 'validate', 'test'),
  r('previwe prod', 'preview', 'prod'),
  r('shwo resources in test', 'show-resources', 'test'),
  r('chekc health of prod', 'check-health', 'prod'),
  r('investgate 500 errors in prod', 'investigate', 'prod'),
  r('hisotry for prod', 'history', 'prod'),
  r('lgos for the api in test', 'query-logs', 'test', { args: { service: 'api' } }),
  r('deploy to tset', 'deploy', 'test'),
  r('deploy to stagin', 'deploy', 'staging', {}, 'THREE'),
  r('heatlh of prod', 'check-health', 'prod'),
  r('dploy to test', 'deploy', 'test'),
];

const MIXED_CASE: Row[] = [
  r('DEPLOY TO TEST', 'deploy', 'test', { confidence: [1, 1] }),
  r('Deploy To Prod', 'deploy', 'prod', { confirm: true }),
  r('Show-Resources --ENV=test', 'show-resources', 'test'),
  r('Is PROD Healthy?', 'check-health', 'prod'),
  r('DeStRoY test', 'destroy', 'test', { confirm: true }),
  r('Investigate "Checkout 502s" in Production', 'investigate', 'prod', { args: { issue: 'Checkout 502s' } }),
];

/** Requests that mention a mutation but must not be routed to one. */
const NOT_MUTATING: Row[] = [
  q("don't deploy to prod", { options: ['preview', 'show-resources', 'validate'] }),
  r('what would deploying to prod change?', 'preview', 'prod'),
  r("show me what's deployed in production", 'show-resources', 'prod'),
  r('is prod healthy', 'check-health', 'prod'),
  r('do not deploy yet, just show me the plan for prod', 'preview', 'prod'),
  r('without deploying, tell me what would change in test', 'preview', 'test'),
  r('preview the deploy to prod', 'preview', 'prod'),
  r('plan the deploy to test', 'preview', 'test'),
  r('dry run a deploy to prod', 'preview', 'prod'),
  r('when was the last deploy to prod', 'history', 'prod'),
  r('why did the deploy to prod fail', 'debug', 'prod'),
  r('who deployed to prod last', 'history', 'prod'),
  r('what would destroying test remove?', 'preview', 'test', { args: { destroy: true }, confirm: false }),
  r("don't destroy anything in test, just list the resources", 'show-resources', 'test'),
  q('never deploy to production without asking me'),
  r('hold off on deploying to prod, run the tests first', 'test', 'prod'),
  r('run tests before deploying to prod', 'test', 'prod'),
  r('is it safe to deploy to prod?', 'preview', 'prod'),
  r('should I deploy to prod?', 'preview', 'prod'),
  q('do not destroy prod'),
  r("don't restart the api in prod, just check its health", 'check-health', 'prod'),
  q("don't restart the api in prod"),
  r('show me the deploy history of prod', 'history', 'prod'),
  r("i don't want to deploy to prod yet, what's running there?", 'show-resources', 'prod'),
];

const AMBIGUOUS: Row[] = [
  q('check the api', { options: ['check-health', 'query-logs'] }),
  q('check prod', { options: ['check-health', 'query-logs'] }),
  q('look at prod', { options: ['check-health', 'query-logs'] }),
  q('deploy', { options: ['deploy', 'deploy'], envs: ['test', 'prod'] }),
  q('destroy', { options: ['destroy', 'destroy'], envs: ['test', 'prod'] }),
  q('deploy to staging', { envs: ['test', 'prod'] }),
  q('deploy to test and prod', { envs: ['test', 'prod'] }),
  q('validate and test prod', { options: ['validate', 'test'] }),
  q('remediate test', { options: ['remediate', 'remediate', 'remediate', 'remediate'] }),
  q('logs in prod', { options: ['query-logs'] }),
  q('investigate prod', { options: ['investigate'] }),
  q('design', { options: ['architect'] }),
  q('is the api up?', { envs: ['test', 'prod'] }),
];

const UNKNOWN: Row[] = [u('make me a sandwich'), u(''), u('   '), u('hello there'), u('tell me a joke'), u('asdf qwerty zxcv'), u("what's the weather like in Paris?"), u('help'), u('please')];

const TABLE: Row[] = [...SEEDS, ...INFRA, ...OPS, ...ENVIRONMENTS, ...TYPOS, ...MIXED_CASE, ...NOT_MUTATING, ...AMBIGUOUS, ...UNKNOWN];

function envOf(argv: string[]): string | undefined {
  const i = argv.indexOf('--env');
  return i === -1 ? undefined : argv[i + 1];
}

function describeResult(result: RouteResult): string {
  if (result.kind === 'route') return `route ${result.operation} ${result.argv.join(' ')} (${result.confidence}) ${result.reason ?? ''}`;
  if (result.kind === 'question') return `question "${result.question}" [${result.options.map((o) => o.argv.join(' ')).join(' | ')}]`;
  return `unknown: ${result.message}`;
}

describe('director routing table', () => {
  it('has at least 100 phrasings, 10 non-mutating, 8 ambiguous and 5 unknown', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(100);
    expect(NOT_MUTATING.length).toBeGreaterThanOrEqual(10);
    expect(AMBIGUOUS.length).toBeGreaterThanOrEqual(8);
    expect(UNKNOWN.length).toBeGreaterThanOrEqual(5);
  });

  it.each(TABLE.map((row) => [`${row.ctx ?? 'TWO'}: ${JSON.stringify(row.request)}`, row] as const))('%s', (_name, row) => {
    const result = route(row.request, CONTEXTS[row.ctx ?? 'TWO']);
    const expected = row.expect;
    expect(result.kind, describeResult(result)).toBe(expected.kind);
    if (result.kind === 'route' && expected.kind === 'route') {
      expect(result.operation, describeResult(result)).toBe(expected.operation);
      if (expected.env !== undefined) expect(envOf(result.argv) ?? null, describeResult(result)).toBe(expected.env);
      if (expected.argv) expect(result.argv).toEqual(expected.argv);
      if (expected.args) expect(result.args).toMatchObject(expected.args);
      if (expected.confirm !== undefined) expect(result.needs_confirmation, describeResult(result)).toBe(expected.confirm);
      if (expected.confidence) {
        expect(result.confidence, describeResult(result)).toBeGreaterThanOrEqual(expected.confidence[0]);
        expect(result.confidence, describeResult(result)).toBeLessThanOrEqual(expected.confidence[1]);
      }
      expect(result.manager).toBe(OPERATIONS.find((spec) => spec.operation === result.operation)?.manager);
    }
    if (result.kind === 'question' && expected.kind === 'question') {
      expect(result.question.length).toBeGreaterThan(0);
      expect(result.options.length).toBeGreaterThan(0);
      if (expected.options) expect(result.options.map((o) => o.operation)).toEqual(expected.options);
      if (expected.envs) expect(result.options.map((o) => envOf(o.argv))).toEqual(expected.envs);
      for (const name of expected.missing ?? []) for (const option of result.options) expect(option.missing, describeResult(result)).toContain(name);
    }
    if (result.kind === 'unknown') expect(result.capabilities.length).toBe(OPERATIONS.length);
  });
});

describe('negation never routes to a mutation', () => {
  it.each(NOT_MUTATING.map((row) => [row.request] as const))('%s', (request) => {
    for (const ctx of Object.values(CONTEXTS)) {
      const result = route(request, ctx);
      if (result.kind === 'route') expect(MUTATING.has(result.operation), describeResult(result)).toBe(false);
    }
  });

  const negations = ["don't", 'do not', 'never', 'please do not', "i don't want you to", 'without'];
  const verbs = ['deploy', 'destroy', 'ship', 'release', 'tear down', 'restart the api in', 'redrive the dlq in', 'remediate', 'push the changes to'];
  it.each(negations.flatMap((neg) => verbs.map((verb) => [`${neg} ${verb} prod`] as const)))('%s', (request) => {
    const result = route(request, TWO);
    if (result.kind === 'route') expect(MUTATING.has(result.operation), describeResult(result)).toBe(false);
    if (result.kind === 'question') for (const option of result.options) expect(MUTATING.has(option.operation)).toBe(false);
  });

  it('routes to the preview when the plan is asked for, explaining why', () => {
    const result = route('do not deploy to prod yet, just show me the plan', TWO);
    expect(result.kind).toBe('route');
    if (result.kind !== 'route') return;
    expect(result.argv).toEqual(['infra', 'preview', '--env', 'prod']);
    expect(result.reason).toMatch(/not deploy/);
    expect(result.alternatives.map((a) => a.operation)).not.toContain('deploy');
  });
});

// ---- properties over every phrasing, context and a generated grid -------------------------

const GRID_VERBS = ['deploy', 'ship', 'release', 'destroy', 'tear down', 'preview', 'plan', 'validate', 'test', 'show resources', 'history', 'debug', 'check health', 'logs', 'investigate 500s', 'restart', 'redrive the dlq', 'audit', 'remediate'];
const GRID_ENVS = ['', ' to prod', ' in production', ' on live', ' to test', ' in staging', ' in prod --confirm prod', ' --env=prod --apply', ' --env prod --confirm=prod'];
const GRID = GRID_VERBS.flatMap((verb) => GRID_ENVS.map((env) => `${verb}${env}`));
/** Requests that try to get a flag into argv through a value. */
const SMUGGLING = [
  'check-health --env test --service=--confirm',
  'investigate --env test --issue="--apply now"',
  'deploy --env "prod --confirm prod"',
  'architect --feature=--confirm=prod',
  'remediate --env prod --action=--apply',
  'query-logs --env test --service api --since=--apply',
  'deploy --env=--confirm',
  'engineer --design "--apply"',
];
const ALL_REQUESTS = [...TABLE.map((row) => row.request), ...GRID, ...SMUGGLING];

function everyCommandLine(result: RouteResult): Alternative[] | { argv: string[]; operation: OperationName; needs_confirmation: boolean }[] {
  if (result.kind === 'route') return [result, ...result.alternatives];
  if (result.kind === 'question') return result.options;
  return [];
}

describe('director safety properties', () => {
  for (const [name, ctx] of Object.entries(CONTEXTS)) {
    it(`${name}: no argv ever carries --confirm or --apply`, () => {
      for (const request of ALL_REQUESTS) {
        for (const line of everyCommandLine(route(request, ctx))) {
          expect(line.argv, request).not.toContain('--confirm');
          expect(line.argv, request).not.toContain('--apply');
          expect(line.argv.some((word) => word.startsWith('--confirm') || word.startsWith('--apply')), request).toBe(false);
        }
      }
    });

    it(`${name}: every prod mutation, and every destroy, needs confirmation`, () => {
      for (const request of ALL_REQUESTS) {
        for (const line of everyCommandLine(route(request, ctx))) {
          const env = envOf(line.argv);
          if (MUTATING.has(line.operation) && (env === undefined || ctx.prodEnvironments.includes(env))) expect(line.needs_confirmation, `${request} -> ${line.argv.join(' ')}`).toBe(true);
          if (line.operation === 'destroy') {
            expect(line.needs_confirmation, request).toBe(true);
            expect(line.argv.slice(0, 2), request).toEqual(['infra', 'preview']);
            expect(line.argv, request).toContain('--destroy');
          }
          // Only mutations ask for confirmation: a preview or a read never does.
          if (!MUTATING.has(line.operation)) expect(line.needs_confirmation, request).toBe(false);
        }
      }
    });

    it(`${name}: routes are well formed and deterministic`, () => {
      for (const request of ALL_REQUESTS) {
        const result = route(request, ctx);
        expect(route(request, ctx)).toEqual(result);
        if (result.kind !== 'route') continue;
        expect(result.confidence).toBeGreaterThan(0);
        expect(result.confidence).toBeLessThanOrEqual(1);
        expect(result.alternatives.length).toBeLessThanOrEqual(3);
        expect(result.alternatives.map((a) => a.operation)).not.toContain(result.operation);
        const env = envOf(result.argv);
        // An environment in argv is always a configured one (when there is a configuration).
        if (env !== undefined && ctx.environments.length > 0) expect(ctx.environments, request).toContain(env);
        expect(result.argv[0]).toMatch(/^(infra|ops|config|permissions|init)$/);
      }
    });
  }
});

describe('values from the request', () => {
  it('never become flags, whatever the request puts in them', () => {
    for (const ctx of Object.values(CONTEXTS)) {
      for (const request of SMUGGLING) {
        for (const line of everyCommandLine(route(request, ctx))) {
          const values = line.argv.filter((_word, i) => i > 0 && line.argv[i - 1]!.startsWith('--'));
          for (const value of values) expect(value.startsWith('-'), `${request} -> ${line.argv.join(' ')}`).toBe(false);
        }
      }
    }
  });

  it('reads --json and other CLI flags in the request without passing them on', () => {
    const result = route('show-resources --env test --json --verbose', TWO);
    expect(result.kind === 'route' && result.argv).toEqual(['infra', 'show-resources', '--env', 'test']);
  });

  it('says why, and names the confirmation a person must give', () => {
    const deploy = route('ship it to production --confirm prod', TWO);
    expect(deploy.kind).toBe('route');
    if (deploy.kind !== 'route') return;
    expect(deploy.reason).toMatch(/synonym of deploy/);
    expect(deploy.reason).toMatch(/from "production"/);
    expect(deploy.reason).toMatch(/ignored --confirm prod/);
    expect(deploy.reason).toMatch(/--confirm prod, which only a person adds/);

    const destroy = route('tear down test', TWO);
    expect(destroy.kind === 'route' && destroy.reason).toMatch(/irreversible.*faber-cloud infra destroy --env test --confirm test/);

    const typo = route('dpeloy to prdo', TWO);
    expect(typo.kind === 'route' && typo.reason).toMatch(/read "dpeloy" as "deploy".*read "prdo" as prod/);
  });

  it('offers the runner-ups as alternatives, at most three', () => {
    const result = route('show 500 errors in the api logs for prod', TWO);
    expect(result.kind).toBe('route');
    if (result.kind !== 'route') return;
    expect(result.operation).toBe('query-logs');
    expect(result.alternatives[0]?.operation).toBe('investigate');
    expect(result.alternatives[0]?.argv).toEqual(['ops', 'investigate', '--env', 'prod', '--issue', 'show 500 errors in the api logs', '--service', 'api']);
  });
});

describe('confidence', () => {
  const confidence = (request: string, ctx: RouteContext = TWO): number => {
    const result = route(request, ctx);
    if (result.kind !== 'route') throw new Error(`${request}: ${describeResult(result)}`);
    return result.confidence;
  };

  it('is 1 only for the exact verb with an explicit environment', () => {
    expect(confidence('deploy to test')).toBe(1);
    expect(confidence('deploy --env test')).toBe(1);
    expect(confidence('ship to test')).toBeLessThan(1);
    expect(confidence('deploy to production')).toBeLessThan(1);
    expect(confidence('deploy', ONE)).toBeLessThan(1);
  });

  it('drops further for typos than for synonyms', () => {
    expect(confidence('dpeloy to test')).toBeLessThan(confidence('ship to test'));
    expect(confidence('dpeloy to prdo')).toBeLessThan(confidence('dpeloy to prod'));
  });
});

describe('capabilities', () => {
  it('lists every operation once with a description, an example and the command', () => {
    const caps = capabilities();
    expect(caps.map((c) => c.operation)).toEqual(OPERATIONS.map((spec) => spec.operation));
    for (const cap of caps) {
      expect(cap.description.length).toBeGreaterThan(10);
      expect(cap.usage).not.toMatch(/--confirm|--apply/);
    }
    expect(caps.find((c) => c.operation === 'deploy')?.usage).toBe('infra deploy --env <env> [--plan <plan>]');
    expect(caps.find((c) => c.operation === 'destroy')?.usage).toBe('infra preview --env <env> --destroy');
  });

  it.each(OPERATIONS.map((spec) => [spec.operation, spec.example] as const))('the %s example routes to it', (operation, example) => {
    const result = route(example, TWO);
    expect(result.kind, describeResult(result)).toBe('route');
    if (result.kind === 'route') expect(result.operation).toBe(operation);
  });
});
