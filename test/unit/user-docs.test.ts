// What a user reading the README and docs/ can rely on: every relative link opens a file
// they have (a clone of this repository), nothing points at files outside it (the design
// notes the project was started from are not shipped: docs/ARCHITECTURE.md says it in its
// own words), and the requirements the README states match package.json.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

const DOCS = ['README.md', ...readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (rel: string) => readFileSync(path.join(REPO_ROOT, rel), 'utf8');

/** Relative markdown links of `text`, with their line numbers (fenced code blocks skipped). */
function relativeLinks(text: string): Array<{ line: number; target: string }> {
  const out: Array<{ line: number; target: string }> = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) return;
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] as string;
      if (!/^[a-z]+:/i.test(target) && !target.startsWith('#')) out.push({ line: i + 1, target });
    }
  });
  return out;
}

describe('README and docs/', () => {
  it('found the pages', () => {
    expect(DOCS).toEqual(expect.arrayContaining(['README.md', 'docs/ARCHITECTURE.md', 'docs/PLUGIN.md', 'docs/DECISIONS.md']));
  });

  it.each(DOCS)('%s: every relative link opens a file of the repository', (rel) => {
    for (const { line, target } of relativeLinks(read(rel))) {
      const file = path.resolve(REPO_ROOT, path.dirname(rel), decodeURIComponent(target.split('#')[0] as string));
      expect(file.startsWith(REPO_ROOT + path.sep), `${rel}:${line}: ${target} leaves the repository`).toBe(true);
      expect(existsSync(file) && statSync(file).isFile(), `${rel}:${line}: ${target} does not exist`).toBe(true);
    }
  });

  it.each(DOCS)('%s: names no file users do not have (../shared/, DESIGN.md, DESIGN §n)', (rel) => {
    read(rel)
      .split('\n')
      .forEach((line, i) => {
        expect(line, `${rel}:${i + 1}`).not.toMatch(/\.\.\/shared\/|\bshared\/(DESIGN|TEST-TOOLS)|\bDESIGN\.md\b|\bDESIGN §/);
      });
  });

  it('the link checker finds a broken link and a link out of the repository', () => {
    expect(relativeLinks('see [a](docs/NOPE.md) and [b](../shared/DESIGN.md), not `[c](x.md)` in\n```\n[d](y.md)\n```').map((l) => l.target)).toEqual([
      'docs/NOPE.md',
      '../shared/DESIGN.md',
      'x.md',
    ]);
  });

  it('the README states the Node version of package.json engines for plugin users', () => {
    const engines = JSON.parse(read('package.json')).engines.node as string;
    const minimum = /^>=\s*(\d+(?:\.\d+)*)$/.exec(engines)?.[1];
    expect(minimum, engines).toBeDefined();
    const install = read('README.md').split('\n## ').find((s) => s.startsWith('Install into Claude Code')) ?? '';
    expect(install).toMatch(new RegExp(`Node\\.js \\*\\*${minimum!.replace('.', '\\.')} or later\\*\\*`));
    expect(JSON.parse(read('plugin/package.json')).engines?.node).toBe(engines);
  });

  it('the README reports the installed size, within the budget the e2e install test enforces', () => {
    const install = read('README.md').split('\n## ').find((s) => s.startsWith('Install into Claude Code')) ?? '';
    const size = /Installed size: \*\*([\d.]+) MB\*\*/.exec(install);
    expect(size, 'README "Install into Claude Code" names the installed size').not.toBeNull();
    expect(Number(size![1])).toBeLessThanOrEqual(15);
  });
});

describe('/fractary-faber-cloud:init', () => {
  it('asks for a missing AWS account id (AskUserQuestion) before running init, and never invents one', () => {
    const text = read('plugin/commands/init.md');
    expect(text).toMatch(/^allowed-tools:.*AskUserQuestion/m);
    const steps = text.split(/\n(?=\d+\. )/);
    const ask = steps.findIndex((s) => /No `--account-id`/.test(s) && /AskUserQuestion/.test(s));
    const run = steps.findIndex((s) => /Run `faber-cloud init --json`/.test(s));
    expect(ask, 'a step asks for the account id').toBeGreaterThan(0);
    expect(ask, 'it comes before init runs').toBeLessThan(run);
    expect(steps[ask]).toMatch(/12 digits/);
    expect(steps[ask]).toMatch(/never guess/);
    expect(steps[ask]).toContain('--account-id <account-id>');
  });
});
