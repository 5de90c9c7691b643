import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandDefinition } from '../../src/cli/definition.js';
import { runCli } from '../support/cli.js';
import { defaultProfiles, writeProfiles } from '../support/moto.js';
import { ALL_COMMANDS, CellTally, commandName, exampleArgv, countedProject, type CountedProject } from './support/cells.js';

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
let counter: CountedProject['counter'];
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  ({ dir, env, counter } = await countedProject('faber-control-chars-'));
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

describe('files the CLI writes keep no control characters from user text', () => {
  it('infra architect: --feature, --title and a --from-file heading with escape sequences give a clean design (regression)', async () => {
    const { readdir, readFile, writeFile } = await import('node:fs/promises');
    const path = await import('node:path');
    const requirements = path.join(dir, 'req.md');
    await writeFile(requirements, '# Image \u001b[31mthumbnails\u001b]0;pwned\u0007\r\n\nStore uploads in a bucket.\n');
    const runs = [
      ['infra', 'architect', '--feature', 'user \u001b[2Juploads\r\nbucket', '--resource', 's3_bucket:uploads', '--slug', 'cc-feature'],
      ['infra', 'architect', '--feature', 'user uploads bucket', '--title', 'Up\u001b[1mloads\u009b', '--slug', 'cc-title'],
      ['infra', 'architect', '--from-file', requirements, '--slug', 'cc-file'],
    ];
    for (const argv of runs) {
      const run = await runCli([...argv, '--json'], { cwd: dir, env });
      expect(run.code, run.stdout).toBe(0);
      expect(JSON.stringify(run.json.data.title)).not.toMatch(/\\u00(1b|0d|0a|07|9b)/);
    }
    const designs = path.join(dir, '.fractary/plugins/faber-cloud/designs');
    for (const name of (await readdir(designs)).filter((n) => n.startsWith('cc-'))) {
      const text = await readFile(path.join(designs, name), 'utf8');
      expect(text, name).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
  });
});
