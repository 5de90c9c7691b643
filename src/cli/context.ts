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
