import { ConfigError, OperationError } from '../../../core/errors.js';
import { busyWhile, interruption } from '../../../core/interrupt.js';
import { findOnPath, isExecutable, runProcess, type ProcessResult } from '../../../core/process.js';

/**
 * The one wrapper around the terraform/tofu binary. Every call is non-interactive
 * (-input=false, TF_INPUT=0), colourless, never phones home (CHECKPOINT_DISABLE), and
 * returns machine-readable output where the binary offers it.
 */

export type BinaryPreference = 'terraform' | 'tofu' | 'auto';

export interface IacBinary {
  path: string;
  kind: 'terraform' | 'tofu';
  version: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Exit codes that are not failures (plan -detailed-exitcode uses 2 for "changes"). */
  okExitCodes?: readonly number[];
  /** Called with each stdout line as it arrives (apply -json streaming). */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

/** What may still run after a signal: reads that record what exists (state into the registry). */
const READS = new Set(['show', 'output', 'version', 'state pull', 'providers schema']);
const isRead = (args: readonly string[]) => READS.has(args[0] ?? '') || READS.has(`${args[0]} ${args[1]}`);

/** Subcommands that accept -input=false. */
const TAKES_INPUT_FLAG = new Set(['init', 'plan', 'apply', 'destroy', 'import', 'refresh']);
/** Subcommands that accept -no-color. */
const TAKES_NO_COLOR = new Set(['init', 'validate', 'plan', 'apply', 'destroy', 'show', 'output', 'fmt', 'import', 'refresh', 'state', 'workspace', 'providers', 'force-unlock']);

/**
 * Find the IaC binary: FABER_CLOUD_IAC_BINARY (an explicit path) wins; otherwise the
 * configured name on PATH, where `auto` prefers tofu, then terraform.
 */
export async function resolveIacBinary(preference: BinaryPreference, env: NodeJS.ProcessEnv = process.env): Promise<IacBinary> {
  const explicit = env.FABER_CLOUD_IAC_BINARY;
  let found: string | undefined;
  if (explicit) {
    if (!(await isExecutable(explicit))) {
      throw new ConfigError('E_CONFIG_IAC_BINARY', `FABER_CLOUD_IAC_BINARY=${explicit} is not an executable file`, {
        hint: 'point it at a terraform or tofu binary, or unset it to search PATH',
      });
    }
    found = explicit;
  } else {
    const names = preference === 'auto' ? ['tofu', 'terraform'] : [preference];
    for (const name of names) {
      found = await findOnPath(name, env);
      if (found) break;
    }
    if (!found) {
      throw new ConfigError('E_CONFIG_IAC_BINARY', `no ${names.join(' or ')} binary found on PATH`, {
        hint: 'install OpenTofu or Terraform, set handlers.iac.terraform.binary, or set FABER_CLOUD_IAC_BINARY=/path/to/binary',
      });
    }
  }
  // One `version` call: its first line names the tool and its version ("OpenTofu v1.12.6",
  // "Terraform v1.5.7"); `version -json` does not say which tool it is.
  const result = await runProcess(found, ['version'], { env: { ...process.env, ...env, CHECKPOINT_DISABLE: '1' }, spareSignals: 2 });
  const version = /v(\d+\.\d+\.\d+\S*)/.exec(result.stdout)?.[1] ?? '';
  if (result.exitCode !== 0 || version === '') {
    throw new ConfigError('E_CONFIG_IAC_BINARY', `${found} did not answer \`version\`: ${result.stderr || result.stdout}`.trim());
  }
  const kind = /OpenTofu/i.test(result.stdout) ? 'tofu' : 'terraform';
  return { path: found, kind, version };
}

export class IacRunner {
  constructor(
    readonly binary: IacBinary,
    private readonly options: { cwd: string; env?: NodeJS.ProcessEnv },
  ) {}

  /** Full argv for a subcommand, with the non-interactive flags it accepts. */
  static argv(args: readonly string[]): string[] {
    const [sub, ...rest] = args;
    if (sub === undefined) return [];
    const flags: string[] = [];
    if (TAKES_NO_COLOR.has(sub) && !rest.includes('-no-color')) flags.push('-no-color');
    if (TAKES_INPUT_FLAG.has(sub) && !rest.some((a) => a.startsWith('-input='))) flags.push('-input=false');
    // Flags go right after the subcommand (and its own subcommand, e.g. `workspace select`).
    const nested = sub === 'workspace' || sub === 'state' || (sub === 'providers' && rest[0] === 'schema') ? 1 : 0;
    return [sub, ...rest.slice(0, nested), ...flags, ...rest.slice(nested)];
  }

  async run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const argv = IacRunner.argv(args);
    // After a signal nothing new is planned or applied; reads that record the outcome still run.
    if (!isRead(args)) {
      const stopped = interruption();
      if (stopped) throw stopped;
    }
    const result = await busyWhile(() => this.spawn(argv, options));
    const stopped = interruption();
    if (stopped && result.exitCode !== 0) {
      stopped.addDetails({ argv, exitCode: result.exitCode, stderr: result.stderr.slice(-4000) });
      throw stopped;
    }
    return this.checked(args, argv, result, options);
  }

  /** The binary as a child process (process group and signal forwarding: core/process.ts). */
  private spawn(argv: string[], options: RunOptions): Promise<ProcessResult> {
    return runProcess(this.binary.path, argv, {
      cwd: this.options.cwd,
      env: { ...(this.options.env ?? process.env), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
      // A read (recording the outcome) is short and is left to finish until the third signal.
      spareSignals: isRead(argv) ? 2 : 0,
      ...(options.onLine ? { onLine: options.onLine } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  private checked(args: readonly string[], argv: string[], result: ProcessResult, options: RunOptions): RunResult {
    const { exitCode } = result;
    const out: RunResult = { exitCode, stdout: result.stdout, stderr: result.stderr };
    if (exitCode !== 0 && !(options.okExitCodes ?? []).includes(exitCode)) {
      const reason = firstErrorLine(out.stderr) ?? firstErrorLine(out.stdout) ?? `exit code ${exitCode}`;
      throw new OperationError('E_IAC_FAILED', `${this.binary.kind} ${args[0]} failed: ${reason}`, {
        hint: 'run again with --verbose to see the full output',
        details: { argv, exitCode, stderr: out.stderr, stdout: out.stdout.slice(-20_000) },
      });
    }
    return out;
  }

  /** `state pull`: the raw state document (no provider is started), or undefined when there is no state yet. */
  async pullState(): Promise<unknown> {
    const { stdout } = await this.run(['state', 'pull']);
    return stdout.trim() === '' ? undefined : parseJsonOutput(stdout);
  }

  /** `providers schema -json`: every provider's schema (each provider started: seconds with hashicorp/aws). */
  async providerSchemas(): Promise<unknown> {
    const { stdout } = await this.run(['providers', 'schema', '-json']);
    return parseJsonOutput(stdout);
  }

  /** `show -json [file]`: the plan or state as JSON. */
  async showJson(file?: string): Promise<unknown> {
    const { stdout } = await this.run(['show', '-json', ...(file ? [file] : [])]);
    return parseJsonOutput(stdout);
  }
}

/** The first diagnostic line ("Error: ...") of terraform's human output. */
function firstErrorLine(text: string): string | undefined {
  const match = /Error: (.+)/.exec(text);
  return match?.[1]?.trim();
}

/**
 * The JSON document in a command's stdout. CLI-configuration warnings (e.g. a
 * TF_CLI_CONFIG_FILE that does not exist) are printed on stdout before it.
 */
export function parseJsonOutput(stdout: string): unknown {
  const start = stdout.search(/^[{[]/m);
  if (start === -1) throw new SyntaxError(`no JSON document in output: ${stdout.slice(0, 200)}`);
  return JSON.parse(stdout.slice(start));
}
