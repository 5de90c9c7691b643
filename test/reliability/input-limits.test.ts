import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandDefinition } from '../../src/cli/definition.js';
import type { OptionSpec } from '../../src/cli/options.js';
import { runCli, tempDir, type CliRun } from '../support/cli.js';
import { ALL_COMMANDS, CellTally, commandName, exampleArgv, countedProject, type CountedProject } from './support/cells.js';

/**
 * Class "input-limits" (issue 13, defect 6): every command option that reads a file, and
 * every way a command reads stdin, given an oversized, binary, invalid-UTF-8 or empty input,
 * ends in a typed error (exit 2) or a success — one JSON envelope, never E_INTERNAL.
 * Rows come from the registry: options taking a <path>, and the stdin each one documents.
 */

interface Row {
  def: CommandDefinition;
  /** Undefined for input piped in with no option at all. */
  option: OptionSpec | undefined;
  via: 'file' | 'stdin' | 'pipe';
}

const flagOf = (o: OptionSpec | undefined) => (o === undefined ? '(piped)' : o.flags.split(/[ ,]+/).find((w) => w.startsWith('--')) as string);

function rows(): Row[] {
  const out: Row[] = [];
  for (const def of ALL_COMMANDS) {
    for (const option of def.options ?? []) {
      if (!/<path>/.test(option.flags)) continue;
      out.push({ def, option, via: 'file' });
      if (/stdin/.test(option.description)) out.push({ def, option, via: 'stdin' });
    }
    // Commands that say they read piped input with no option (`tofu apply 2>&1 | faber-cloud infra debug`).
    if (/piped input/.test(def.description ?? '')) out.push({ def, option: undefined, via: 'pipe' });
  }
  return out;
}

/** The argv for a row: the option names the file, or (stdin) is '-' or left out, as its description says. */
function argvFor(row: Row, file: string): string[] {
  const flag = flagOf(row.option);
  if (row.via === 'pipe') return [...exampleArgv(row.def, { '--env': undefined }), '--json'];
  if (row.via === 'file') return [...exampleArgv(row.def, { [flag]: file, '--env': undefined }), '--json'];
  const dash = /(^|\W)- reads stdin/.test(row.option?.description ?? '');
  return [...exampleArgv(row.def, { [flag]: dash ? '-' : undefined, '--env': undefined }), '--json'];
}

const MIB = 1024 * 1024;
const INPUTS: { name: string; bytes: () => Buffer; expect?: string }[] = [
  // A real-looking log line repeated: 50 MB of short errors (what overflowed the stack).
  { name: 'oversized 50 MB', bytes: () => Buffer.from('Error: creating S3 Bucket (x): AccessDenied\n\n'.repeat(Math.ceil((50 * MIB) / 45))), expect: 'E_INPUT_TOO_LARGE' },
  { name: 'binary with NUL', bytes: () => Buffer.concat([Buffer.from('Error: x\n'), Buffer.from([0, 1, 2, 0xff, 0, 0x7f]), Buffer.from('\nmore')]), expect: 'E_INPUT_BINARY' },
  { name: 'invalid UTF-8', bytes: () => Buffer.from([0x45, 0x72, 0x72, 0x6f, 0x72, 0x3a, 0x20, 0xc3, 0x28, 0xa0, 0xa1, 0x0a]), expect: 'E_INPUT_ENCODING' },
  { name: 'empty', bytes: () => Buffer.alloc(0) },
];

const tally = new CellTally('input-limits');
let dir = '';
let counter: CountedProject['counter'];
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  ({ dir, env, counter } = await countedProject('faber-input-limits-'));
});

afterAll(async () => {
  await counter?.stop();
});

function verdict(run: CliRun, expected: string | undefined): string[] {
  const j = run.json;
  const problems: string[] = [];
  if (!j || typeof j !== 'object' || typeof j.ok !== 'boolean') problems.push(`not one JSON envelope: ${run.stdout.slice(0, 200)}${run.stderr.slice(0, 200)}`);
  else if (j.ok === false && j.error?.code === 'E_INTERNAL') problems.push(`E_INTERNAL: ${j.error.message}`);
  if (![0, 1, 2].includes(run.code) || (run.code === 1 && j?.error?.code !== undefined)) problems.push(`exit ${run.code} ${j?.error?.code ?? ''}`);
  if (j?.ok === false && run.code !== 2) problems.push(`error with exit ${run.code}`);
  if (expected && j?.error?.code !== expected) problems.push(`expected ${expected}, got ${j?.ok ? 'success' : j?.error?.code}`);
  return problems;
}

describe('every file and stdin input is bounded and decoded strictly', () => {
  const all = rows();
  it('the registry has the inputs', () => {
    const names = all.map((r) => `${commandName(r.def)} ${flagOf(r.option)} ${r.via}`);
    for (const expected of ['infra debug --error-file file', 'infra debug --error-file stdin', 'permissions parse-error --file stdin', 'config validate --file file', 'infra architect --from-file file', 'infra debug (piped) pipe']) {
      expect(names).toContain(expected);
    }
  });
  for (const row of all) {
    it(`${commandName(row.def)} ${flagOf(row.option)} (${row.via})`, async () => {
      const failures: string[] = [];
      for (const input of INPUTS) {
        const bytes = input.bytes();
        const file = path.join(dir, `input-${input.name.replace(/\W+/g, '-')}.txt`);
        await writeFile(file, bytes);
        const argv = argvFor(row, file);
        const run = await runCli(argv, { cwd: dir, env, timeoutMs: 120_000, ...(row.via !== 'file' ? { input: bytes } : {}) });
        const problems = verdict(run, input.expect);
        const cell = `${commandName(row.def)} ${flagOf(row.option)} ${row.via} × ${input.name}`;
        if (!tally.record(cell, problems.length === 0, problems.join(', '))) failures.push(`${cell}: ${problems.join(', ')}`);
      }
      expect(failures).toEqual([]);
    });
  }
});

describe('init validates its flags before writing anything (regression)', () => {
  const cases = [
    ['--project', '${NOPE:-x}'],
    ['--project', '${HOME}'],
    ['--project', 'Bad_Name'],
    ['--subsystem', '../x'],
    ['--region', '*'],
    ['--account-id', '12'],
  ];
  for (const [flag, value] of cases) {
    it(`init ${flag} ${value}`, async () => {
      const fresh = await tempDir('faber-init-flags-');
      const run = await runCli(['init', ...(flag === '--project' ? [] : ['--project', 'ok']), flag as string, value as string, '--json'], { cwd: fresh, env });
      const { readdir } = await import('node:fs/promises');
      const held = run.code === 2 && run.json?.ok === false && run.json.error.code === 'E_USAGE' && String(run.json.error.message).startsWith(flag as string) && (await readdir(fresh)).length === 0;
      expect(held, run.stdout).toBe(true);
    });
  }
});
