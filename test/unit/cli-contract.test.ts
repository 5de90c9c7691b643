import { describe, expect, expectTypeOf, it } from 'vitest';
import { infraArchitect } from '../../src/cli/command-sets/infra-design.js';
import { infraDebug, infraDeploy, infraHistory } from '../../src/cli/command-sets/infra-lifecycle.js';
import { infraTest } from '../../src/cli/command-sets/infra-test.js';
import { commands } from '../../src/cli/commands.js';
import type { CommandContext, CommandResult } from '../../src/cli/context.js';
import { withAction, type ActionInput, type CommandDefinition, type InputOf } from '../../src/cli/definition.js';
import type { OptionSpec } from '../../src/cli/options.js';
import { optionsFor } from '../support/parse-argv.js';

/**
 * The command contract: an action's `options` are typed from its definition's flags
 * (src/cli/options.ts), and commander, built from the same definitions, must hand the action
 * exactly that at run time. The types are pinned here (checked by tsc), the run-time shape
 * for every option of every command.
 */

describe('option types read from the flags', () => {
  it('gives required and defaulted values as present, the rest optional; lists, booleans and choices as such', () => {
    expectTypeOf<InputOf<typeof infraDeploy>['options']>().toEqualTypeOf<{
      env: string;
      autoFix: boolean;
      plan?: string;
      confirm?: string;
      profile?: string;
      skipPreTests?: true;
    }>();
    expectTypeOf<InputOf<typeof infraTest>['options']>().toEqualTypeOf<{ env: string; phase: 'pre' | 'post'; plan?: string; profile?: string }>();
    expectTypeOf<InputOf<typeof infraHistory>['options']>().toEqualTypeOf<{ env: string; limit: string }>();
    expectTypeOf<InputOf<typeof infraDebug>['options']['step']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<InputOf<typeof infraDebug>['options']['addSolution']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<InputOf<typeof infraArchitect>['options']['resource']>().toEqualTypeOf<string[] | undefined>();
  });

  it('binds an action only if it takes what its definition declares (checked by tsc)', () => {
    const result: CommandResult = { data: null, human: '' };
    const wantsMore = async (_ctx: CommandContext, _input: ActionInput<{ env: string; nope: string }>) => result;
    const takesDeclared = async (_ctx: CommandContext, _input: InputOf<typeof infraDeploy>) => result;
    // @ts-expect-error infra deploy declares no --nope
    expect(withAction(infraDeploy, async () => ({ run: wantsMore })).path).toEqual(['infra', 'deploy']);
    expect(withAction(infraDeploy, async () => ({ run: takesDeclared })).path).toEqual(['infra', 'deploy']);
  });
});



const longFlag = (o: OptionSpec) => o.flags.split(/[ ,]+/).find((w) => w.startsWith('--'))!;
/** The attribute the types promise (options.ts, AttributeOf): camelCase, without `no-`. */
const attribute = (o: OptionSpec) => longFlag(o).slice(2).replace(/^no-/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
const negated = (o: OptionSpec) => longFlag(o).startsWith('--no-');
const takesValue = (o: OptionSpec) => /[<[]/.test(o.flags);
const variadic = (o: OptionSpec) => /\.\.\.[>\]]/.test(o.flags);
const sample = (o: OptionSpec) => o.choices?.[0] ?? 'x';
/** The argv that gives one option (a list option twice), after the required ones. */
function argvGiving(def: CommandDefinition, option: OptionSpec): string[] {
  const required = (def.options ?? []).filter((o) => o.required && o !== option).flatMap((o) => [longFlag(o), sample(o)]);
  const given = takesValue(option) ? (variadic(option) ? [longFlag(option), 'a', 'b'] : [longFlag(option), sample(option)]) : [longFlag(option)];
  const args = (def.arguments ?? []).filter((a) => a.required).map(() => 'word');
  return [...def.path, ...args, ...required, ...given];
}

describe('what commander hands an action is what its definition types promise', () => {
  const cases = commands.flatMap((def) => (def.options ?? []).map((option) => [`${def.path.join(' ')} ${longFlag(option)}`, def, option] as const));

  it.each(cases)('%s', async (_name, def, option) => {
    const received = await optionsFor(argvGiving(def, option));
    expect(typeof received, String(received)).toBe('object');
    const options = received as Record<string, unknown>;
    // No key the types do not know of.
    expect(Object.keys(options).every((k) => (def.options ?? []).some((o) => attribute(o) === k)), Object.keys(options).join(', ')).toBe(true);
    const value = options[attribute(option)];
    if (negated(option)) expect(value).toBe(false);
    else if (!takesValue(option)) expect(value).toBe(true);
    else if (variadic(option)) expect(value).toEqual(['a', 'b']);
    else expect(value).toBe(sample(option));
    // Present without being given: exactly the required, defaulted and negated options.
    for (const other of def.options ?? []) {
      if (other === option || other.required) continue;
      const present = options[attribute(other)] !== undefined;
      expect(present, `${longFlag(other)} without being given`).toBe(other.defaultValue !== undefined || negated(other));
    }
  });

  it('declares conflicts only with options of the same command', () => {
    for (const def of commands) {
      const names = new Set((def.options ?? []).map(attribute));
      for (const option of def.options ?? []) for (const other of option.conflicts ?? []) expect(names, `${def.path.join(' ')} ${longFlag(option)} conflicts with ${other}`).toContain(other);
    }
  });

  it('refuses two modes of one command together', async () => {
    expect(await optionsFor(['infra', 'debug', '--list', '--applied', 'x'])).toMatch(/option '--(list|applied)[^']*' cannot be used with option '--(list|applied)/);
    expect(await optionsFor(['infra', 'debug', '--record-outcome', 'x', '--add-solution', 'y'])).toMatch(/cannot be used with/);
    expect(await optionsFor(['infra', 'architect', '--kinds', '--feature', 'x'])).toMatch(/cannot be used with/);
    // Options of one mode together are fine.
    expect(await optionsFor(['infra', 'debug', '--list', '--all', '--category', 'state/lock'])).toMatchObject({ list: true, all: true });
  });
});
