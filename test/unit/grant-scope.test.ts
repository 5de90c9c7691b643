import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, DEFAULT_NAMING_PATTERN, resourceNamePrefix } from '../../src/core/config/schema.js';
import { REPO_ROOT } from '../support/cli.js';

/** The two open grant-scoping questions of issue 13 (docs/DECISIONS.md, "Grant scoping"). */

const base = () => JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'valid-config.json'), 'utf8'));

function issuesFor(mutate: (c: any) => void): { path: string; message: string }[] {
  const config = base();
  mutate(config);
  const result = ConfigSchema.safeParse(config);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('environment names whose resource prefixes overlap', () => {
  it('rejects an environment whose names fall inside another environment\'s grant pattern (test / test-2)', () => {
    const issues = issuesFor((c) => {
      c.environments['test-2'] = { profile: 'test' };
    });
    expect(issues).toEqual([
      {
        path: 'environments.test-2',
        message: expect.stringContaining("environment 'test-2' names its resources myapp-core-test-2-…, inside the grant pattern myapp-core-test-* of environment 'test'"),
      },
    ]);
  });

  it('follows the naming pattern, not a fixed separator', () => {
    // No separator after {environment}: "test" also covers "testing".
    expect(
      issuesFor((c) => {
        c.resource_naming = { pattern: '{project}-{environment}{resource}' };
        c.environments.testing = { profile: 'test' };
      }).map((i) => i.path),
    ).toEqual(['environments.testing']);
    // {environment} first: prefixes test-myapp- and test-2-myapp- do not overlap.
    expect(
      issuesFor((c) => {
        c.resource_naming = { pattern: '{environment}-{project}-{resource}' };
        c.environments['test-2'] = { profile: 'test' };
      }),
    ).toEqual([]);
  });

  it('accepts names that share a start but not a prefix (stage / staging, test / test2)', () => {
    expect(
      issuesFor((c) => {
        c.environments.stage = { profile: 'test' };
        c.environments.staging = { profile: 'test' };
        c.environments.test2 = { profile: 'test' };
      }),
    ).toEqual([]);
  });

  it('computes the prefix the grant planner scopes to', () => {
    expect(resourceNamePrefix(DEFAULT_NAMING_PATTERN, { project: 'myapp', subsystem: 'core', environment: 'test' })).toBe('myapp-core-test-');
    expect(resourceNamePrefix('{project}-{resource}', { project: 'a', subsystem: 'b', environment: 'c' })).toBeUndefined();
  });
});
