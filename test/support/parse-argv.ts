// argv parsed by the real commander program of the CLI (buildProgram), quietly: the tests that
// check a command line (director routes, the option contract) share this instead of each
// silencing commander their own way.
import { CommanderError, type Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';

/** No output and no process.exit from commander, on every subcommand. */
export function silence(cmd: Command): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  for (const sub of cmd.commands) silence(sub);
}

/** The options object the action of argv's command would receive, or commander's error message. */
export async function optionsFor(argv: readonly string[]): Promise<Record<string, unknown> | string> {
  let received: Record<string, unknown> | undefined;
  const program = buildProgram(async (_def, cmd) => {
    received = cmd.opts();
  });
  silence(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.message;
    throw error;
  }
  return received ?? 'the action did not run';
}

/** null when argv parses as a command line of the CLI, else commander's error message. */
export async function parses(argv: readonly string[]): Promise<string | null> {
  const result = await optionsFor(argv);
  return typeof result === 'string' ? result : null;
}
