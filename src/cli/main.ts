import { Command, CommanderError, Option } from 'commander';
import pc from 'picocolors';
import { isFaberError, UsageError, type FaberError } from '../core/errors.js';
import { interruptCount, interruption, isBusy, onBusyEnd, onInterrupt, requestInterrupt, throwIfInterrupted } from '../core/interrupt.js';
import { commandGroups, commands } from './commands.js';
import type { CommandContext } from './context.js';
import type { ActionInput, CommandDefinition, CommandModule } from './definition.js';
import type { ExitSpec } from './exits.js';
import { errorEnvelope, printErr, printOut, renderHumanError, successEnvelope, toFaberError, writeJson } from './output.js';
import { createEventRenderer } from './render/events.js';
import { VERSION } from './version.js';
import { sanitizeLine, sanitizeOutput, singleLine } from '../core/text.js';

interface GlobalOptions {
  json?: boolean;
  cwd?: string;
  verbose?: boolean;
  color?: boolean;
}

/** --json is honoured even when parsing fails, so agents always get an envelope. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

function colorEnabled(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (argv.includes('--no-color') || wantsJson(argv) || 'NO_COLOR' in env || env.CI) return false;
  return env.FORCE_COLOR !== undefined ? env.FORCE_COLOR !== '0' : Boolean(process.stdout.isTTY);
}

function helpFooter(): string {
  const rows: [string, string][] = [];
  for (const def of commands) rows.push([def.path.join(' '), def.summary]);
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  return [
    '',
    'Commands:',
    ...rows.map(([name, summary]) => `  ${name.padEnd(width)}${summary}`),
    '',
    'Exit codes: 0 ok, 1 operation failed, 2 usage or configuration error,',
    '            3 refused by a safety guard, 4 needs a human,',
    '            130/143 stopped by SIGINT/SIGTERM (E_INTERRUPTED).',
    '',
    'Run `faber-cloud <command> --help` for a command\'s options and examples.',
  ].join('\n');
}

/** One exit of a command's help: code, when, and its error codes (src/cli/exits.ts). */
function exitHelpLine(e: ExitSpec): string {
  const codes = e.okTrue ? ' (ok:true, the report in data)' : e.errors?.length ? ` (${e.errors.join(', ')})` : '';
  return `  ${e.code}  ${e.when}${codes}`;
}

/**
 * Commander wraps descriptions to the terminal itself: a line break inside a sentence would
 * break the wrap, so single breaks become spaces. Blank lines (paragraphs) and indented lines
 * (lists, tables) keep theirs.
 */
function reflow(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const previous = out.at(-1);
    const prose = (l: string) => l !== '' && !/^\s/.test(l);
    if (previous !== undefined && prose(previous) && prose(line)) out[out.length - 1] = `${previous} ${line}`;
    else out.push(line);
  }
  return out.join('\n');
}

export function buildProgram(onRun: (def: CommandDefinition, cmd: Command) => Promise<void>): Command {
  const program = new Command('faber-cloud')
    .description('Cloud infrastructure lifecycle with guarded deploys and audited IAM: design, Terraform, deploy, operate.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--json', 'print exactly one JSON object on stdout: {ok, command, data} or {ok, error}')
    .option('--cwd <dir>', 'run as if started in <dir> (the project is the nearest ancestor with .fractary/)')
    .option('--verbose', 'more detail, including stack traces of internal errors')
    .option('--no-color', 'no colours (also off under --json, CI, NO_COLOR or when not a terminal)')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: () => {}, writeOut: printOut, writeErr: printErr })
    .configureHelp({ visibleCommands: () => [] })
    .addHelpText('after', helpFooter());

  const groups = new Map<string, Command>();
  for (const def of commands) {
    let parent = program;
    for (const word of def.path.slice(0, -1)) {
      let group = groups.get(word);
      if (!group) {
        // The root lists every command in its footer; a group lists its own with their summaries.
        group = parent.command(word).description(commandGroups[word] ?? '').configureHelp({});
        groups.set(word, group);
      }
      parent = group;
    }
    const leaf = def.path.at(-1);
    if (leaf === undefined) throw new Error('a command definition has an empty path');
    const cmd = parent.command(leaf).description(reflow(def.description ?? def.summary), {});
    cmd.summary(def.summary);
    for (const arg of def.arguments ?? []) cmd.argument(arg.required ? `<${arg.name}>` : `[${arg.name}]`, arg.description);
    for (const opt of def.options ?? []) {
      const option = new Option(opt.flags, opt.description);
      if (opt.defaultValue !== undefined) option.default(opt.defaultValue);
      if (opt.choices) option.choices(opt.choices);
      if (opt.required) option.makeOptionMandatory(true);
      if (opt.conflicts) option.conflicts([...opt.conflicts]);
      cmd.addOption(option);
    }
    if (def.examples?.length) cmd.addHelpText('after', `\nExamples:\n${def.examples.map((e) => `  $ ${e}`).join('\n')}`);
    if (def.exits?.length) cmd.addHelpText('after', `\nExit codes (all commands: docs/COMMANDS.md):\n${def.exits.map(exitHelpLine).join('\n')}`);
    cmd.action(async (...params: unknown[]) => onRun(def, params.at(-1) as Command));
  }
  return program;
}

/** Options whose value is prose a person wrote (feature text, titles, reasons, steps, filters). */
const FREE_TEXT = /<(text|title|command|pattern)(\.\.\.)?>/;

/**
 * Control characters never enter a command from its arguments (terminal hygiene, issue 13):
 * in prose (free-text options, positional words) line breaks and tabs become spaces; in every
 * other value — names, ids, paths — each control character is replaced by its visible escape
 * (`\x1b`), so the value is simply wrong (unknown environment, no such file) and every message,
 * file or log that echoes it stays one clean line. Values without control characters are untouched.
 */
function cleanInput(cmd: Command): { args: string[]; options: Record<string, unknown> } {
  const options: Record<string, unknown> = { ...cmd.opts() };
  for (const option of cmd.options) {
    const key = option.attributeName();
    const clean = FREE_TEXT.test(option.flags) ? singleLine : sanitizeLine;
    const value = options[key];
    if (typeof value === 'string') options[key] = clean(value);
    else if (Array.isArray(value)) options[key] = value.map((v: unknown) => (typeof v === 'string' ? clean(v) : v));
  }
  return { args: cmd.args.map(singleLine), options };
}

function commandName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Commander's parse errors are usage errors (E_USAGE, exit 2), like every other bad input. */
function usageErrorFrom(error: CommanderError): FaberError {
  const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim();
  // Options declared `conflicts` (a command's separate modes): name the two flags and say what to do.
  const conflict = error.code === 'commander.conflictingOption' ? /option '(--[\w-]+)[^']*' cannot be used with option '(--[\w-]+)/.exec(message) : null;
  if (conflict) return new UsageError(`${conflict[1]} and ${conflict[2]} cannot be combined`, { hint: 'they are separate uses of the command: run one of them at a time' });
  return new UsageError(message, { hint: 'run `faber-cloud --help` (or `faber-cloud <command> --help`) for usage' });
}

/** Signals that stop a command. Handled, so that a --json caller still gets its one envelope. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let handlersInstalled = false;

/**
 * Install the handlers once, as early as possible. They stay for the life of the process:
 * without a listener, a signal would end it at once (and proper-lockfile's and execa's exit
 * hooks would re-raise it), printing nothing.
 */
export function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // bin/faber-cloud listens from its first line and hands over what arrived meanwhile.
  const early = (globalThis as { faberCloudSignals?: { take(handler: (signal: NodeJS.Signals) => void): void } }).faberCloudSignals;
  if (early) early.take(requestInterrupt);
  else for (const signal of STOP_SIGNALS) process.on(signal, () => requestInterrupt(signal));
}

/**
 * After a signal, how long a command that is not running a child process or recording its
 * outcome gets to notice and stop by itself before the CLI stops waiting for it.
 */
const GRACE_AFTER_SIGNAL_MS = 3000;

type Settled = { thrown?: unknown; failed: boolean };
const GAVE_UP = Symbol('gave up');

function nextSignal(): Promise<void> {
  if (interruptCount() > 0) return Promise.resolve();
  return new Promise((resolve) => {
    const off = onInterrupt(() => {
      off();
      resolve();
    });
  });
}

/**
 * A signal arrived while the command runs: wait while it stops the IaC child (forwarded by the
 * runner) or records its outcome; otherwise give it a short grace. A second signal with
 * nothing to wait for, or a third in any case, stops waiting.
 */
function settleAfterSignal(running: Promise<Settled>): Promise<Settled | typeof GAVE_UP> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const offs: (() => void)[] = [];
    const finish = (value: Settled | typeof GAVE_UP) => {
      clearTimeout(timer);
      for (const off of offs) off();
      resolve(value);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!isBusy()) finish(GAVE_UP);
      }, GRACE_AFTER_SIGNAL_MS);
    };
    void running.then(finish);
    offs.push(onBusyEnd(arm));
    offs.push(onInterrupt((_signal, count) => {
      if (count >= 3 || !isBusy()) finish(GAVE_UP);
    }));
    arm();
  });
}

/** Parse argv, run the command, print, and return the exit code. The only place that prints. */
export async function main(argv: readonly string[]): Promise<number> {
  const json = wantsJson(argv);
  const colors = colorEnabled(argv, process.env);
  const style = pc.createColors(colors);
  let name: string | undefined;
  let printResult: (() => number) | undefined;

  const program = buildProgram(async (def, cmd) => {
    name = commandName(cmd);
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    const ctx: CommandContext = {
      cwd: globals.cwd ?? process.cwd(),
      json,
      verbose: Boolean(globals.verbose),
      style,
      env: process.env,
      events: createEventRenderer(style, { verbose: Boolean(globals.verbose) }),
    };
    const module = await def.load();
    throwIfInterrupted();
    // The one untyped boundary: commander built these options from def's own specs (buildProgram),
    // which is what the action's typed input is derived from.
    const result = await (module.run as CommandModule<ActionInput>['run'])(ctx, cleanInput(cmd));
    const command = name;
    printResult = () => {
      if (json) writeJson(successEnvelope(command, result.data));
      else {
        // Human output echoes names and text from users, files and the cloud: no raw control characters.
        const human = sanitizeOutput(result.human, { colors });
        printOut(human.endsWith('\n') ? human : `${human}\n`);
      }
      return result.exitCode ?? 0;
    };
  });

  const printError = (error: FaberError): number => {
    if (json) writeJson(errorEnvelope(error, name));
    else printErr(renderHumanError(error, style, argv.includes('--verbose')));
    return error.exitCode;
  };

  if (argv.length === 0) {
    printOut(program.helpInformation());
    return 0;
  }
  const running: Promise<Settled> = program.parseAsync(argv, { from: 'user' }).then(
    () => ({ failed: false }),
    (thrown: unknown) => ({ thrown, failed: true }),
  );
  let settled = await Promise.race([running, nextSignal().then(() => undefined)]);
  if (settled === undefined) {
    const after = await settleAfterSignal(running);
    const stopped = interruption() as FaberError;
    if (after === GAVE_UP) return printError(stopped);
    // A typed error is the command's own result (a refusal, a usage error) and is reported as
    // such; anything else failing after a signal is taken as the interruption's doing.
    if (after.failed && !(after.thrown instanceof CommanderError) && !isFaberError(after.thrown)) {
      const failure = toFaberError(after.thrown);
      stopped.addDetails({ failure: { code: failure.code, message: failure.message } });
      return printError(stopped);
    }
    settled = after;
  }
  if (!settled.failed) return printResult ? printResult() : 0;
  const thrown = settled.thrown;
  if (thrown instanceof CommanderError) {
    if (thrown.exitCode === 0 || thrown.code === 'commander.helpDisplayed' || thrown.code === 'commander.version') return 0;
    if (thrown.code === 'commander.help') return 0;
  }
  return printError(thrown instanceof CommanderError ? usageErrorFrom(thrown) : toFaberError(thrown));
}
