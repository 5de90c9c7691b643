import type { Colors } from 'picocolors/types.js';
import type { EventSink } from '../core/events.js';

/** Everything a command's action gets from the CLI layer. */
export interface CommandContext {
  /** Directory to resolve the project from (--cwd or process.cwd()). */
  cwd: string;
  json: boolean;
  verbose: boolean;
  /** Colour functions; identity functions when colour is off. */
  style: Colors;
  env: NodeJS.ProcessEnv;
  /** Progress of long work: the one renderer (render/events.ts), always on stderr. */
  events: EventSink;
}

/** What an action returns: data for --json, text for a person. */
export interface CommandResult {
  data: unknown;
  human: string;
  /** 0 unless the command reports a failed state in data (e.g. an unhealthy check). */
  exitCode?: 0 | 1;
}

export interface OptionDefinition {
  /** Commander flags, e.g. '--project <name>' or '--force'. */
  flags: string;
  description: string;
  defaultValue?: string | boolean;
  /** Must be given (commander reports it missing, exit 2). */
  required?: boolean;
  /** Restrict to these values (validated by the CLI, exit 2 otherwise). */
  choices?: readonly string[];
}

export interface ArgumentDefinition {
  name: string;
  description: string;
  required?: boolean;
}

export type ActionInput = { args: string[]; options: Record<string, unknown> };

export interface CommandModule {
  run(ctx: CommandContext, input: ActionInput): Promise<CommandResult>;
}

/** One declarative definition per command; the action module is imported only when run. */
export interface CommandDefinition {
  /** Words after `faber-cloud`, e.g. ['config', 'show']. */
  path: readonly string[];
  summary: string;
  description?: string;
  arguments?: readonly ArgumentDefinition[];
  options?: readonly OptionDefinition[];
  examples?: readonly string[];
  load(): Promise<CommandModule>;
}
