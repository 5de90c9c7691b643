import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';
import { REPO_ROOT } from '../support/cli.js';

// The exit facts each definition declares (src/cli/exits.ts) are the home of docs/COMMANDS.md.
// Here: their shape, and that every error code named is one the code raises. That each exit and
// error code observed when the documented command lines run is declared is checked by
// test/integration/executable-docs.test.ts.

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Error codes written as literals in the code that raises them (not in the exit facts themselves). */
const RAISED = new Set(
  sourceFiles(path.join(REPO_ROOT, 'src'))
    .filter((f) => !f.includes(`${path.sep}command-sets${path.sep}`) && !f.endsWith(`${path.sep}exits.ts`))
    .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'(E_[A-Z_]+)'/g)].map((m) => m[1] as string)),
);

describe('command exit facts', () => {
  it.each(commands.map((c) => [c.path.join(' '), c] as const))('%s: declares exit 0 and 2, each code once, in order', (_, def) => {
    const exits = def.exits ?? [];
    expect(exits.map((e) => e.code)).toContain(0);
    expect(exits.map((e) => e.code)).toContain(2);
    const keys = exits.map((e) => `${e.code}${e.okTrue ? '+ok' : ''}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(exits.map((e) => e.code)).toEqual([...exits.map((e) => e.code)].sort());
    for (const e of exits) {
      expect(e.when.trim().length, `${def.path.join(' ')} exit ${e.code}`).toBeGreaterThan(3);
      if (e.okTrue) expect(e.code === 1 && !e.errors?.length).toBe(true);
      if (e.code !== 0 && !e.okTrue) expect(e.errors?.length, `${def.path.join(' ')} exit ${e.code} names no error code`).toBeGreaterThan(0);
    }
  });

  it.each(commands.map((c) => [c.path.join(' '), c] as const))('%s: names only error codes the code raises, under their exit', (_, def) => {
    for (const e of def.exits ?? []) {
      for (const code of e.errors ?? []) {
        expect(RAISED.has(code), `${code} is raised nowhere in src/`).toBe(true);
        if (/^E_GUARD_|^E_LOCK/.test(code) || code === 'E_CONFIG_EXISTS') expect(e.code, code).toBe(3);
        else if (/^E_(USAGE|CONFIG|PROJECT|ARTIFACT|DESIGN|INPUT)/.test(code)) expect(e.code, code).toBe(2);
      }
    }
  });
});
