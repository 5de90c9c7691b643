// The plugin as Claude Code sees it: the real `claude` CLI (devDependency) validates the
// manifests, adds this repo as a local marketplace and installs the plugin into a throwaway
// HOME. No API key or network is needed for any of these subcommands.
import { describe, it, expect } from 'vitest';
import { execa } from 'execa';
import { access, constants, cp, lstat, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultProfiles, writeProfiles } from '../support/moto.js';
import { CLAUDE_TIMEOUT_MS, runClaude as claude, withTempDir } from '../support/claude.js';

const REPO_ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The plugin itself: the marketplace's source, and what claude copies on install. */
const PLUGIN_DIR = path.join(REPO_ROOT, 'plugin');
const PLUGIN_NAME = 'fractary-faber-cloud';
const MARKETPLACE_NAME = 'fractary-faber-cloud-local';
const TIMEOUT_MS = CLAUDE_TIMEOUT_MS;

/** DESIGN §1: what an installed plugin must offer. The client lists commands among skills. */
const COMMANDS = ['director', 'infra-manage', 'init', 'ops-manage'];
const AGENTS = ['devops-director', 'infra-manager', 'ops-manager'];
const SKILLS = [
  'handler-hosting-aws', 'handler-iac-terraform', 'infra-architect', 'infra-debugger', 'infra-deployer', 'infra-engineer',
  'infra-permission-manager', 'infra-previewer', 'infra-tester', 'infra-validator', 'ops-auditor', 'ops-investigator',
  'ops-monitor', 'ops-responder',
];
/**
 * Always-on token budget: the descriptions of 21 components sit in every session of every
 * user who installs the plugin. One "when to use it" sentence is ~40-45 tokens; 950 is
 * 21 x ~45, room for small edits while a pasted paragraph (or a new component without a
 * reason) fails. Measured: ~922 (docs/PLUGIN.md).
 */
const ALWAYS_ON_BUDGET = 950;
/**
 * What an install may cost on disk (issue 15): the plugin directory as Claude Code leaves it.
 * The bundle, the trimmed IAM catalogue and the templates are ~7.5 MB of content (~11 MB in
 * 4 KiB blocks); the whole repository with its development dependencies was ~550 MB.
 */
const INSTALLED_BUDGET_BYTES = 15_000_000;
/** No single component may carry more than a two-sentence description. */
const COMPONENT_ALWAYS_ON_BUDGET = 80;

interface PluginDetails {
  skills: string[];
  agents: string[];
  alwaysOn: number;
  /** Always-on tokens per component, by name. */
  perComponent: Map<string, number>;
}

/** The text of `claude plugin details` (it has no --json): inventory and projected token cost. */
function parseDetails(output: string): PluginDetails {
  const list = (label: string): string[] => {
    const m = new RegExp(`^\\s*${label} \\((\\d+)\\)(.*)$`, 'm').exec(output);
    if (!m) throw new Error(`no "${label} (n)" line in:\n${output}`);
    const names = (m[2] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (names.length !== Number(m[1])) throw new Error(`${label}: count ${m[1]} but ${names.length} names listed`);
    return names;
  };
  const always = /Always-on:\s+~([\d,]+) tok/.exec(output);
  if (!always) throw new Error(`no always-on token cost in:\n${output}`);
  const perComponent = new Map<string, number>();
  // On-invoke costs above 999 print as "~1.2k".
  for (const m of output.matchAll(/^\s{2}([a-z][\w-]*)\s+~([\d,]+)\s+~([\d.,]+k?)\s*$/gm)) {
    perComponent.set(m[1] as string, Number((m[2] as string).replace(/,/g, '')));
  }
  return { skills: list('Skills'), agents: list('Agents'), alwaysOn: Number((always[1] as string).replace(/,/g, '')), perComponent };
}

async function readJson(file: string): Promise<any> {
  return JSON.parse(await readFile(file, 'utf8'));
}

/**
 * A user's clone of the repository (the files git tracks or would track, no node_modules) in
 * `source`, added as a marketplace and the plugin installed from it, into `home`.
 */
async function installFromClone(home: string, source: string): Promise<{ installPath: string }> {
  await copyClone(source);
  return addAndInstall(home, source, MARKETPLACE_NAME);
}

/** What a user's clone holds: the files git tracks or would track, no node_modules. */
async function copyClone(dir: string): Promise<void> {
  const files = await execa('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT });
  for (const file of files.stdout.split('\0').filter(Boolean)) {
    const from = path.join(REPO_ROOT, file);
    if (!(await stat(from).then((s) => s.isFile(), () => false))) continue; // deleted, not yet committed
    await cp(from, path.join(dir, file), { recursive: true });
  }
}

/** `claude plugin marketplace add <marketplaceDir>`, then install the plugin from it; returns where it went. */
async function addAndInstall(home: string, marketplaceDir: string, marketplaceName: string): Promise<{ installPath: string }> {
  const pkg = await readJson(path.join(REPO_ROOT, 'package.json'));
  const add = await claude(home, ['plugin', 'marketplace', 'add', marketplaceDir]);
  expect(add.code, add.output).toBe(0);
  const install = await claude(home, ['plugin', 'install', `${PLUGIN_NAME}@${marketplaceName}`]);
  expect(install.code, install.output).toBe(0);

  const list = await claude(home, ['plugin', 'list', '--json']);
  expect(list.code, list.output).toBe(0);
  const installed = JSON.parse(list.stdout) as Array<{ id: string; version: string; enabled: boolean; installPath: string }>;
  const entry = installed.find((p) => p.id === `${PLUGIN_NAME}@${marketplaceName}`);
  expect(entry, list.output).toBeDefined();
  expect(entry!.version).toBe(pkg.version);
  expect(entry!.enabled).toBe(true);
  // Claude copies the plugin (the marketplace's ./plugin) into ~/.claude/plugins/cache/<marketplace>/<plugin>/<version>.
  const installPath = path.resolve(entry!.installPath);
  expect(installPath).toBe(path.join(home, '.claude', 'plugins', 'cache', marketplaceName, PLUGIN_NAME, pkg.version));
  await access(path.join(installPath, '.claude-plugin', 'plugin.json'));
  return { installPath };
}

/** Files, content bytes, allocated bytes (what `du` counts) and node_modules directories under `dir`. */
async function measure(dir: string): Promise<{ files: number; bytes: number; diskBytes: number; nodeModules: string[] }> {
  const out = { files: 0, bytes: 0, diskBytes: 0, nodeModules: [] as string[] };
  async function walk(d: string): Promise<void> {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      const info = await lstat(full);
      out.diskBytes += info.blocks * 512;
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules') out.nodeModules.push(full);
        await walk(full);
      } else {
        out.files += 1;
        out.bytes += info.size;
      }
    }
  }
  await walk(dir);
  return out;
}

/** The first ```json block of `markdown` that contains `needle`, parsed. */
function jsonBlockWith(markdown: string, needle: string): any {
  for (const m of markdown.matchAll(/^```json\n([\s\S]*?)^```$/gm)) {
    if ((m[1] as string).includes(needle)) return JSON.parse(m[1] as string);
  }
  throw new Error(`no \`\`\`json block containing ${needle}`);
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

describe('Claude Code plugin packaging', () => {
  it('plugin.json and the marketplace entry agree with package.json', async () => {
    const pkg = await readJson(path.join(REPO_ROOT, 'package.json'));
    const manifest = await readJson(path.join(PLUGIN_DIR, '.claude-plugin', 'plugin.json'));
    const marketplace = await readJson(path.join(REPO_ROOT, '.claude-plugin', 'marketplace.json'));

    expect(manifest.name).toBe(PLUGIN_NAME);
    expect(manifest.version).toBe(pkg.version);
    expect(marketplace.name).toBe(MARKETPLACE_NAME);
    expect(marketplace.plugins).toHaveLength(1);
    expect(marketplace.plugins[0]).toMatchObject({ name: PLUGIN_NAME, source: './plugin' });
    if (marketplace.plugins[0].version !== undefined) expect(marketplace.plugins[0].version).toBe(pkg.version);
  });

  it('plugin/package.json is minimal: same version, ESM, no dependencies and no lockfile (npm has nothing to install)', async () => {
    const pkg = await readJson(path.join(REPO_ROOT, 'package.json'));
    const pluginPkg = await readJson(path.join(PLUGIN_DIR, 'package.json'));
    expect(pluginPkg).toMatchObject({ name: PLUGIN_NAME, version: pkg.version, type: 'module', private: true });
    expect(pluginPkg.engines).toEqual(pkg.engines);
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'scripts']) {
      expect(pluginPkg[field], field).toBeUndefined();
    }
    for (const lockfile of ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml']) {
      await expect(access(path.join(PLUGIN_DIR, lockfile)), lockfile).rejects.toThrow();
    }
    // The repository root stays the npm package: its launcher is the plugin's, its files include the plugin.
    expect(pkg.bin).toEqual({ 'faber-cloud': 'plugin/bin/faber-cloud' });
    expect(pkg.files).toEqual(expect.arrayContaining(['plugin/', '.claude-plugin/']));
  });

  it(
    'claude plugin validate --strict accepts the repo root and the plugin manifest',
    () =>
      withTempDir('faber-claude-home-', async (home) => {
        // On the repo root claude validates marketplace.json, including the plugin.json it points at.
        const root = await claude(home, ['plugin', 'validate', '--strict', REPO_ROOT]);
        expect(root.code, root.output).toBe(0);
        expect(root.output).toMatch(/Validation passed/);
        expect(root.output, root.output).not.toMatch(/warning/i);

        const plugin = await claude(home, ['plugin', 'validate', '--strict', path.join(PLUGIN_DIR, '.claude-plugin', 'plugin.json')]);
        expect(plugin.code, plugin.output).toBe(0);
        expect(plugin.output).toMatch(/Validating plugin manifest/);
        expect(plugin.output, plugin.output).not.toMatch(/warning/i);
      }),
    TIMEOUT_MS,
  );

  it(
    'claude plugin validate --strict --profile directory passes with no warning, and the commands, agents and skills validate',
    () =>
      withTempDir('faber-claude-home-', async (home) => {
        // The plugin directory's submission checks (README, LICENSE, icon, descriptions).
        const directory = await claude(home, ['plugin', 'validate', '--strict', '--profile', 'directory', PLUGIN_DIR]);
        expect(directory.code, directory.output).toBe(0);
        expect(directory.output).toMatch(/These checks found nothing to report/);
        expect(directory.output).toMatch(/Validation passed/);
        expect(directory.output, directory.output).not.toMatch(/warning|⚠/i);
        // The inventory the manifest check sees: every component, namespaced.
        for (const name of [...SKILLS, ...COMMANDS, ...AGENTS]) expect(directory.output).toContain(`${PLUGIN_NAME}:${name}`);

        // Frontmatter of each component (descriptions and fields), per directory.
        for (const dir of ['commands', 'agents', 'skills']) {
          const run = await claude(home, ['plugin', 'validate', '--strict', path.join(PLUGIN_DIR, dir)]);
          expect(run.code, run.output).toBe(0);
          expect(run.output).toMatch(/Validation passed/);
          expect(run.output, run.output).not.toMatch(/warning|⚠/i);
        }
      }),
    TIMEOUT_MS,
  );

  it(
    'claude plugin validate --strict rejects a skill without a description (so the component check means something)',
    () =>
      withTempDir('faber-claude-home-', (home) =>
        withTempDir('faber-claude-skills-', async (parent) => {
          // claude recognises a components directory by its name.
          const dir = path.join(parent, 'skills');
          await cp(path.join(PLUGIN_DIR, 'skills'), dir, { recursive: true });
          const control = await claude(home, ['plugin', 'validate', '--strict', dir]);
          expect(control.code, control.output).toBe(0);

          const file = path.join(dir, 'infra-deployer', 'SKILL.md');
          await writeFile(file, (await readFile(file, 'utf8')).replace(/^description: .*\n/m, ''));
          const broken = await claude(home, ['plugin', 'validate', '--strict', dir]);
          expect(broken.code, broken.output).not.toBe(0);
          expect(broken.output).toMatch(/No description in frontmatter/);
        }),
      ),
    TIMEOUT_MS,
  );

  it(
    'claude plugin validate rejects broken copies of the manifest (so the positive test means something)',
    () =>
      withTempDir('faber-claude-home-', (home) =>
        withTempDir('faber-claude-plugin-', async (dir) => {
          // Same shape as plugin/: .claude-plugin/plugin.json.
          await cp(path.join(PLUGIN_DIR, '.claude-plugin'), path.join(dir, '.claude-plugin'), { recursive: true });
          const manifestFile = path.join(dir, '.claude-plugin', 'plugin.json');
          const original = await readJson(manifestFile);

          // Control: the unmodified copy passes, so any failure below is caused by the breakage.
          const control = await claude(home, ['plugin', 'validate', '--strict', dir]);
          expect(control.code, control.output).toBe(0);

          const broken: Array<[string, string]> = [
            ['invalid JSON', JSON.stringify(original).slice(0, -1)],
            ['name with spaces', JSON.stringify({ ...original, name: 'fractary faber cloud' })],
            ['unknown field (strict)', JSON.stringify({ ...original, commandz: './commands' })],
          ];
          for (const [label, text] of broken) {
            await writeFile(manifestFile, text);
            for (const target of [dir, manifestFile]) {
              const run = await claude(home, ['plugin', 'validate', '--strict', target]);
              expect(run.code, `${label}: expected validation to fail\n${run.output}`).not.toBe(0);
              expect(run.output, label).toMatch(/Validation failed/);
            }
          }
        }),
      ),
    TIMEOUT_MS,
  );

  it(
    'installs from the local marketplace; the launcher works installed and from a clone without node_modules',
    () =>
      withTempDir('faber-claude-home-', (home) =>
        withTempDir('faber-claude-source-', async (source) => {
          const pkg = await readJson(path.join(REPO_ROOT, 'package.json'));
          const { installPath } = await installFromClone(home, source);
          const marketplaces = await claude(home, ['plugin', 'marketplace', 'list']);
          expect(marketplaces.code, marketplaces.output).toBe(0);
          expect(marketplaces.output).toContain(MARKETPLACE_NAME);

          const details = await claude(home, ['plugin', 'details', `${PLUGIN_NAME}@${MARKETPLACE_NAME}`]);
          expect(details.code, details.output).toBe(0);
          expect(details.output).toContain(`${PLUGIN_NAME} ${pkg.version}`);
          // Inventory: all 4 commands, 3 agents and 14 skills (commands are listed among skills).
          const inventory = parseDetails(details.output);
          expect([...inventory.skills].sort(), details.output).toEqual([...SKILLS, ...COMMANDS].sort());
          expect([...inventory.agents].sort(), details.output).toEqual([...AGENTS].sort());
          // Always-on cost: what every session pays for the plugin's descriptions.
          expect(inventory.alwaysOn, details.output).toBeGreaterThan(0);
          expect(inventory.alwaysOn, details.output).toBeLessThanOrEqual(ALWAYS_ON_BUDGET);
          expect([...inventory.perComponent.keys()].sort(), details.output).toEqual([...SKILLS, ...COMMANDS, ...AGENTS].sort());
          for (const [name, tokens] of inventory.perComponent) expect(tokens, `${name}\n${details.output}`).toBeLessThanOrEqual(COMPONENT_ALWAYS_ON_BUDGET);
          console.info(`claude plugin details: always-on ~${inventory.alwaysOn} tokens (budget ${ALWAYS_ON_BUDGET})`);

          // The launcher reaches users: present, executable (plugin bin/ goes on the Bash PATH) and working.
          const installedLauncher = path.join(installPath, 'bin', 'faber-cloud');
          await access(installedLauncher, constants.X_OK);
          const version = await execa(installedLauncher, ['--version'], { cwd: home, stdin: 'ignore', reject: false, timeout: 60_000 });
          expect(version.exitCode, `${version.stdout}\n${version.stderr}`).toBe(0);
          expect(version.stdout.trim()).toBe(pkg.version);

          // A clone used without npm install (README: `node plugin/bin/faber-cloud`) works too:
          // the bundle alone, lazily loaded chunks and the AWS SDK included. Init a project,
          // then a deploy that reaches STS (moto) and is refused on the account.
          await expect(access(path.join(source, 'node_modules'))).rejects.toThrow();
          const launcher = path.join(source, 'plugin', 'bin', 'faber-cloud');
          const run = (args: string[], cwd: string) => execa(launcher, args, { cwd, stdin: 'ignore', reject: false, timeout: 60_000 });
          const project = path.join(home, 'project');
          await execa('mkdir', ['-p', path.join(project, 'infrastructure', 'terraform')]);
          await writeProfiles(defaultProfiles('inst'));
          const init = await run(['init', '--project', 'inst', '--account-id', '999999999999', '--json'], project);
          expect(init.exitCode, init.stderr).toBe(0);
          const deploy = await run(['infra', 'deploy', '--env', 'test', '--profile', 'inst-test-deploy', '--json'], project);
          expect(JSON.parse(deploy.stdout).error.code, deploy.stderr).toBe('E_GUARD_ACCOUNT_MISMATCH');
          expect(deploy.exitCode).toBe(3);
        }),
      ),
    TIMEOUT_MS,
  );

  it(
    `installs small (at most ${INSTALLED_BUDGET_BYTES / 1e6} MB, no node_modules) and the installed CLI works: init, infra architect, infra engineer, config validate`,
    () =>
      withTempDir('faber-claude-home-', (home) =>
        withTempDir('faber-claude-source-', async (source) => {
          const { installPath } = await installFromClone(home, source);

          // Footprint: the installed directory as Claude Code left it (after its npm step).
          const footprint = await measure(installPath);
          console.info(
            `installed plugin: ${footprint.files} files, ${(footprint.bytes / 1e6).toFixed(1)} MB of content, ${(footprint.diskBytes / 1e6).toFixed(1)} MB on disk (budget ${INSTALLED_BUDGET_BYTES / 1e6} MB)`,
          );
          expect(footprint.diskBytes).toBeLessThanOrEqual(INSTALLED_BUDGET_BYTES);
          expect(footprint.bytes).toBeLessThanOrEqual(INSTALLED_BUDGET_BYTES);
          // Nothing npm would install: no node_modules in the plugin, and no development
          // package anywhere Claude keeps plugins.
          expect(footprint.nodeModules, 'node_modules in the installed plugin').toEqual([]);
          const devPackages = Object.keys((await readJson(path.join(REPO_ROOT, 'package.json'))).devDependencies ?? {});
          expect(devPackages.length).toBeGreaterThan(0);
          for (const dir of (await measure(path.join(home, '.claude', 'plugins'))).nodeModules) {
            for (const name of devPackages) await expect(access(path.join(dir, name)), `${dir}/${name}`).rejects.toThrow();
          }
          // And none above it either: the copy runs on its bundle alone.
          for (let dir = path.dirname(installPath); dir !== path.dirname(dir); dir = path.dirname(dir)) {
            await expect(access(path.join(dir, 'node_modules')), `${dir}/node_modules`).rejects.toThrow();
          }

          // The installed copy's CLI, from a fresh project: templates are read at run time
          // from the plugin's templates/, next to dist/.
          const launcher = path.join(installPath, 'bin', 'faber-cloud');
          const project = path.join(home, 'project');
          await execa('mkdir', ['-p', project]);
          const cli = async (args: string[]) => {
            const result = await execa(launcher, [...args, '--json'], { cwd: project, stdin: 'ignore', reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });
            expect(result.exitCode, `faber-cloud ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
            return JSON.parse(result.stdout) as { ok: boolean; data: any };
          };
          const init = await cli(['init', '--project', 'inst', '--region', 'eu-west-1', '--account-id', '123456789012']);
          expect(init.data).toMatchObject({ project: 'inst', environments: ['test', 'prod'] });
          const design = await cli(['infra', 'architect', '--feature', 'User uploads and background jobs']);
          expect(design.data).toMatchObject({ slug: 'user-uploads-and-background-jobs', source: 'keywords' });
          expect(design.data.resources.map((r: { kind: string }) => r.kind)).toEqual(['s3_bucket', 'sqs_queue', 'lambda_function']);
          const designText = await readFile(path.join(project, design.data.file), 'utf8');
          expect(designText).toContain('## AWS services and why');
          const engineered = await cli(['infra', 'engineer', '--design', 'user-uploads-and-background-jobs']);
          const written = engineered.data.files.map((f: { file: string }) => f.file);
          expect(written).toContain('infrastructure/terraform/s3_bucket.uploads.tf');
          expect(await readFile(path.join(project, 'infrastructure', 'terraform', 's3_bucket.uploads.tf'), 'utf8')).toContain('resource "aws_s3_bucket" "uploads"');
          const validate = await cli(['config', 'validate']);
          expect(validate.data).toMatchObject({ valid: true, environments: ['test', 'prod'] });
        }),
      ),
    TIMEOUT_MS,
  );
  it(
    'the git-subdir marketplace entry documented in docs/PLUGIN.md and README validates, and installs only plugin/ from a git repository',
    () =>
      withTempDir('faber-claude-home-', (home) =>
        withTempDir('faber-claude-git-', async (work) => {
          const documented = jsonBlockWith(await readFile(path.join(REPO_ROOT, 'docs', 'PLUGIN.md'), 'utf8'), '"git-subdir"');
          const entry = documented.plugins?.find((p: { name: string }) => p.name === PLUGIN_NAME);
          expect(entry?.source).toMatchObject({ source: 'git-subdir', path: 'plugin' });
          // The README shows the same entry on its own.
          const readmeEntry = jsonBlockWith(await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8'), '"git-subdir"');
          expect(readmeEntry.source).toEqual(entry.source);

          // As documented: a marketplace claude accepts under --strict.
          const market = path.join(work, 'marketplace');
          await writeJson(path.join(market, '.claude-plugin', 'marketplace.json'), documented);
          const validate = await claude(home, ['plugin', 'validate', '--strict', market]);
          expect(validate.code, validate.output).toBe(0);
          expect(validate.output, validate.output).not.toMatch(/warning|⚠/i);

          // The same entry against a local git repository holding a clean copy of this one
          // (a file:// URL in place of the GitHub one, so no network is needed).
          const repo = path.join(work, 'repo');
          await copyClone(repo);
          const git = (args: string[]) => execa('git', ['-c', 'user.name=faber', '-c', 'user.email=faber@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: repo });
          await git(['init', '-q', '-b', entry.source.ref]);
          await git(['add', '-A']);
          await git(['commit', '-q', '-m', 'clone']);
          await writeJson(path.join(market, '.claude-plugin', 'marketplace.json'), {
            ...documented,
            plugins: [{ ...entry, source: { ...entry.source, url: pathToFileURL(repo).href } }],
          });
          const { installPath } = await addAndInstall(home, market, documented.name);

          // Only the plugin directory arrives: the source, tests and root package stay behind.
          const top = (await readdir(installPath)).filter((name) => !name.startsWith('.')).sort();
          expect(top).toEqual(expect.arrayContaining(['agents', 'bin', 'commands', 'dist', 'package.json', 'skills', 'templates']));
          for (const absent of ['src', 'test', 'scripts', 'node_modules', 'package-lock.json', 'LICENSE']) expect(top).not.toContain(absent);
          // The README that arrives is the plugin's own, not the repository's.
          expect(await readFile(path.join(installPath, 'README.md'), 'utf8')).toBe(await readFile(path.join(PLUGIN_DIR, 'README.md'), 'utf8'));
          expect((await readJson(path.join(installPath, 'package.json'))).dependencies).toBeUndefined();
          const footprint = await measure(installPath);
          expect(footprint.diskBytes).toBeLessThanOrEqual(INSTALLED_BUDGET_BYTES);
          expect(footprint.nodeModules).toEqual([]);
          const version = await execa(path.join(installPath, 'bin', 'faber-cloud'), ['--version'], { cwd: home, stdin: 'ignore', reject: false, timeout: 60_000 });
          expect(version.exitCode, `${version.stdout}\n${version.stderr}`).toBe(0);
          expect(version.stdout.trim()).toBe((await readJson(path.join(REPO_ROOT, 'package.json'))).version);
        }),
      ),
    TIMEOUT_MS,
  );
});
