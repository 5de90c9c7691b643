/**
 * The command contract: a command is a declarative definition (path, help, options) that
 * `--help` reads without loading anything heavy, bound to an action module that is imported
 * only when the command runs. The action's `options` argument is typed from the definition's
 * option specs, and `withAction` checks at compile time that the module takes exactly that.
 */
import type { CommandContext, CommandResult } from './context.js';
import type { ExitSpec } from './exits.js';
import type { OptionSpec, OptionsOf } from './options.js';
import type { ZodType } from 'zod';

export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
}

export interface CommandSpec<O extends readonly OptionSpec[] = readonly OptionSpec[]> {
  /** Words after `faber-cloud`, e.g. ['config', 'show']. */
  readonly path: readonly string[];
  readonly summary: string;
  /** The exit codes the command gives, when, and the error codes of each (src/cli/exits.ts; docs/COMMANDS.md). */
  readonly exits?: readonly ExitSpec[];
  readonly description?: string;
  readonly arguments?: readonly ArgumentSpec[];
  readonly options?: O;
  readonly examples?: readonly string[];
  /**
   * The zod schema of the command's `--json` data (src/cli/output-schemas/), loaded lazily so
   * `--help` never imports zod. Optional in the type so a new command compiles before its schema
   * exists; test/unit/output-schemas.test.ts requires one for every registered command.
   */
  readonly output?: () => Promise<ZodType>;
}

/** What an action receives: positional words and the parsed options (control characters cleaned). */
export interface ActionInput<Options = Record<string, unknown>> {
  args: string[];
  options: Options;
}

/** The input of the action of command `C`, options typed from its specs. */
export type InputOf<C extends CommandSpec> = ActionInput<C extends CommandSpec<infer O> ? OptionsOf<O> : never>;

export interface CommandModule<Input = ActionInput> {
  /** A property, not a method: the input is checked strictly, not bivariantly. */
  readonly run: (ctx: CommandContext, input: Input) => Promise<CommandResult>;
}

/** A command of the registry: its definition and how to load its action. */
export interface CommandDefinition extends CommandSpec {
  // The registry holds commands of every input type; withAction checked each one.
  load(): Promise<CommandModule<never>>;
}

/** A definition, its option specs kept as literal types (so actions can be typed from them). */
export function defineCommand<const O extends readonly OptionSpec[] = []>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

/** Binds a definition to its lazily loaded action, which must take the input the definition produces. */
export function withAction<C extends CommandSpec>(spec: C, load: () => Promise<CommandModule<InputOf<C>>>): CommandDefinition {
  return { ...spec, load };
}
