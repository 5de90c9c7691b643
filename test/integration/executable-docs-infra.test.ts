import { beforeAll, describe, expect, it } from 'vitest';
import { type CliRun } from '../support/cli.js';
import { APPLY_LOG, docLines, envOfLine, fillArgv, problemsOf, runKey, SET_OF, type DocLine } from '../support/executable-docs.js';
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
const LINES = docLines()
  .filter((l) => SET_OF[l.command] === 'infra')
  .map((l, i) => [l, i] as const)
  .sort(([a, i], [b, j]) => ORDER.indexOf(a.command) - ORDER.indexOf(b.command) || i - j)
  .map(([l]) => l);

describe('executable docs: infrastructure lifecycle', () => {
  let p: TestProject;
  const plans = new Map<string, string>();
  const runs = new Map<string, CliRun>();

  beforeAll(async () => {
    await resetMoto();
    p = await createProject('multi-module');
    // The profiles as IAM users, so that `permissions grant` has a deploy user to attach to.
    await createGrantProfileUsers();
  });

  async function run(line: DocLine): Promise<CliRun> {
    // Identical lines (the plan aside) run once: a second deploy of the same reviewed plan tells nothing new.
    const same = runKey(line, fillArgv(line, { planId: () => 'plan' }));
    if (runs.has(same)) return runs.get(same)!;
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
    runs.set(same, await p.cli(argv, line.piped ? { input: APPLY_LOG } : {}));
    return runs.get(same)!;
  }

  it('found the lines of every lifecycle command', () => {
    const found = new Set(LINES.map((l) => l.command));
    for (const command of ORDER) expect(found, command).toContain(command);
  });

  it.each(LINES.map((l) => [`${l.where}: ${l.text}`, l] as const))(
    '%s',
    async (_, line) => {
      const result = await run(line);
      expect(problemsOf(line, result), `${line.where}: \`${line.text}\`\n${result.stdout}${result.stderr}`).toEqual([]);
    },
    180_000,
  );
});

