import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandDefinition } from '../../src/cli/context.js';
import { runCli, tempDir } from '../support/cli.js';
import { MOTO_ACCOUNT_ID, defaultProfiles, writeProfiles } from '../support/moto.js';
import { ALL_COMMANDS, CellTally, commandName, exampleArgv, startAwsCounter } from './support/cells.js';

/**
 * Class "control-chars" (issue 13, defect 7): whatever a user puts in an option value, the
 * CLI's own output never carries it to the terminal raw — no ESC (cursor moves, colours,
 * window titles, hidden text), no CR (overwriting a line), no line forged by an embedded
 * newline. NO_COLOR is set by runCli, so any ESC in the output came from the input.
 * Rows: every option of every command that takes a value, and every positional argument.
 */

const FORGED = 'FORGED-LINE';
const PAYLOADS = [
  { name: 'ESC sequences', value: `x\u001b[2J\u001b]0;pwned\u0007\u001b[31my` },
  { name: 'newline', value: `x\n${FORGED} ok` },
  { name: 'carriage return', value: `x\r${FORGED} ok` },
  { name: 'C1 CSI', value: `x\u009b2Jy` },
];

interface Row {
  def: CommandDefinition;
  /** The option's long flag, or undefined for the positional argument(s). */
  flag: string | undefined;
}

function rows(): Row[] {
  const out: Row[] = [];
  for (const def of ALL_COMMANDS) {
    for (const option of def.options ?? []) {
      if (!/<[^>]+>/.test(option.flags)) continue;
      out.push({ def, flag: option.flags.split(/[ ,]+/).find((w) => w.startsWith('--')) as string });
    }
    if (def.arguments?.length) out.push({ def, flag: undefined });
  }
  return out;
}

function argvFor(row: Row, value: string): string[] {
  if (row.flag) return [...exampleArgv(row.def, { [row.flag]: value })];
  // The positional argument: the command's words and the hostile value.
  return [...row.def.path, value];
}

const tally = new CellTally('control-chars');
let dir = '';
let counter: Awaited<ReturnType<typeof startAwsCounter>>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  counter = await startAwsCounter();
  env = { AWS_ENDPOINT_URL: counter.endpoint };
  dir = await tempDir('faber-control-chars-');
  const init = await runCli(['init', '--project', 'rel', '--account-id', MOTO_ACCOUNT_ID, '--json'], { cwd: dir, env });
  if (init.code !== 0) throw new Error(`init failed: ${init.stdout}${init.stderr}`);
  await writeProfiles(defaultProfiles('rel'));
});

afterAll(async () => {
  await counter?.stop();
});

describe('no option value reaches the terminal with its control characters', () => {
  const all = rows();
  it('the registry has the rows', () => {
    expect(all.length).toBeGreaterThan(40);
  });
  for (const row of all) {
    it(`${commandName(row.def)} ${row.flag ?? '<argument>'}`, async () => {
      const failures: string[] = [];
      for (const payload of PAYLOADS) {
        // Each cell in its own copy of the project would be slow; the designs it may write use
        // --force-free slugs, so a second cell simply meets E_GUARD_DESIGN_EXISTS (still output to check).
        const run = await runCli(argvFor(row, payload.value), { cwd: dir, env, timeoutMs: 60_000 });
        const output = `${run.stdout}${run.stderr}`;
        const problems = [
          /\u001b/.test(output) && 'raw ESC',
          /\r/.test(output) && 'raw CR',
          /[\u0080-\u009f]/.test(output) && 'raw C1 control',
          output.split('\n').some((line) => line.startsWith(FORGED)) && 'a forged line',
          /E_INTERNAL/.test(output) && 'E_INTERNAL',
        ].filter(Boolean);
        const cell = `${commandName(row.def)} ${row.flag ?? '<argument>'} × ${payload.name}`;
        if (!tally.record(cell, problems.length === 0, problems.join(', '))) failures.push(`${cell}: ${problems.join(', ')}\n${output.slice(0, 400)}`);
      }
      expect(failures).toEqual([]);
    });
  }
});
