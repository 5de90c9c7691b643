/**
 * The exit facts of the commands: for each command (its definition's `exits`), the exit codes
 * it gives, when, and the stable error codes that come with each. Data only, read by --help
 * tooling and by scripts/gen-command-reference.mjs, which writes docs/COMMANDS.md from it; the
 * executable-docs test checks every exit and error code it observes against these lists.
 * Exit codes (DESIGN §2): 0 ok · 1 failed (some commands: ok:true with a failing report) ·
 * 2 usage or configuration · 3 refused by a safety guard · 4 needs a human.
 */

export type ExitNumber = 0 | 1 | 2 | 3 | 4;

export interface ExitSpec {
  readonly code: ExitNumber;
  /** When the command gives this code, in a few words. */
  readonly when: string;
  /** With exit 1: the output is still `ok:true`, with the failing report in `data`. */
  readonly okTrue?: boolean;
  /** The stable `error.code`s given with this exit (none for an ok:true exit). */
  readonly errors?: readonly string[];
}

/** Every command that reads the project: its configuration can be missing or wrong. */
export const CONFIG_ERRORS = ['E_PROJECT_NOT_FOUND', 'E_CONFIG_MISSING', 'E_CONFIG_SYNTAX', 'E_CONFIG_INVALID', 'E_CONFIG_ENV_UNSET'] as const;
/** Artifacts read or written under .fractary/plugins/faber-cloud/. */
export const ARTIFACT_ERRORS = ['E_ARTIFACT_CORRUPT', 'E_ARTIFACT_UNSAFE_PATH'] as const;
/** The profile and account checks before a cloud call (DESIGN §5). */
export const PROFILE_GUARDS = ['E_GUARD_WRONG_PROFILE', 'E_GUARD_UNKNOWN_PROFILE', 'E_GUARD_ACCOUNT_MISMATCH', 'E_GUARD_ACCOUNT_UNSET', 'E_GUARD_NO_HOSTING'] as const;
/** The guards of a deploy or destroy of one saved plan (src/core/guard.ts, the lock, the backend). */
export const APPLY_GUARDS = [
  ...PROFILE_GUARDS,
  'E_GUARD_PLAN_REQUIRED',
  'E_GUARD_CONFIRMATION_REQUIRED',
  'E_GUARD_CONFIRMATION_MISMATCH',
  'E_GUARD_PLAN_CHANGED',
  'E_GUARD_PLAN_MISMATCH',
  'E_GUARD_PLAN_STALE',
  'E_LOCKED',
  'E_LOCK_COMPROMISED',
  'E_GUARD_STATE_MIGRATION',
] as const;
/** Running the IaC tool. */
export const IAC_ERRORS = ['E_CONFIG_IAC_BINARY', 'E_CONFIG_TERRAFORM_DIR'] as const;
/** A CDK stack's assets: Docker images are refused at the plan; publishing needs the bootstrap bucket in the deploy account. */
export const CDK_IMAGE_ERRORS = ['E_CONFIG_CDK_DOCKER_ASSETS'] as const;
export const CDK_ASSET_ERRORS = [...CDK_IMAGE_ERRORS, 'E_CONFIG_CDK_NOT_BOOTSTRAPPED', 'E_CONFIG_CDK_ASSET_ACCOUNT'] as const;

export const OK: ExitSpec = { code: 0, when: 'done' };

/** Exit 2: bad flags (commander's errors are E_USAGE too) and, for project commands, the configuration. */
export function usage(errors: readonly string[] = [], options: { project?: boolean; when?: string } = {}): ExitSpec {
  const project = options.project ?? true;
  return {
    code: 2,
    when: options.when ?? (project ? 'bad flags or arguments, or a missing or invalid configuration' : 'bad flags or arguments'),
    errors: ['E_USAGE', ...(project ? CONFIG_ERRORS : []), ...errors],
  };
}

/** Exit 3 with these guard codes. */
export function refused(when: string, errors: readonly string[]): ExitSpec {
  return { code: 3, when, errors };
}

/** Exit 4: only a person can resolve it. */
export function needsHuman(when: string, errors: readonly string[]): ExitSpec {
  return { code: 4, when, errors };
}

/** Exit 1 with an error envelope. */
export function failed(when: string, errors: readonly string[]): ExitSpec {
  return { code: 1, when, errors };
}

/** Exit 1 with `ok:true`: the command ran and its report says something failed. */
export function failingReport(when: string): ExitSpec {
  return { code: 1, when, okTrue: true };
}
