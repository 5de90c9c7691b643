import type { Colors } from 'picocolors/types.js';

/** Everything a command's action gets from the CLI layer. */
export interface CommandContext {
  /** Directory to resolve the project from (--cwd or process.cwd()). */
  cwd: string;
  json: boolean;
  verbose: boolean;
  /** Colour functions; identity functions when colour is off. */
  style: Colors;
  env: NodeJS.ProcessEnv;
  progress: Progress;
}

/** Progress on long work. Always stderr, so stdout stays one JSON object under --json. */
export interface Progress {
  step(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  /** A problem reported while the operation goes on (the final error follows). */
  problem(message: string): void;
}

/** What an action returns: data for --json, text for a person. */
export interface CommandResult {
  data: unknown;
  human: string;
  /** 0 unless the command reports a failed state in data (e.g. an unhealthy check). */
  exitCode?: 0 | 1;
}
