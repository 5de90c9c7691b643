import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { IacRunner, resolveIacBinary } from '../../src/handlers/iac/terraform/runner.js';
import { REPO_ROOT, runCli, tempDir, type CliRun } from './cli.js';
import { MOTO_ACCOUNT_ID, defaultProfiles, writeProfiles } from './moto.js';
import { iacEnv } from './tools.js';

export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'terraform');

export interface TestProject {
  dir: string;
  terraformDir: string;
  configFile: string;
  env: NodeJS.ProcessEnv;
  /** The built CLI, run in the project with the test tools and moto profiles. */
  cli(args: string[], options?: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<CliRun>;
  /** What the IaC tool itself says is in the environment's state (workspace = env), sorted by address. */
  state(env: string): Promise<{ address: string; id: string }[]>;
  artifact(env: string, name: string): string;
  readJson(file: string): Promise<any>;
  editConfig(edit: (config: any) => void): Promise<void>;
}

/**
 * A fresh project: the fixture (a name in test/fixtures/terraform, or an absolute path) as
 * ./terraform, `faber-cloud init`, and moto profiles for it.
 */
export async function createProject(fixture: string, options: { project?: string; accountId?: string } = {}): Promise<TestProject> {
  const project = options.project ?? 'life';
  const dir = await tempDir(`faber-${path.basename(fixture)}-`);
  const terraformDir = path.join(dir, 'terraform');
  await cp(path.resolve(FIXTURES, fixture), terraformDir, { recursive: true });
  const env = { ...iacEnv() };
  const cli = (args: string[], o: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}) =>
    runCli(args, { cwd: dir, env: { ...env, ...o.env }, ...(o.input !== undefined ? { input: o.input } : {}), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) });
  const init = await cli(['init', '--project', project, '--region', 'us-east-1', '--account-id', options.accountId ?? MOTO_ACCOUNT_ID, '--json']);
  if (init.code !== 0) throw new Error(`init failed: ${init.stdout}${init.stderr}`);
  await writeProfiles(defaultProfiles(project));
  const base = path.join(dir, '.fractary', 'plugins', 'faber-cloud');
  const configFile = path.join(base, 'config', 'devops.json');
  return {
    dir,
    terraformDir,
    configFile,
    env,
    cli,
    async state(name) {
      const toolEnv = { ...process.env, ...env, TF_WORKSPACE: name };
      const runner = new IacRunner(await resolveIacBinary('auto', toolEnv), { cwd: terraformDir, env: toolEnv });
      // Walked here independently of src/: the test must not trust the code it checks.
      const found: { address: string; id: string }[] = [];
      const walk = (mod: any) => {
        for (const r of mod?.resources ?? []) if (r.mode === 'managed') found.push({ address: r.address, id: r.values.id });
        for (const child of mod?.child_modules ?? []) walk(child);
      };
      walk(((await runner.showJson()) as any).values?.root_module);
      return found.sort((a, b) => a.address.localeCompare(b.address));
    },
    artifact: (name, file) => path.join(base, 'deployments', name, file),
    readJson: async (file) => JSON.parse(await readFile(file, 'utf8')),
    async editConfig(edit) {
      const config = JSON.parse(await readFile(configFile, 'utf8'));
      edit(config);
      await writeFile(configFile, JSON.stringify(config, null, 2));
    },
  };
}

/** The environment's history.jsonl as parsed lines (none when it does not exist yet). */
export async function historyLines(p: TestProject, env = 'test'): Promise<any[]> {
  const text = await readFile(p.artifact(env, 'history.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}
