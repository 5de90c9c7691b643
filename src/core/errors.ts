/**
 * Typed errors. Library code throws these; only src/cli turns them into output and exit codes.
 * Codes are stable: agents and CI scripts match on them.
 */

export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  refused: 3,
  needsHuman: 4,
  /** Ended by a signal (see InterruptedError): 128 + the signal number, as shells report it. */
  hangup: 129,
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface FaberErrorOptions {
  hint?: string;
  details?: unknown;
  cause?: unknown;
}

export class FaberError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  /** Structured context for --json callers; extended with addDetails as the error travels up. */
  details: unknown;

  constructor(code: string, message: string, exitCode: ExitCode, options: FaberErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.details = options.details;
  }

  /** Add context found after the error was raised (e.g. the debugger's known issue). */
  addDetails(extra: Record<string, unknown>): void {
    const current = this.details;
    const base = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : current === undefined ? {} : { value: current };
    this.details = { ...base, ...extra };
  }
}

/** Bad flags or arguments (exit 2). */
export class UsageError extends FaberError {
  constructor(message: string, options: FaberErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'E_USAGE', message, ExitCode.usage, options);
  }
}

/** Missing or invalid configuration (exit 2). */
export class ConfigError extends FaberError {
  constructor(code: `E_CONFIG_${string}` | 'E_PROJECT_NOT_FOUND', message: string, options: FaberErrorOptions = {}) {
    super(code, message, ExitCode.usage, options);
  }
}

/** A safety rule refused the operation (exit 3). */
export class GuardError extends FaberError {
  constructor(code: `E_GUARD_${string}` | 'E_LOCKED' | 'E_CONFIG_EXISTS', message: string, options: FaberErrorOptions = {}) {
    super(code, message, ExitCode.refused, options);
  }
}

/** The environment is locked by another run (exit 3). */
export class LockedError extends GuardError {
  constructor(message: string, options: FaberErrorOptions = {}) {
    super('E_LOCKED', message, options);
  }
}

/** Another process removed or replaced our lock while we held it (exit 3). */
export class LockCompromisedError extends FaberError {
  constructor(message: string, options: FaberErrorOptions = {}) {
    super('E_LOCK_COMPROMISED', message, ExitCode.refused, options);
  }
}

const SIGNAL_EXIT: Record<string, ExitCode> = { SIGHUP: ExitCode.hangup, SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated };

/**
 * Stopped by SIGINT/SIGTERM/SIGHUP. The exit code is 128 + the signal number, what a shell
 * reports for a process the signal ended (docs/DECISIONS.md: "Signals").
 */
export class InterruptedError extends FaberError {
  constructor(
    readonly signal: NodeJS.Signals,
    message: string,
    options: FaberErrorOptions = {},
  ) {
    super('E_INTERRUPTED', message, SIGNAL_EXIT[signal] ?? ExitCode.interrupted, options);
  }
}

/** The operation ran and failed (exit 1). */
export class OperationError extends FaberError {
  constructor(code: string, message: string, options: FaberErrorOptions = {}) {
    super(code, message, ExitCode.failed, options);
  }
}

/** Only a person can resolve this (exit 4): explicit deny, expired credentials, ... */
export class NeedsHumanError extends FaberError {
  constructor(code: string, message: string, options: FaberErrorOptions = {}) {
    super(code, message, ExitCode.needsHuman, options);
  }
}

/** An artifact on disk (registry, history, issue log) cannot be read as written (exit 2). */
export class ArtifactError extends FaberError {
  constructor(message: string, options: FaberErrorOptions = {}) {
    super('E_ARTIFACT_CORRUPT', message, ExitCode.usage, options);
  }
}

/**
 * A write would leave the project: a symbolic link at the path or in a directory above it
 * (below the project root), or a path outside the root (exit 2). Nothing was written.
 */
export class UnsafePathError extends FaberError {
  constructor(message: string, options: FaberErrorOptions = {}) {
    super('E_ARTIFACT_UNSAFE_PATH', message, ExitCode.usage, options);
  }
}

export function isFaberError(value: unknown): value is FaberError {
  return value instanceof FaberError;
}
