import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandOf } from '../../src/cli/commands.js';
import { buildProgram } from '../../src/cli/main.js';
import { OPERATIONS, capabilities, route, type Alternative } from '../../src/director/index.js';

/** What the director routes to must be a real command line of this CLI. */
const context = { environments: ['test', 'prod'], prodEnvironments: ['prod'] };

function silence(cmd: Command): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  for (const sub of cmd.commands) silence(sub);
}

async function parses(argv: readonly string[]): Promise<string | null> {
  const program = buildProgram(async () => {});
  silence(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return null;
  } catch (error) {
    if (error instanceof CommanderError) return error.message;
    throw error;
  }
}

describe('the director routes only to commands this CLI has', () => {
  it('every operation in the vocabulary names a registered command', () => {
    for (const op of OPERATIONS) expect(commandOf(op.command), `${op.operation}: ${op.command.join(' ')}`).toBeDefined();
  });

  it("every capability's example routes to an argv that parses", async () => {
    const failures: string[] = [];
    for (const c of capabilities()) {
      const r = route(c.example, context);
      const argvs: readonly (readonly string[])[] = r.kind === 'route' ? [r.argv] : r.kind === 'question' ? r.options.filter((o: Alternative) => !o.missing?.length).map((o) => o.argv) : [];
      for (const argv of argvs) {
        const error = await parses(argv);
        if (error) failures.push(`"${c.example}" -> ${argv.join(' ')}: ${error}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
