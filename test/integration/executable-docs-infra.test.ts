import { beforeAll, describe, expect } from 'vitest';
import { type CliRun } from '../support/cli.js';
import { APPLY_LOG, envOfLine, fillArgv, runKey, testOrderedLines, type DocLine } from '../support/executable-docs.js';
import { createGrantProfileUsers, resetMoto } from '../support/moto.js';
import { createProject, type TestProject } from '../support/project.js';

/**
 * Executable docs, the infrastructure lifecycle (docs: test/support/executable-docs.ts): every
 * preview/deploy/test/show-resources/history/grant/destroy line of the markdown runs against
 * moto in one project whose Terraform (test/fixtures/terraform/multi-module: no provider to
 * start, so a plan takes seconds) really deploys, in
 * lifecycle order, and must exit as the markdown says. A line with `--plan` gets the plan of a
 * preview made just before it (a destroy line: of a destroy preview; a drift line: the drift id
 * of an `infra drift` run just before it).
 */

/** Lifecycle order: what each command needs has happened before it. Destroy is last. */
const ORDER = ['infra preview', 'permissions preflight', 'infra deploy', 'infra test', 'infra show-resources', 'infra history', 'infra drift', 'infra adopt', 'permissions grant', 'infra destroy'];

describe('executable docs: infrastructure lifecycle', () => {
  let p: TestProject;
  const plans = new Map<string, string>();

  beforeAll(async () => {
    await resetMoto();
    p = await createProject('multi-module');
    // The profiles as IAM users, so that `permissions grant` has a deploy user to attach to.
    await createGrantProfileUsers();
  });

  async function run(line: DocLine): Promise<CliRun> {
    const drift = line.command === 'infra drift';
    if (line.words.includes('--plan')) {
      const env = envOfLine(line);
      const destroy = line.command === 'infra destroy';
      if (drift) {
        const found = await p.cli(['infra', 'drift', '--env', env, '--json']);
        expect([0, 1], found.stdout + found.stderr).toContain(found.code);
        plans.set(`${env}:drift`, found.json.data.drift_id);
      } else {
        const preview = await p.cli(['infra', 'preview', '--env', env, ...(destroy ? ['--destroy'] : []), '--json']);
        expect(preview.code, preview.stdout + preview.stderr).toBe(0);
        plans.set(`${env}:${destroy}`, preview.json.data.plan_id);
      }
    }
    const argv = fillArgv(line, { planId: (env, destroy) => plans.get(`${env}:${drift ? 'drift' : destroy}`) ?? '0123456789ab' });
    return p.cli(argv, line.piped ? { input: APPLY_LOG } : {});
  }

  testOrderedLines({
    set: 'infra',
    order: ORDER,
    what: 'lifecycle',
    // Identical lines (the plan aside) run once: a second deploy of the same reviewed plan tells nothing new.
    key: (line) => runKey(line, fillArgv(line, { planId: () => 'plan' })),
    run,
    timeoutMs: 180_000,
  });
});
