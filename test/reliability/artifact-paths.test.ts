import { cp, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandDefinition } from '../../src/cli/definition.js';
import { projectPaths, type EnvironmentPaths, type ProjectPaths } from '../../src/core/paths.js';
import { runCli, snapshotTree, tempDir, type CliRun } from '../support/cli.js';
import { writeRegistryFile } from '../support/ops-monitor-seed.js';
import { createProject, type TestProject } from '../support/project.js';
import { ALL_COMMANDS, CellTally, commandName, exampleArgv, shellWords } from './support/cells.js';

/**
 * Issue 13, defect 2: no artifact is written through a link or outside the project.
 * Cells: every artifact (the fields of projectPaths() and env(), plus designs/<slug>.md and
 * each generated .tf file) × each kind of link a cloned repository can hold × each command
 * that writes that artifact -> exit 2, E_ARTIFACT_UNSAFE_PATH under --json, the file or
 * directory outside exactly as it was (content and mtime), never E_INTERNAL.
 */

const tally = new CellTally('artifact-paths');
const ENV = 'test';

type ProjectField = Exclude<keyof ProjectPaths, 'root' | 'env'>;
type EnvField = keyof EnvironmentPaths;

/** The artifact list, from the code's own path module. */
const sample = projectPaths('/project');
const PROJECT_FIELDS = (Object.keys(sample) as (keyof ProjectPaths)[]).filter((k): k is ProjectField => k !== 'root' && typeof sample[k] === 'string');
const ENV_FIELDS = Object.keys(sample.env(ENV)) as EnvField[];

/** Which artifacts are directories (the rest are files). */
const DIRECTORIES = new Set<string>([
  'project.faberDir',
  'project.deploymentsDir',
  'project.designsDir',
  'project.incidentsDir',
  'project.iamAuditLockDir',
  'project.issueLogLockDir',
  'project.learnedPermissionsLockDir',
  'env.dir',
  'env.plansDir',
  'env.lockFile',
  'env.grantLockDir',
  'env.testsDir',
  'tool:.terraform',
  'tool:terraform.tfstate.d',
]);

/** What the IaC tool itself writes in the terraform directory (init, local state, workspaces). */
const TOOL_PATHS = ['.terraform', '.terraform.lock.hcl', 'terraform.tfstate', 'terraform.tfstate.d'];

/** Commands that write no project file (each checked to be in the registry). */
const READ_ONLY = ['config show', 'config validate', 'infra show-resources', 'infra history', 'ops check-health', 'ops query-logs', 'ops audit', 'permissions parse-error', 'permissions audit', 'permissions preflight', 'director'];

/** artifact -> the commands that write it: the one table the cells are generated from. */
const WRITERS: Record<string, string[]> = {
  'project.faberDir': ['init', 'infra architect'],
  'project.configFile': ['init'],
  'project.deploymentsDir': ['infra preview', 'infra deploy', 'permissions grant'],
  'project.designsDir': ['infra architect'],
  'project.iamAuditFile': ['permissions grant', 'infra deploy'],
  'project.iamAuditLockDir': ['permissions grant', 'infra deploy'],
  'project.issueLogFile': ['infra debug', 'infra deploy', 'infra destroy'],
  'project.issueLogLockDir': ['infra debug', 'infra deploy'],
  'project.incidentsDir': ['ops investigate'],
  'project.learnedPermissionsFile': ['infra deploy'],
  'project.learnedPermissionsLockDir': ['infra deploy'],
  'env.dir': ['infra preview', 'infra test', 'infra deploy', 'infra destroy', 'ops remediate', 'permissions grant'],
  'env.registryFile': ['infra deploy', 'infra destroy', 'infra drift'],
  'env.deployedMarkdownFile': ['infra deploy', 'infra destroy', 'infra drift'],
  'env.historyFile': ['infra deploy', 'infra destroy', 'ops remediate', 'infra drift'],
  'env.plansDir': ['infra preview', 'infra test', 'infra deploy', 'infra destroy', 'infra drift', 'infra adopt'],
  'env.lockFile': ['infra preview', 'infra test', 'infra deploy', 'infra destroy', 'ops remediate', 'infra drift', 'infra adopt'],
  'env.grantLockDir': ['permissions grant', 'infra deploy'],
  'env.runFile': ['infra deploy', 'infra destroy'],
  'env.testsDir': ['infra test', 'infra deploy'],
  design: ['infra architect'],
  tf: ['infra engineer'],
  tool: ['infra validate', 'infra preview', 'infra adopt'],
};

const LINK_KINDS = ['link-to-outside', 'dangling-link', 'linked-parent'] as const;
type LinkKind = (typeof LINK_KINDS)[number];

function definition(name: string): CommandDefinition {
  const def = ALL_COMMANDS.find((c) => commandName(c) === name);
  if (!def) throw new Error(`no command '${name}' in the registry`);
  return def;
}

/** The command's argv from its registry examples: the example that writes, with this project's values. */
function writerArgv(name: string): string[] {
  const def = definition(name);
  switch (name) {
    case 'init':
      return [...exampleArgv(def, { '--project': 'life', '--account-id': '123456789012' }), '--force'];
    case 'infra architect':
      return [...exampleArgv(def, { '--feature': 'user uploads' }), '--force'];
    case 'infra engineer':
      return exampleArgv(def, { '--design': 'user-uploads' });
    case 'infra debug': {
      // Diagnosing reads only; recording an outcome writes the issue log.
      const example = (def.examples ?? []).find((e) => e.includes('--record-outcome'));
      if (!example) throw new Error('infra debug has no --record-outcome example');
      return shellWords(example).slice(1);
    }
    case 'ops remediate':
      return [...exampleArgv(def, { '--env': ENV }), '--apply'];
    case 'ops investigate':
      return exampleArgv(def, { '--env': ENV });
    default:
      return exampleArgv(def, { '--env': ENV });
  }
}

let template: TestProject;
let generatedTf: string[] = [];

/** Absolute path of an artifact in a project copy. */
function artifactPath(root: string, artifact: string): string {
  const paths = projectPaths(root);
  if (artifact.startsWith('project.')) return paths[artifact.slice('project.'.length) as ProjectField];
  if (artifact.startsWith('env.')) return paths.env(ENV)[artifact.slice('env.'.length) as EnvField];
  if (artifact === 'design') return path.join(paths.designsDir, 'user-uploads.md');
  if (artifact.startsWith('tf:')) return path.join(root, 'terraform', artifact.slice(3));
  if (artifact.startsWith('tool:')) return path.join(root, 'terraform', artifact.slice(5));
  throw new Error(`unknown artifact ${artifact}`);
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Plant the link in a fresh copy of the template; returns the project and the outside directory. */
async function plant(artifact: string, kind: LinkKind): Promise<{ dir: string; outside: string }> {
  const dir = await tempDir('faber-ap-');
  await cp(template.dir, dir, { recursive: true });
  const outside = await tempDir('faber-ap-outside-');
  const target = artifactPath(dir, artifact);
  const isDir = DIRECTORIES.has(artifact);
  if (kind === 'link-to-outside') {
    // What the link points to looks exactly like the artifact (a copy), so every read succeeds.
    const there = path.join(outside, path.basename(target));
    if (await exists(target)) await cp(target, there, { recursive: true });
    else if (isDir) {
      await mkdir(there);
      await writeFile(path.join(there, 'victim.txt'), 'ORIGINAL\n');
    } else await writeFile(there, 'ORIGINAL\n');
    await rm(target, { recursive: true, force: true });
    await mkdir(path.dirname(target), { recursive: true });
    await symlink(there, target);
  } else if (kind === 'dangling-link') {
    await rm(target, { recursive: true, force: true });
    await mkdir(path.dirname(target), { recursive: true });
    await symlink(path.join(outside, 'not-there-yet'), target);
  } else {
    const parent = path.dirname(target);
    const there = path.join(outside, path.basename(parent));
    await mkdir(parent, { recursive: true });
    await cp(parent, there, { recursive: true });
    await writeFile(path.join(there, 'victim.txt'), 'ORIGINAL\n');
    await rm(parent, { recursive: true, force: true });
    await symlink(there, parent);
  }
  return { dir, outside };
}

function run(dir: string, argv: string[]): Promise<CliRun> {
  return runCli([...argv, '--json'], { cwd: dir, env: template.env });
}

const ARTIFACTS = [...PROJECT_FIELDS.map((f) => `project.${f}`), ...ENV_FIELDS.map((f) => `env.${f}`), 'design', 'tf', 'tool'];

beforeAll(async () => {
  // A project with every artifact a deploy leaves behind: config, a design and its generated
  // Terraform, a registry, history, DEPLOYED.md, IAM audit, issue log, incidents, tests, plans.
  template = await createProject('multi-module');
  const architect = await template.cli(['infra', 'architect', '--feature', 'user uploads', '--json']);
  expect(architect.code, architect.stdout).toBe(0);
  const engineer = await template.cli(['infra', 'engineer', '--design', 'user-uploads', '--json']);
  expect(engineer.code, engineer.stdout).toBe(0);
  generatedTf = (engineer.json.data.files as { file: string; status: string }[]).filter((f) => f.status === 'created').map((f) => path.basename(f.file));
  expect(generatedTf.length).toBeGreaterThan(1);
  const debug = await template.cli(['infra', 'debug', '--record-outcome', 's3-bucket-rename', 'success', '--json']);
  expect(debug.code, debug.stdout).toBe(0);
  const paths = projectPaths(template.dir);
  const env = paths.env(ENV);
  await writeRegistryFile(env.registryFile, ENV, [{ address: 'aws_ecs_service.api', type: 'aws_ecs_service', id: 'arn:aws:ecs:us-east-1:123456789012:service/life/api', arn: 'arn:aws:ecs:us-east-1:123456789012:service/life/api' }]);
  const entry = { id: 'd-1', operation: 'deploy', env: ENV, started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:01:00.000Z', duration_ms: 60000, outcome: 'success', profile: 'life-test-deploy', account: '123456789012', caller_arn: 'arn:aws:iam::123456789012:user/x', plan_id: null, add: 1, change: 0, destroy: 0, auto_fix_rounds: 0, error_codes: [] };
  await writeFile(env.historyFile, `${JSON.stringify(entry)}\n`);
  await writeFile(env.deployedMarkdownFile, '<!-- generated by faber-cloud -->\n# test\n');
  await writeFile(paths.iamAuditFile, `${JSON.stringify({ schema_version: 1, entries: [] })}\n`);
  for (const d of [paths.incidentsDir, env.testsDir, env.plansDir]) await mkdir(d, { recursive: true });
}, 300_000);

describe('the artifact table', () => {
  it('names a writer for every artifact of projectPaths() and env(), each a command of the registry', () => {
    expect(Object.keys(WRITERS).sort()).toEqual([...ARTIFACTS].sort());
    for (const writers of Object.values(WRITERS)) {
      expect(writers.length).toBeGreaterThan(0);
      for (const name of writers) expect(() => definition(name)).not.toThrow();
    }
  });

  it('leaves no command of the registry out: each writes an artifact of the table or is read-only', () => {
    const writers = new Set(Object.values(WRITERS).flat());
    for (const name of READ_ONLY) expect(() => definition(name)).not.toThrow();
    expect(ALL_COMMANDS.map(commandName).filter((name) => !writers.has(name) && !READ_ONLY.includes(name))).toEqual([]);
  });
});

describe('artifact × link × writer: refused with exit 2 before anything outside changes', () => {
  const cells = ARTIFACTS.flatMap((artifact) => LINK_KINDS.flatMap((kind) => WRITERS[artifact]!.map((command) => ({ artifact, kind, command }))));

  it.each(cells)('$artifact × $kind × $command', async ({ artifact, kind, command }) => {
    const artifacts = artifact === 'tf' ? generatedTf.map((name) => `tf:${name}`) : artifact === 'tool' ? TOOL_PATHS.map((name) => `tool:${name}`) : [artifact];
    for (const one of artifacts) {
      const { dir, outside } = await plant(one, kind);
      const before = await snapshotTree(outside);
      const result = await run(dir, writerArgv(command));
      const after = await snapshotTree(outside);
      const code = result.json?.error?.code;
      const held = result.code === 2 && code === 'E_ARTIFACT_UNSAFE_PATH' && JSON.stringify(after) === JSON.stringify(before);
      tally.record(`${one} × ${kind} × ${command}`, held, held ? undefined : `exit ${result.code} ${code ?? result.stdout.slice(0, 200)}`);
      expect(code, result.stdout + result.stderr).not.toBe('E_INTERNAL');
      expect(result.code, result.stdout + result.stderr).toBe(2);
      expect(code).toBe('E_ARTIFACT_UNSAFE_PATH');
      expect(after).toEqual(before);
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('regressions (issue 13, defect 2 as reproduced)', () => {
  it('init --terraform-dir outside the project is refused unless opted in; a config pointing outside makes infra engineer refuse', async () => {
    const dir = await tempDir('faber-ap-init-');
    const outside = await tempDir('faber-ap-etc-');
    await writeFile(path.join(outside, 'passwd'), 'ORIGINAL\n');
    const before = await snapshotTree(outside);
    const init = ['init', '--project', 'life', '--account-id', '123456789012', '--json'];

    const refused = await runCli([...init, '--terraform-dir', outside], { cwd: dir, env: template.env });
    expect(refused.code, refused.stdout).toBe(2);
    expect(refused.json.error.code).toBe('E_ARTIFACT_UNSAFE_PATH');
    expect(refused.json.error.hint).toContain('--allow-terraform-outside-project');
    expect(await exists(path.join(dir, '.fractary'))).toBe(false);

    // The same through a link: ./infra -> outside.
    await symlink(outside, path.join(dir, 'infra'));
    const linked = await runCli([...init, '--terraform-dir', './infra'], { cwd: dir, env: template.env });
    expect(linked.code, linked.stdout).toBe(2);
    expect(linked.json.error.code).toBe('E_ARTIFACT_UNSAFE_PATH');

    // A config edited (or cloned) to point outside: the engineer writes nothing there.
    const ok = await runCli(init, { cwd: dir, env: template.env });
    expect(ok.code, ok.stdout).toBe(0);
    const configFile = projectPaths(dir).configFile;
    const config = JSON.parse(await readFile(configFile, 'utf8'));
    config.handlers.iac.terraform.directory = outside;
    await writeFile(configFile, JSON.stringify(config));
    expect((await runCli(['infra', 'architect', '--feature', 'user uploads', '--json'], { cwd: dir, env: template.env })).code).toBe(0);
    const engineer = await runCli(['infra', 'engineer', '--design', 'user-uploads', '--json'], { cwd: dir, env: template.env });
    expect(engineer.code, engineer.stdout).toBe(2);
    expect(engineer.json.error.code).toBe('E_ARTIFACT_UNSAFE_PATH');
    const validate = await runCli(['infra', 'validate', '--env', ENV, '--json'], { cwd: dir, env: template.env });
    expect(validate.json.error.code).toBe('E_ARTIFACT_UNSAFE_PATH');
    expect(await snapshotTree(outside)).toEqual(before);

    // With the explicit opt-in the directory outside is used, on purpose.
    const optIn = await runCli([...init, '--force', '--terraform-dir', outside, '--allow-terraform-outside-project'], { cwd: dir, env: template.env });
    expect(optIn.code, optIn.stdout).toBe(0);
    const written = JSON.parse(await readFile(configFile, 'utf8'));
    expect(written.handlers.iac.terraform).toMatchObject({ directory: outside, allow_outside_project: true });
    const engineered = await runCli(['infra', 'engineer', '--design', 'user-uploads', '--json'], { cwd: dir, env: template.env });
    expect(engineered.code, engineered.stdout).toBe(0);
    expect(await exists(path.join(outside, 'faber-cloud.tf'))).toBe(true);
  });

  it('init refuses a .gitignore or a config backup path that is a link, before writing the config', async () => {
    for (const planted of ['.gitignore', 'config-dir']) {
      const dir = await tempDir('faber-ap-gitignore-');
      const outside = await tempDir('faber-ap-outside-');
      await writeFile(path.join(outside, 'victim'), 'ORIGINAL\n');
      const init = ['init', '--project', 'life', '--account-id', '123456789012', '--json'];
      if (planted === '.gitignore') await symlink(path.join(outside, 'victim'), path.join(dir, '.gitignore'));
      else {
        expect((await runCli(init, { cwd: dir, env: template.env })).code).toBe(0);
        const configDir = path.dirname(projectPaths(dir).configFile);
        await cp(configDir, path.join(outside, 'config'), { recursive: true });
        await rm(configDir, { recursive: true });
        await symlink(path.join(outside, 'config'), configDir);
      }
      const before = await snapshotTree(outside);
      const result = await runCli([...init, '--force'], { cwd: dir, env: template.env });
      expect(result.code, result.stdout).toBe(2);
      expect(result.json.error.code).toBe('E_ARTIFACT_UNSAFE_PATH');
      expect(await snapshotTree(outside)).toEqual(before);
      if (planted === '.gitignore') expect(await exists(projectPaths(dir).configFile)).toBe(false);
    }
  });

  it('a cloned repository whose .fractary is a link: every writer refuses before writing', async () => {
    for (const command of ['init', 'infra architect', 'infra deploy', 'permissions grant', 'infra debug']) {
      const dir = await tempDir('faber-ap-fractary-');
      await cp(template.dir, dir, { recursive: true });
      const outside = await tempDir('faber-ap-outside-');
      await cp(path.join(dir, '.fractary'), path.join(outside, '.fractary'), { recursive: true });
      await rm(path.join(dir, '.fractary'), { recursive: true });
      await symlink(path.join(outside, '.fractary'), path.join(dir, '.fractary'));
      const before = await snapshotTree(outside);
      const result = await run(dir, writerArgv(command));
      expect(result.code, `${command}: ${result.stdout}`).toBe(2);
      expect(result.json.error.code).toBe('E_ARTIFACT_UNSAFE_PATH');
      expect(result.json.error.message).toContain('.fractary is a symbolic link');
      expect(await snapshotTree(outside)).toEqual(before);
    }
  });
});

