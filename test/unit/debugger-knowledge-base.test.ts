import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandOf } from '../../src/cli/commands.js';
import { ConfigSchema } from '../../src/core/config/schema.js';
import { projectPaths } from '../../src/core/paths.js';
import { diagnose, type DebugContext } from '../../src/debugger/debugger.js';
import { errorsIn } from '../../src/debugger/facts.js';
import { IssueLogSchema } from '../../src/debugger/issue-log.js';
import { knowledgeBase, withKnowledgeBase } from '../../src/debugger/knowledge-base.js';
import { createNormaliser } from '../../src/debugger/normalise.js';
import { REPO_ROOT } from '../support/cli.js';

const ERRORS = path.join(REPO_ROOT, 'test', 'fixtures', 'debugger', 'errors');
const config = ConfigSchema.parse({
  project: { name: 'shop', subsystem: 'core' },
  handlers: { hosting: { active: 'aws', aws: { region: 'us-east-1', profiles: { discover: 'a', test: 'b', prod: 'c' } } }, iac: { active: 'terraform', terraform: { binary: 'tofu' } } },
  environments: { test: { profile: 'test' }, prod: { profile: 'prod', require_confirmation: true } },
});
const ctx: DebugContext = { config, paths: projectPaths('/nowhere'), display: (f) => f };
const kb = knowledgeBase();
const fixtures = readdirSync(ERRORS).filter((f) => f.endsWith('.txt')).sort();

describe('the built-in knowledge base', () => {
  it('has at least 25 entries and seeds a valid issue log (unique ids, signatures and solution ids)', () => {
    expect(kb.entries.length).toBeGreaterThanOrEqual(25);
    const log = withKnowledgeBase(undefined);
    expect(() => IssueLogSchema.parse(log)).not.toThrow();
    expect(log.issues).toHaveLength(kb.entries.length);
    expect(new Set(kb.entries.map((e) => e.category)).size).toBe(7);
  });

  it('uses only faber-cloud commands and options that exist', () => {
    const global = ['--json', '--cwd', '--verbose', '--no-color'];
    for (const entry of kb.entries) {
      for (const command of entry.solutions.flatMap((s) => s.commands)) {
        if (!command.startsWith('faber-cloud ')) continue;
        const words = command.split(/\s+/).slice(1);
        const def = commandOf(words);
        expect(def, `${entry.id}: ${command}`).toBeDefined();
        const flags = new Set([...global, ...(def?.options ?? []).map((o) => o.flags.split(/[ ,<[]/)[0] as string)]);
        for (const flag of words.filter((w) => w.startsWith('--'))) expect(flags, `${entry.id}: ${command}`).toContain(flag.split('=')[0]);
      }
    }
  });

  it('recognises every sample error as its own entry, at high confidence', () => {
    const log = withKnowledgeBase(undefined);
    const misses: string[] = [];
    for (const file of fixtures) {
      const id = file.replace(/\.[ab]\.txt$/, '');
      const [d] = diagnose(ctx, log, readFileSync(path.join(ERRORS, file), 'utf8'), { env: 'test' });
      const top = d?.matches[0];
      if (top?.issue_id !== id || !['exact', 'high'].includes(top.confidence)) misses.push(`${file}: ${top?.issue_id} ${top?.confidence}`);
      else if (d?.category !== kb.entries.find((e) => e.id === id)?.category) misses.push(`${file}: category ${d?.category}`);
      else if (d?.solutions[0]?.issue_id !== id) misses.push(`${file}: first solution from ${d?.solutions[0]?.issue_id}`);
    }
    expect(misses).toEqual([]);
    expect(fixtures.length).toBe(kb.entries.length * 2);
  });

  it('gives the two runs of each sample error (other names, ids, times) one signature', () => {
    const normalise = createNormaliser({ pattern: '{project}-{subsystem}-{environment}-{resource}', project: 'shop', subsystem: 'core', environments: ['test', 'prod'] });
    const differ: string[] = [];
    for (const entry of kb.entries) {
      const [a] = errorsIn(readFileSync(path.join(ERRORS, `${entry.id}.a.txt`), 'utf8'), normalise);
      const [b] = errorsIn(readFileSync(path.join(ERRORS, `${entry.id}.b.txt`), 'utf8'), normalise);
      if (a?.signature !== b?.signature) differ.push(`${entry.id}:\n  ${a?.normalisedMessage}\n  ${b?.normalisedMessage}`);
    }
    expect(differ).toEqual([]);
  });

  it('fills placeholders when it proposes a solution', () => {
    const [d] = diagnose(ctx, withKnowledgeBase(undefined), readFileSync(path.join(ERRORS, 'state-lock-held.a.txt'), 'utf8'), { env: 'test' });
    const text = JSON.stringify(d?.solutions);
    expect(text).not.toMatch(/\{(env|iac|region|address|resource_type)\}/);
    expect(text).toContain('tofu force-unlock');
  });
});
