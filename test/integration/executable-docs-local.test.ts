import { appendFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commandOf } from '../../src/cli/commands.js';
import { historyEntry } from '../support/artifact-samples.js';
import { runCli, tempDir, type CliRun } from '../support/cli.js';
import { APPLY_LOG, docLines, docLinesOf, fillArgv, problemsOf, runKey, SET_OF, undeclared, type DocLine, type FillContext } from '../support/executable-docs.js';
import { readMarkdown } from '../support/markdown-commands.js';
import { resetMoto } from '../support/moto.js';
import { createProject, type TestProject } from '../support/project.js';

/**
 * Executable docs, the commands that need no cloud (docs: test/support/executable-docs.ts):
 * every such `faber-cloud ...` line of the markdown runs in an init'ed project (init itself in
 * a fresh directory) and must exit as the markdown says.
 */

const LINES = docLines().filter((l) => SET_OF[l.command] === 'local');
const NO_PLAN: FillContext = {
  planId: () => {
    throw new Error('no command of the local set takes a plan');
  },
};

describe('executable docs: local commands', () => {
  let p: TestProject;
  let designs: string;
  const runs = new Map<string, Promise<CliRun>>();

  beforeAll(async () => {
    await resetMoto();
    // multi-module: its Terraform shares no address with what `infra engineer` generates.
    p = await createProject('multi-module');
    designs = path.join(p.dir, '.fractary', 'plugins', 'faber-cloud', 'designs');
    await writeFile(path.join(p.dir, 'apply.log'), APPLY_LOG);
    for (const file of ['requirements.md', 'req.md']) await writeFile(path.join(p.dir, file), '# Uploads\n\nUsers upload avatars; keep them private and encrypted.\n');
    await cp(p.configFile, path.join(p.dir, 'devops-copy.json'));
    // A failed deploy of test, as the history records one: `infra debug --env test` debugs it.
    const failed = { ...historyEntry(2), outcome: 'failed', error_codes: ['E_APPLY_FAILED'], error_message: APPLY_LOG };
    await mkdir(path.dirname(p.artifact('test', 'history.jsonl')), { recursive: true });
    await writeFile(p.artifact('test', 'history.jsonl'), `${JSON.stringify(failed)}\n`);
  });

  /** The state each command's line needs, made before the line runs. */
  async function prepare(line: DocLine): Promise<string> {
    switch (line.command) {
      case 'init': {
        const dir = await tempDir('faber-docs-init-');
        await mkdir(path.join(dir, 'terraform'));
        return dir;
      }
      case 'infra architect':
        // A design is new, unless the line states exit 3 (the design exists).
        await rm(designs, { recursive: true, force: true });
        if (line.expectedExit === 3) await ok(['infra', 'architect', '--feature', 'user uploads', '--json']);
        return p.dir;
      case 'infra engineer': {
        if (!(await readFile(path.join(designs, 'user-uploads.md'), 'utf8').catch(() => ''))) await ok(['infra', 'architect', '--feature', 'user uploads', '--json']);
        // Generated files as generated, unless the line states exit 3 (one was edited by hand).
        await ok(['infra', 'engineer', '--design', 'user-uploads', '--force', '--json']);
        if (line.expectedExit === 3) await appendFile(path.join(p.terraformDir, 's3_bucket.uploads.tf'), '# edited by hand\n');
        return p.dir;
      }
      case 'infra validate': {
        // Valid Terraform, unless the line states exit 1 (a problem to report).
        const bad = path.join(p.terraformDir, 'unformatted.tf');
        if (line.expectedExit === 1) await writeFile(bad, 'resource "terraform_data" "bad" {\ninput="x"\n}\n');
        else await rm(bad, { force: true });
        return p.dir;
      }
      default:
        return p.dir;
    }
  }

  async function ok(argv: string[]): Promise<void> {
    const made = await p.cli(argv);
    expect(made.code, made.stdout + made.stderr).toBe(0);
  }

  async function run(line: DocLine): Promise<CliRun> {
    const argv = fillArgv(line, NO_PLAN);
    const key = runKey(line, argv);
    // init runs in a fresh directory each time; the rest run once per distinct line.
    if (line.command === 'init' || !runs.has(key)) {
      const cwd = await prepare(line);
      runs.set(key, runCli(argv, { cwd, env: p.env, ...(line.piped ? { input: APPLY_LOG } : {}) }));
    }
    return runs.get(key)!;
  }

  it('found the lines of every local command', () => {
    const found = new Set(LINES.map((l) => l.command));
    for (const [command, set] of Object.entries(SET_OF)) if (set === 'local') expect(found, command).toContain(command);
  });

  it.each(LINES.map((l) => [`${l.where}: ${l.text}`, l] as const))('%s', async (_, line) => {
    const result = await run(line);
    expect(problemsOf(line, result), `${line.where}: \`${line.text}\`\n${result.stdout}${result.stderr}`).toEqual([]);
  });
});

describe('executable docs: the check fails on stale markdown', () => {
  let p: TestProject;
  beforeAll(async () => {
    p = await createProject('multi-module');
    await cp(p.configFile, path.join(p.dir, 'devops-copy.json'));
  });

  /** The problems of every line of a markdown text, run in the project. */
  async function check(text: string): Promise<string[]> {
    const lines = docLinesOf([{ rel: 'mutated.md', text, bodyStart: 1 }]);
    expect(lines.length).toBeGreaterThan(0);
    const out: string[] = [];
    for (const line of lines) out.push(...problemsOf(line, await runCli(fillArgv(line, { planId: () => '0123456789ab' }), { cwd: p.dir, env: p.env })));
    return out;
  }

  it('an option renamed in the CLI (the markdown keeps the old name) fails', async () => {
    const real = readMarkdown('plugin/skills/infra-validator/SKILL.md').text;
    const line = real.split('\n').find((l) => l.includes('faber-cloud config validate --file'))!;
    expect(await check(line)).toEqual([]);
    expect((await check(line.replace('--file', '--config-file'))).join('\n')).toMatch(/exited 2 E_USAGE: unknown option '--config-file'.*0 is expected/);
  });

  it('an exit code the markdown states differently fails, and so does one the definition does not declare', async () => {
    await p.cli(['infra', 'architect', '--feature', 'user uploads', '--json']);
    const stated = "`faber-cloud infra architect --feature 'user uploads' --json` (exit 3)";
    expect(await check(stated)).toEqual([]);
    expect((await check(stated.replace('(exit 3)', '(exit 2)'))).join('\n')).toMatch(/exited 3 E_GUARD_DESIGN_EXISTS.*states \(exit 2\)/);
    // The same run against a definition whose exit facts lost exit 3.
    const run = await p.cli(['infra', 'architect', '--feature', 'user uploads', '--json']);
    const def = commandOf(['infra', 'architect'])!;
    expect(undeclared(def, run)).toEqual([]);
    expect(undeclared({ ...def, exits: def.exits!.filter((e) => e.code !== 3) }, run)).toEqual(['infra architect exited 3, which its definition does not declare']);
    expect(undeclared({ ...def, exits: def.exits!.map((e) => (e.code === 3 ? { ...e, errors: ['E_OTHER'] } : e)) }, run)).toEqual([
      'infra architect gave E_GUARD_DESIGN_EXISTS with exit 3, which its definition does not declare',
    ]);
  });
});
