import { describe, expect, it } from 'vitest';
import { substituteEnv } from '../../src/core/config/env-substitution.js';
import { suggestKey } from '../../src/core/config/issues.js';
import { projectNameFrom } from '../../src/core/init/init-project.js';
import { missingGitignoreEntries, GITIGNORE_ENTRIES } from '../../src/core/init/gitignore.js';
import { IacRunner } from '../../src/handlers/iac/terraform/runner.js';

describe('suggestKey', () => {
  it.each([
    ['activ', ['active', 'aws'], 'active'],
    ['profils', ['region', 'account_id', 'profiles'], 'profiles'],
    ['enviroments', ['project', 'environments', 'handlers'], 'environments'],
    ['zzz', ['active', 'terraform'], undefined],
  ])('%s -> %s', (key, known, expected) => {
    expect(suggestKey(key, known)).toBe(expected);
  });
});

describe('substituteEnv', () => {
  it('replaces variables, applies defaults, honours $${ and leaves annotations alone', () => {
    const out = substituteEnv(
      { a: '${A}', b: 'x-${B:-dflt}-y', c: ['$${literal}'], $comment: 'uses ${NOT_SET}', n: 3 },
      { A: 'one' },
    );
    expect(out).toEqual({ a: 'one', b: 'x-dflt-y', c: ['${literal}'], $comment: 'uses ${NOT_SET}', n: 3 });
  });

  it('names the path of an unset variable', () => {
    expect(() => substituteEnv({ handlers: { list: ['ok', '${MISSING_X}'] } }, {})).toThrow(/handlers\.list\[1\]: environment variable MISSING_X is not set/);
  });
});

describe('projectNameFrom', () => {
  it.each([
    ['My Web_App', 'my-web-app'],
    ['123-service', 'service'],
    ['---', undefined],
    ['a'.repeat(60), 'a'.repeat(40)],
  ])('%s -> %s', (dir, expected) => {
    expect(projectNameFrom(dir)).toBe(expected);
  });
});

describe('gitignore entries', () => {
  it('finds only what is missing, accepting root-anchored forms', () => {
    expect(missingGitignoreEntries('')).toEqual(GITIGNORE_ENTRIES);
    expect(missingGitignoreEntries('/.terraform/\n*.tfplan\n')).not.toContain('.terraform/');
    expect(missingGitignoreEntries(GITIGNORE_ENTRIES.join('\n'))).toEqual([]);
  });

  it('keeps incident reports (raw log excerpts) and per-machine run records out of git', () => {
    expect(GITIGNORE_ENTRIES).toContain('.fractary/plugins/faber-cloud/incidents/');
    expect(GITIGNORE_ENTRIES).toContain('.fractary/plugins/faber-cloud/deployments/*/.running.json');
  });
});

describe('IacRunner.argv', () => {
  it('adds the non-interactive flags each subcommand accepts, right after it', () => {
    expect(IacRunner.argv(['plan', '-out=p.tfplan'])).toEqual(['plan', '-no-color', '-input=false', '-out=p.tfplan']);
    expect(IacRunner.argv(['show', '-json'])).toEqual(['show', '-no-color', '-json']);
    expect(IacRunner.argv(['version', '-json'])).toEqual(['version', '-json']);
    expect(IacRunner.argv(['workspace', 'select', 'test'])).toEqual(['workspace', 'select', '-no-color', 'test']);
    // Both two-word reads the deploy runs: the flag after the second word, where the tool takes it.
    expect(IacRunner.argv(['state', 'pull'])).toEqual(['state', 'pull', '-no-color']);
    expect(IacRunner.argv(['providers', 'schema', '-json'])).toEqual(['providers', 'schema', '-no-color', '-json']);
    expect(IacRunner.argv(['apply', '-input=false', 'p'])).toEqual(['apply', '-no-color', '-input=false', 'p']);
  });
});
