import { describe, expect, it } from 'vitest';
import { commandOf } from '../../src/cli/commands.js';
import { OPERATIONS, capabilities, route, type Alternative, type ArgName, type RouteArgs } from '../../src/director/index.js';
import { argvOf } from '../../src/director/route.js';
import { ARG_FLAGS, AUDIT_TYPES, LOG_LEVELS, REMEDIATION_ACTIONS, TEST_PHASES } from '../../src/director/vocabulary.js';
import { parses } from '../support/parse-argv.js';

/** What the director routes to must be a real command line of this CLI. */
const context = { environments: ['test', 'prod'], prodEnvironments: ['prod'] };



/**
 * Every value the router can put in an argument: the words it extracts into a fixed set
 * (levels, phases, audit types, remediation actions) each, free text as one sample.
 */
const VALUES: Record<ArgName, readonly (string | true)[]> = {
  env: ['test', 'prod'],
  service: ['api'],
  target: ['aws_ecs_service.api'],
  count: ['4'],
  concurrency: ['0', 'none'],
  feature: ['user uploads'],
  design: ['user-uploads'],
  issue: ['500 errors'],
  level: LOG_LEVELS.map((l) => l.level),
  since: ['2h'],
  phase: TEST_PHASES.map((p) => p.phase),
  type: AUDIT_TYPES.map((t) => t.type),
  action: REMEDIATION_ACTIONS.map((r) => r.action),
  plan: ['3f9a1c2b7d4e'],
  destroy: [true],
};

/** Every argv the router can build for an operation: each argument absent or with each of its values. */
function argvsOf(spec: (typeof OPERATIONS)[number]): string[][] {
  let combos: RouteArgs[] = [{}];
  for (const name of spec.args) combos = combos.flatMap((args) => [args, ...VALUES[name].map((value) => ({ ...args, [name]: value }))]);
  // Only command lines the router hands over as runnable: every required value present.
  return combos.filter((args) => spec.requires.every((name) => args[name] !== undefined)).map((args) => argvOf(spec, args));
}

describe('the director routes only to commands this CLI has', () => {
  it('every operation in the vocabulary names a registered command', () => {
    for (const op of OPERATIONS) expect(commandOf(op.command), `${op.operation}: ${op.command.join(' ')}`).toBeDefined();
  });

  it("every argument an operation passes on is an option of its command", () => {
    for (const op of OPERATIONS) {
      const longFlags = (commandOf(op.command)?.options ?? []).flatMap((o) => o.flags.split(/[ ,]+/).filter((w) => w.startsWith('--')));
      for (const name of op.args) expect(longFlags, `${op.operation}: ${ARG_FLAGS[name]}`).toContain(ARG_FLAGS[name]);
    }
  });

  it('every command line the router can build parses, with every value it can extract', async () => {
    const failures: string[] = [];
    let tried = 0;
    for (const op of OPERATIONS) {
      for (const argv of argvsOf(op)) {
        tried++;
        const error = await parses(argv);
        if (error) failures.push(`${op.operation} -> ${argv.join(' ')}: ${error}`);
      }
    }
    expect(failures).toEqual([]);
    // Every operation contributed: a vocabulary with no runnable argv would prove nothing.
    expect(tried).toBeGreaterThanOrEqual(OPERATIONS.length);
  });

  it('catches a route to an option the command does not have', async () => {
    const deploy = OPERATIONS.find((op) => op.operation === 'deploy')!;
    expect(await parses([...argvOf(deploy, { env: 'test' }), '--no-such-option', 'x'])).toMatch(/unknown option '--no-such-option'/);
    expect(await parses(argvOf({ ...deploy, args: ['env', 'level'] }, { env: 'test', level: 'error' }))).toMatch(/unknown option '--level'/);
  });

  it("every capability's example routes to an argv that parses", async () => {
    const failures: string[] = [];
    for (const c of capabilities()) {
      const r = route(c.example, context);
      const argvs: readonly (readonly string[])[] = r.kind === 'route' ? [r.argv] : r.kind === 'question' ? r.options.filter((o: Alternative) => !o.missing?.length).map((o) => o.argv) : [];
      for (const argv of argvs) {
        const error = await parses(argv);
        if (error) failures.push(`"${c.example}" -> ${argv.join(' ')}: ${error}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
