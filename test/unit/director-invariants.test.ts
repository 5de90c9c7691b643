import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, route, type Alternative, type RouteContext, type RouteResult } from '../../src/director/index.js';
import { missingArgs } from '../../src/director/route.js';
import { REMEDIATION_ACTIONS } from '../../src/director/vocabulary.js';
import { REPO_ROOT } from '../support/cli.js';
import { loadPhrasings } from '../support/director-phrasings.js';
import { parses } from '../support/parse-argv.js';

/**
 * Routing invariants of issue 15, each checked over a grid (phrasing templates x verbs x
 * environments x resources x project shapes) rather than a handful of examples:
 * - a question or an error report never reaches a mutating command;
 * - a build request reaches infra architect with the request as the feature;
 * - a remediation route carries its target and its action's value, or is a question;
 * - every command line the router emits parses against the CLI's own definitions.
 */

const CONTEXTS: Record<string, RouteContext> = {
  TWO: { environments: ['test', 'prod'], prodEnvironments: ['prod'] },
  ONE: { environments: ['test'], prodEnvironments: [] },
  THREE: { environments: ['dev', 'staging', 'production'], prodEnvironments: ['production'] },
  NONE: { environments: [], prodEnvironments: [] },
};
const MUTATING = new Set(OPERATIONS.filter((spec) => spec.mutating).map((spec) => spec.operation));

const cross = <T,>(...lists: T[][]): T[][] => lists.reduce<T[][]>((acc, list) => acc.flatMap((row) => list.map((item) => [...row, item])), [[]]);

/** Every command line a result offers: the route, its runner-ups, a question's options. */
const linesOf = (result: RouteResult): Alternative[] =>
  result.kind === 'route' ? [{ ...result, label: result.operation }, ...result.alternatives] : result.kind === 'question' ? result.options : [];

const describeResult = (request: string, result: RouteResult): string =>
  `${JSON.stringify(request)} -> ${result.kind} ${linesOf(result)
    .map((line) => line.argv.join(' '))
    .join(' | ')}`;

// ---- grid: questions and error reports ----------------------------------------------------

/** A mutation named in base form and as a gerund, followed by where it happens. */
const MUTATIONS: { base: string; ing: string }[] = [
  { base: 'deploy to', ing: 'deploying to' },
  { base: 'apply to', ing: 'applying to' },
  { base: 'ship to', ing: 'shipping to' },
  { base: 'release to', ing: 'releasing to' },
  { base: 'roll out to', ing: 'rolling out to' },
  { base: 'promote test to', ing: 'promoting test to' },
  { base: 'push the changes to', ing: 'pushing the changes to' },
  { base: 'redeploy', ing: 'redeploying' },
  { base: 'destroy', ing: 'destroying' },
  { base: 'tear down', ing: 'tearing down' },
  { base: 'nuke', ing: 'nuking' },
  { base: 'restart the api in', ing: 'restarting the api in' },
  { base: 'scale up the worker service in', ing: 'scaling up the worker service in' },
  { base: 'throttle the importer function in', ing: 'throttling the importer function in' },
  { base: 'redrive the dlq in', ing: 'redriving the dlq in' },
  { base: 'remediate', ing: 'remediating' },
];
const ENV_WORDS = ['prod', 'production', 'live', 'test', 'staging', 'dev'];

type Template = (m: { base: string; ing: string }, env: string) => string;
const QUESTIONS: Template[] = [
  (m, env) => `what happens if I ${m.base} ${env}?`,
  (m, env) => `what would happen if we ${m.base} ${env}`,
  (m, env) => `should I ${m.base} ${env}?`,
  (m, env) => `should we ${m.base} ${env} today`,
  (m, env) => `can you explain what ${m.ing} ${env} does?`,
  (m, env) => `can you explain what happens when I ${m.base} ${env}`,
  (m, env) => `is it safe to ${m.base} ${env}?`,
  (m, env) => `${m.base} ${env}?`,
  (m, env) => `please ${m.base} ${env}?`,
  (m, env) => `do you think I should ${m.base} ${env}?`,
  (m, env) => `would ${m.ing} ${env} be risky?`,
  (m, env) => `how long does ${m.ing} ${env} take?`,
  (m, env) => `if I ${m.base} ${env}, what changes?`,
  (m, env) => `I'm wondering whether to ${m.base} ${env}`,
  (m, env) => `can we ${m.base} ${env} now?`,
];
const ERROR_REPORTS: Template[] = [
  (m, env) => `got an access denied error ${m.ing} ${env}`,
  (m, env) => `getting AccessDenied when I ${m.base} ${env}`,
  (m, env) => `${m.ing} ${env} failed with AccessDeniedException`,
  (m, env) => `${m.base} ${env} failed with a 403`,
  (m, env) => `tried to ${m.base} ${env} and it failed`,
  (m, env) => `I tried ${m.ing} ${env} but got a timeout`,
  (m, env) => `${m.ing} ${env} throws an UnauthorizedOperation error`,
  (m, env) => `we keep seeing errors when we ${m.base} ${env}`,
  (m, env) => `error: ResourceInUseException while ${m.ing} ${env}`,
  (m, env) => `it said 'forbidden' when I tried to ${m.base} ${env}`,
  (m, env) => `seeing "not authorized to perform iam:PassRole" ${m.ing} ${env}`,
];

const fill = (templates: Template[]): string[] => templates.flatMap((t) => MUTATIONS.flatMap((m) => ENV_WORDS.map((env) => t(m, env))));
const QUESTION_GRID = fill(QUESTIONS);
const ERROR_GRID = fill(ERROR_REPORTS);

describe('a question or an error report never routes to a mutating command', () => {
  for (const [grid, name, reads] of [
    [QUESTION_GRID, 'questions', ['preview', 'check-health', 'history', 'show-resources', 'debug', 'investigate']],
    [ERROR_GRID, 'error reports', ['debug', 'investigate']],
  ] as const) {
    it(`${name}: ${grid.length} phrasings x ${Object.keys(CONTEXTS).length} project shapes`, () => {
      const failures: string[] = [];
      let routed = 0;
      for (const ctx of Object.values(CONTEXTS)) {
        for (const request of grid) {
          const result = route(request, ctx);
          if (linesOf(result).some((line) => MUTATING.has(line.operation))) failures.push(describeResult(request, result));
          if (result.kind === 'route') {
            routed++;
            // Answered by the read that fits: a plan, the health, or a diagnosis.
            if (!(reads as readonly string[]).includes(result.operation)) failures.push(`${describeResult(request, result)} (not one of ${reads.join(', ')})`);
          }
        }
      }
      expect(failures).toEqual([]);
      // Most of the grid is answered, not only deflected into questions.
      expect(routed).toBeGreaterThan(grid.length);
      console.info(`director invariant (${name}): ${grid.length * Object.keys(CONTEXTS).length} cells, ${routed} routed to a read, 0 to a mutation`);
    });
  }

  it('the two phrasings of issue 15 are answered by a read', () => {
    const two = CONTEXTS.TWO!;
    const apply = route('what happens in prod if I apply?', two);
    expect(apply.kind === 'route' && apply.argv).toEqual(['infra', 'preview', '--env', 'prod']);
    expect(apply.kind === 'route' && apply.needs_confirmation).toBe(false);
    expect(apply.kind === 'route' && apply.reason).toMatch(/a question, not an order/);
    const denied = route('got an access denied error deploying to prod', two);
    expect(denied.kind === 'route' && denied.argv).toEqual(['infra', 'debug', '--env', 'prod']);
    expect(denied.kind === 'route' && denied.reason).toMatch(/an error report/);
    const destroy = route('what happens if I destroy test?', two);
    expect(destroy.kind === 'route' && destroy.argv).toEqual(['infra', 'preview', '--env', 'test', '--destroy']);
  });

  it('an order, however polite, still routes to the mutation', () => {
    const two = CONTEXTS.TWO!;
    for (const request of ['deploy to test', 'please deploy to test', 'could you deploy to test?', 'can you please deploy to test?', "let's deploy to test", 'I want to deploy to test', 'go ahead and deploy to test', 'ok, deploy to test']) {
      const result = route(request, two);
      expect(result.kind === 'route' && result.argv, request).toEqual(['infra', 'deploy', '--env', 'test']);
    }
    const restart = route('restart the api service in prod because it is throwing errors', two);
    expect(restart.kind === 'route' && restart.operation).toBe('remediate');
  });
});

// ---- grid: build requests -----------------------------------------------------------------

const BUILD_VERBS = ['set up', 'create', 'we need', 'I need', 'add', 'provision', 'spin up', 'make', 'build', 'give me', "we'd like", 'please set up', 'can you create'];
const RESOURCES: [string, string][] = [
  ['a bucket', 'bucket'],
  ['an s3 bucket', 'bucket'],
  ['a table', 'table'],
  ['a dynamodb table', 'table'],
  ['a queue', 'queue'],
  ['an sqs queue', 'queue'],
  ['a topic', 'topic'],
  ['a lambda function', 'function'],
  ['a postgres database', 'database'],
  ['a redis cache', 'cache'],
  ['a cloudfront distribution', 'distribution'],
  ['a log group', 'group'],
];
const PURPOSES: [string, string][] = [
  ['for avatars', 'avatars'],
  ['for shopping carts', 'carts'],
  ['to store invoices', 'invoices'],
  ['for order events', 'events'],
];
const WHERE = ['', ' in test', ' in prod'];

describe('a build request routes to infra architect with the request as the feature', () => {
  const grid = cross<unknown>(BUILD_VERBS, RESOURCES, PURPOSES, WHERE) as [string, [string, string], [string, string], string][];
  it(`${grid.length} build requests x ${Object.keys(CONTEXTS).length} project shapes`, () => {
    const failures: string[] = [];
    for (const ctx of Object.values(CONTEXTS)) {
      for (const [verb, [resource, noun], [purpose, word], where] of grid) {
        const request = `${verb} ${resource} ${purpose}${where}`;
        const result = route(request, ctx);
        const feature = result.kind === 'route' ? String(result.args.feature ?? '') : '';
        const ok =
          result.kind === 'route' &&
          result.operation === 'architect' &&
          result.argv[2] === '--feature' &&
          feature.includes(noun) &&
          feature.includes(word) &&
          // The request's words, without its politeness, its verb or where it runs.
          !/\b(in (test|prod)|please|need|set up)\b/i.test(feature);
        if (!ok) failures.push(`${describeResult(request, result)} feature=${JSON.stringify(feature)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('the two phrasings of issue 15 become designs', () => {
    const avatars = route('set up a bucket for avatars', CONTEXTS.TWO!);
    expect(avatars.kind === 'route' && avatars.argv).toEqual(['infra', 'architect', '--feature', 'bucket for avatars']);
    const carts = route('we need a table for shopping carts', CONTEXTS.TWO!);
    expect(carts.kind === 'route' && carts.argv).toEqual(['infra', 'architect', '--feature', 'table for shopping carts']);
  });
});

// ---- grid: remediation --------------------------------------------------------------------

const SERVICES = ['api', 'worker', 'checkout-v2', 'orders'];
const REMEDIATE_ENVS = ['test', 'prod'];
const COUNTS = ['0', '3', '12'];
const WITH_TARGET: { template: (svc: string, env: string, n: string) => string; action: string; param?: 'count' | 'concurrency' }[] = [
  { template: (svc, env) => `restart the ${svc} service in ${env}`, action: 'restart-service' },
  { template: (svc, env) => `bounce the ${svc} service on ${env}`, action: 'restart-service' },
  { template: (svc, env) => `reboot ${svc} service in ${env}`, action: 'restart-service' },
  { template: (svc, env) => `recycle the ${svc} svc in ${env} please`, action: 'restart-service' },
  { template: (svc, env, n) => `scale the ${svc} service in ${env} to ${n}`, action: 'scale-service', param: 'count' },
  { template: (svc, env, n) => `scale up the ${svc} service in ${env} to ${n} tasks`, action: 'scale-service', param: 'count' },
  { template: (svc, env, n) => `scale the ${svc} service down to ${n} in ${env}`, action: 'scale-service', param: 'count' },
  { template: (svc, env, n) => `throttle the ${svc} function in ${env} to ${n}`, action: 'set-concurrency', param: 'concurrency' },
  { template: (svc, env, n) => `set the reserved concurrency of the ${svc} function in ${env} to ${n}`, action: 'set-concurrency', param: 'concurrency' },
  { template: (svc, env) => `redrive the ${svc} queue in ${env}`, action: 'redrive-dlq' },
];
const WITHOUT: { template: (svc: string, env: string) => string; missing: 'target' | 'count' | 'concurrency' }[] = [
  { template: (_svc, env) => `restart the service in ${env}`, missing: 'target' },
  { template: (_svc, env) => `restart it in ${env}`, missing: 'target' },
  { template: (_svc, env) => `bounce ${env}`, missing: 'target' },
  { template: (_svc, env) => `redrive the dead letter queue in ${env}`, missing: 'target' },
  { template: (_svc, env) => `remediate ${env} --action restart`, missing: 'target' },
  { template: (svc, env) => `scale up the ${svc} service in ${env}`, missing: 'count' },
  { template: (svc, env) => `scale the ${svc} service in ${env}`, missing: 'count' },
  { template: (svc, env) => `throttle the ${svc} function in ${env}`, missing: 'concurrency' },
  { template: (svc, env) => `remediate ${env} --action set-concurrency --target ${svc}`, missing: 'concurrency' },
];

/** What the catalogue says an action cannot run without (its own file, not the router's copy). */
const CATALOGUE = JSON.parse(readFileSync(path.join(REPO_ROOT, 'plugin', 'templates', 'ops', 'remediation-catalogue.json'), 'utf8')) as {
  actions: { id: string; aliases: string[]; parameters: { name: string; flag: string; type: string }[] }[];
};
const requiredFlagsOf = (action: string): string[] => {
  const entry = CATALOGUE.actions.find((a) => a.id === action || a.aliases.includes(action));
  if (!entry) throw new Error(`no catalogue action ${action}`);
  // The resource and max-messages parameters have defaults; the integer ones do not.
  return entry.parameters.filter((p) => p.type !== 'resource' && p.name !== 'max_messages').map((p) => p.flag);
};
const valueOf = (argv: readonly string[], flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);

describe('a remediation route carries its target and its value', () => {
  it('the router knows the catalogue: every action, its aliases, and the value it needs', () => {
    expect(REMEDIATION_ACTIONS.map((a) => a.action).sort()).toEqual(CATALOGUE.actions.map((a) => a.id).sort());
    for (const entry of REMEDIATION_ACTIONS) {
      const catalogue = CATALOGUE.actions.find((a) => a.id === entry.action)!;
      expect(entry.aliases).toEqual(catalogue.aliases);
      expect(entry.param ? [`--${entry.param}`] : []).toEqual(requiredFlagsOf(entry.action));
    }
  });

  it('names it: the grid routes with --service and the value', () => {
    const failures: string[] = [];
    for (const [{ template, action, param }, svc, env, n] of cross<unknown>(WITH_TARGET, SERVICES, REMEDIATE_ENVS, COUNTS) as [(typeof WITH_TARGET)[number], string, string, string][]) {
      const request = template(svc, env, n);
      const result = route(request, CONTEXTS.TWO!);
      const ok =
        result.kind === 'route' &&
        result.operation === 'remediate' &&
        valueOf(result.argv, '--env') === env &&
        valueOf(result.argv, '--action') === action &&
        valueOf(result.argv, '--service') === svc &&
        (param === undefined || valueOf(result.argv, `--${param}`) === n) &&
        result.needs_confirmation === (env === 'prod');
      if (!ok) failures.push(describeResult(request, result));
    }
    expect(failures).toEqual([]);
  });

  it('does not name it: a question listing what is missing, never an incomplete route', () => {
    const failures: string[] = [];
    for (const [{ template, missing }, svc, env] of cross<unknown>(WITHOUT, SERVICES, REMEDIATE_ENVS) as [(typeof WITHOUT)[number], string, string][]) {
      const request = template(svc, env);
      const result = route(request, CONTEXTS.TWO!);
      const ok = result.kind === 'question' && result.options.length > 0 && result.options.every((o) => o.operation === 'remediate' && o.missing?.includes(missing));
      if (!ok) failures.push(describeResult(request, result));
    }
    expect(failures).toEqual([]);
  });
});

// ---- every request of every grid: complete, parseable command lines ------------------------



describe('every command line the router emits over the grids', () => {
  const requests = [
    ...QUESTION_GRID,
    ...ERROR_GRID,
    ...(cross<unknown>(BUILD_VERBS, RESOURCES, PURPOSES, WHERE) as [string, [string, string], [string, string], string][]).map(([v, [r], [p], w]) => `${v} ${r} ${p}${w}`),
    ...(cross<unknown>(WITH_TARGET, SERVICES, REMEDIATE_ENVS, COUNTS) as [(typeof WITH_TARGET)[number], string, string, string][]).map(([t, s, e, n]) => t.template(s, e, n)),
    ...(cross<unknown>(WITHOUT, SERVICES, REMEDIATE_ENVS) as [(typeof WITHOUT)[number], string, string][]).map(([t, s, e]) => t.template(s, e)),
    ...cross(MUTATIONS.map((m) => m.base), ENV_WORDS).map(([verb, env]) => `${verb} ${env}`),
    ...loadPhrasings().map((row) => row.text),
  ];
  // Routed once, when the first test runs (not while collecting).
  let results: { request: string; result: RouteResult }[] = [];
  let lines: { request: string; line: Alternative }[] = [];
  beforeAll(() => {
    results = Object.values(CONTEXTS).flatMap((ctx) => requests.map((request) => ({ request, result: route(request, ctx) })));
    lines = results.flatMap(({ request, result }) => linesOf(result).map((line) => ({ request, line })));
  });

  it('is complete when offered as runnable: a route has nothing missing; remediate names --target/--service and its value', () => {
    const failures: string[] = [];
    for (const { request, line } of lines) {
      const spec = OPERATIONS.find((s) => s.operation === line.operation)!;
      const missing = missingArgs(spec, line.args);
      // What the line says is missing is exactly what it lacks.
      if (missing.join() !== (line.missing ?? []).join()) failures.push(`${request} -> ${line.argv.join(' ')}: missing ${missing} but says ${line.missing ?? []}`);
      if (line.operation === 'remediate' && !line.missing?.length) {
        const action = valueOf(line.argv, '--action')!;
        if (!line.argv.includes('--target') && !line.argv.includes('--service')) failures.push(`${request} -> ${line.argv.join(' ')}: no target`);
        for (const flag of requiredFlagsOf(action)) if (!line.argv.includes(flag)) failures.push(`${request} -> ${line.argv.join(' ')}: no ${flag}`);
      }
    }
    for (const { request, result } of results) {
      if (result.kind === 'route' && missingArgs(OPERATIONS.find((s) => s.operation === result.operation)!, result.args).length > 0) failures.push(`${request}: an incomplete route`);
    }
    expect(failures).toEqual([]);
  });

  it('parses against the CLI definitions (every runnable line, deduplicated)', async () => {
    const unique = new Map<string, string[]>();
    for (const { line } of lines) if (!line.missing?.length) unique.set(JSON.stringify(line.argv), line.argv);
    const failures: string[] = [];
    for (const argv of unique.values()) {
      const error = await parses(argv);
      if (error) failures.push(`${argv.join(' ')}: ${error}`);
    }
    expect(failures).toEqual([]);
    // The grids reach most operations, not one command line many times.
    expect(new Set(lines.map(({ line }) => line.operation)).size).toBeGreaterThanOrEqual(10);
    expect(unique.size).toBeGreaterThan(200);
  });
});
