/**
 * Command options: how one is declared, the type an action receives for it, and the options
 * several commands share, each defined once here.
 *
 * An option's flags string is the single source: commander parses with it, and the type an
 * action gets is read from it (wrangler's createCommand shape). `--env <env>` gives
 * `env: string`, `--step <text...>` gives `step: string[]`, `--force` gives `force?: true`,
 * `--no-auto-fix` gives `autoFix: boolean`; `choices` narrow a value to their union;
 * `required` or a `defaultValue` make it always present.
 */

import { UsageError } from '../core/errors.js';

export interface OptionSpec {
  /** Commander flags, e.g. '--project <name>', '--step <text...>' or '--force'. */
  readonly flags: string;
  readonly description: string;
  readonly defaultValue?: string | boolean;
  /** Must be given (commander reports it missing, exit 2). */
  readonly required?: boolean;
  /** Restrict to these values (validated by the CLI, exit 2 otherwise). */
  readonly choices?: readonly string[];
  /**
   * Options of the same command this one cannot be used with, by attribute name ('addSolution'
   * for --add-solution): commander's Option.conflicts(), reported as E_USAGE, exit 2.
   */
  readonly conflicts?: readonly string[];
}

// ---- the type of an option's value, read from its flags --------------------------------

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type LongFlag<F extends string> = F extends `${string}--${infer Rest}` ? (Rest extends `${infer Name} ${string}` ? Name : Rest) : never;
type Negated<F extends string> = LongFlag<F> extends `no-${string}` ? true : false;
/** The key commander stores the value under (Option.attributeName()). */
export type AttributeOf<F extends string> = LongFlag<F> extends `no-${infer Name}` ? Camel<Name> : Camel<LongFlag<F>>;
type TakesValue<F extends string> = F extends `${string}<${string}>${string}` | `${string}[${string}]${string}` ? true : false;
type Variadic<F extends string> = F extends `${string}...>${string}` | `${string}...]${string}` ? true : false;

type ValueOf<S extends OptionSpec> =
  Negated<S['flags']> extends true
    ? boolean
    : TakesValue<S['flags']> extends true
      ? Variadic<S['flags']> extends true
        ? string[]
        : S extends { readonly choices: readonly (infer C extends string)[] }
          ? C
          : string
      : true;

type AlwaysPresent<S extends OptionSpec> = S extends { readonly required: true } | { readonly defaultValue: string | boolean } ? true : Negated<S['flags']>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The options object an action receives for these option specs. */
export type OptionsOf<O extends readonly OptionSpec[]> = Simplify<
  { [S in O[number] as AlwaysPresent<S> extends true ? AttributeOf<S['flags']> : never]: ValueOf<S> } & {
    [S in O[number] as AlwaysPresent<S> extends true ? never : AttributeOf<S['flags']>]?: ValueOf<S>;
  }
>;

/** A shared option with the description one command needs; flags and kind stay the shared ones. */
export function described<S extends OptionSpec>(option: S, description: string): Omit<S, 'description'> & { readonly description: string } {
  return { ...option, description };
}

// ---- options several commands share ----------------------------------------------------

export const ENV = { flags: '--env <env>', description: 'environment name from devops.json (e.g. test, prod)', required: true } as const;
/** --env where it only narrows (debug, audit): same flag, not required. */
export const ENV_FILTER = { flags: '--env <env>', description: 'only this environment' } as const;
export const PROFILE = { flags: '--profile <name>', description: 'use this AWS profile instead of the configured one (the guard checks its role)' } as const;
export const PLAN = { flags: '--plan <id>', description: 'plan id printed by `infra preview`' } as const;
export const CONFIRM = { flags: '--confirm <env>', description: 'confirm an environment that requires it, by naming it' } as const;
export const FORCE = { flags: '--force', description: 'replace what exists' } as const;
export const SERVICE = { flags: '--service <name>', description: 'only the resources of this service (Service tag, else the {resource} part of the name)' } as const;
export const SINCE = { flags: '--since <span>', description: 'window back from now: 30m, 1h, 2d, or an ISO time (default: ops.<command>.window, 1h)' } as const;
export const LIMIT = { flags: '--limit <n>', description: 'how many entries' } as const;
export const REGION = { flags: '--region <region>', description: 'AWS region' } as const;
export const ACCOUNT_ID = { flags: '--account-id <id>', description: 'AWS account id' } as const;

// ---- values that need more than commander's parsing -------------------------------------

/** What one command's --limit accepts, and the usage error it gives otherwise (in its own words). */
export interface LimitRule {
  readonly max: number;
  readonly error: (value: string) => UsageError;
}

/** --limit of ops query-logs: a whole number of events, 1 to 1,000,000. */
export const EVENTS_LIMIT: LimitRule = {
  max: 1_000_000,
  error: (value) => new UsageError(`--limit ${value}: not a number of events from 1 to 1000000`, { code: 'E_USAGE_LIMIT', hint: 'e.g. --limit 5000' }),
};

/** --limit of infra history: how many entries, any whole number from 1. */
export const ENTRIES_LIMIT: LimitRule = {
  max: Number.MAX_SAFE_INTEGER,
  error: (value) => new UsageError(`--limit ${value}: expected a positive whole number`),
};

/** The one parser of --limit: decimal digits only (no 1e3, 0x10 or 2.0), from 1 to the rule's max. */
export function parseLimit(value: string, rule: LimitRule): number;
export function parseLimit(value: string | undefined, rule: LimitRule): number | undefined;
export function parseLimit(value: string | undefined, rule: LimitRule): number | undefined {
  if (value === undefined) return undefined;
  const s = value.trim();
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > rule.max) throw rule.error(s);
  return n;
}
