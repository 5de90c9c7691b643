import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { motoCommand, startMoto } from '../../scripts/moto-server.mjs';
import { goPlatform } from '../../scripts/test-tools-lib.mjs';
import { tempDir } from '../support/cli.js';
import { testTools } from '../support/tools.js';

/**
 * scripts/setup-test-tools in a scratch cache, with fake `tofu`/`terraform`/`go` on PATH: the
 * order of its three paths (a pinned binary on PATH, the registry, the source build), the lines
 * it prints, and the manifest. The team's cache is never touched; nothing is built from source
 * (FABER_CLOUD_SOURCE_BUILD=0, and a `go` that fails if it is called).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = path.join(root, 'scripts', 'setup-test-tools');
const uname = (flag: string) => execFileSync('uname', [flag], { encoding: 'utf8' }).trim();
const platform = goPlatform(uname('-s'), uname('-m'));

interface Run {
  code: number | null;
  stderr: string;
  ms: number;
}

function setup(env: NodeJS.ProcessEnv): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, ms: Date.now() - started }));
  });
}

/** A scratch cache and a bin directory put first on PATH, with a `go` that must never run. */
async function scratch() {
  const dir = await tempDir('faber-setup-');
  const cache = path.join(dir, 'cache');
  const bin = path.join(dir, 'bin');
  const goCalled = path.join(dir, 'go-was-called');
  await writeExecutable(path.join(bin, 'go'), `#!/bin/sh\necho "fake go: the source build must not run" >&2\ntouch '${goCalled}'\nexit 1\n`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    FABER_CLOUD_CACHE: cache,
    FABER_CLOUD_AWS_PROVIDER: '0',
    FABER_CLOUD_SOURCE_BUILD: '0',
  };
  return { cache, bin, env, goCalled };
}

async function writeExecutable(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  await chmod(file, 0o755);
}

describe('scripts/setup-test-tools', () => {
  it('refuses a tofu or terraform on PATH that is not the pinned version, saying so, and falls through to the source build', async () => {
    const { cache, bin, env, goCalled } = await scratch();
    await writeExecutable(path.join(bin, 'tofu'), '#!/bin/sh\necho "OpenTofu v1.12.5"\necho "on linux_amd64"\n');
    await writeExecutable(path.join(bin, 'terraform'), '#!/bin/sh\necho "Terraform v1.5.6"\n');
    const run = await setup(env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`tofu on PATH (${bin}/tofu) reports 'OpenTofu v1.12.5', not the pinned OpenTofu v1.12.6: not used`);
    expect(run.stderr).toContain(`terraform on PATH (${bin}/terraform) reports 'Terraform v1.5.6', not the pinned Terraform v1.5.7: not used`);
    expect(run.stderr).toContain('OpenTofu 1.12.6 would be built from source, and FABER_CLOUD_SOURCE_BUILD=0 forbids it');
    expect(existsSync(path.join(cache, 'test-tools.json'))).toBe(false);
    expect(existsSync(goCalled)).toBe(false);
  });

  it('uses a pinned tofu on PATH as is and the providers its registry installation mirrors; a second run only checks', async () => {
    const { cache, bin, env, goCalled } = await scratch();
    const tools = testTools();
    // A `tofu` that is the real pinned binary, except that `providers mirror` stands in for a
    // reachable registry: it packages the providers already built for the team's mirror the way
    // `providers mirror` lays out its output (zips under the binary's own registry host).
    const fflate = pathToFileURL(createRequire(import.meta.url).resolve('fflate')).href;
    const lib = pathToFileURL(path.join(root, 'scripts', 'test-tools-lib.mjs')).href;
    await writeExecutable(
      path.join(bin, 'tofu'),
      `#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const REAL = ${JSON.stringify(tools.iac_binary)};
const MIRROR = ${JSON.stringify(tools.mirror_dir)};
const args = process.argv.slice(2);
if (args[0] !== 'providers' || args[1] !== 'mirror') {
  const run = spawnSync(REAL, args, { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
const { zipSync } = await import(${JSON.stringify(fflate)});
const { registryHost } = await import(${JSON.stringify(lib)});
const platform = args.find((a) => a.startsWith('-platform=')).slice('-platform='.length);
const out = args.at(-1);
const host = registryHost(spawnSync(REAL, ['providers'], { encoding: 'utf8' }).stdout);
for (const [, name, version] of readFileSync('main.tf', 'utf8').matchAll(/(\\w+) = \\{ source = "hashicorp\\/\\w+", version = "([\\d.]+)" \\}/g)) {
  console.log('- Mirroring hashicorp/' + name + '...');
  console.log('  - Selected v' + version + ' to satisfy all requirements');
  const file = 'terraform-provider-' + name + '_v' + version;
  const binary = readFileSync(path.join(MIRROR, host, 'hashicorp', name, version, platform, file));
  const dir = path.join(out, host, 'hashicorp', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'terraform-provider-' + name + '_' + version + '_' + platform + '.zip'), zipSync({ [file]: [binary, { level: 0, os: 3, attrs: 0o100755 * 65536 }] }));
}
`,
    );

    const first = await setup(env);
    expect(first.stderr).not.toContain('error:');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`OpenTofu 1.12.6: on PATH (${bin}/tofu), used as is`);
    expect(first.stderr).toContain("trying random@3.9.0 local@2.9.0 through tofu's own registry installation");
    expect(first.stderr).toContain('providers installed from the registry: random@3.9.0 local@2.9.0');
    expect(first.stderr).toContain(`ready in`);
    expect(existsSync(goCalled)).toBe(false);
    const manifestFile = path.join(cache, 'test-tools.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    expect(manifest).toMatchObject({
      iac_kind: 'tofu',
      iac_binary: `${bin}/tofu`,
      iac_version: '1.12.6',
      iac_origin: 'path',
      cli_config_file: path.join(cache, 'tofurc'),
      mirror_dir: path.join(cache, 'mirror'),
    });
    expect(manifest.providers.map((p: { name: string; origin: string }) => `${p.name} ${p.origin}`)).toEqual(['hashicorp/random registry', 'hashicorp/local registry']);
    // The python the scoped moto launcher runs under is the one that has the pinned moto.
    expect(execFileSync(manifest.moto_python, ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8' }).trim()).toBe(manifest.moto_version);

    // Everything is in place: the second run checks (moto, the binary, the mirror, a smoke
    // init/plan) and rewrites nothing.
    const before = { text: await readFile(manifestFile, 'utf8'), stat: await stat(manifestFile), rc: await stat(path.join(cache, 'tofurc')) };
    const second = await setup(env);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('hashicorp/random 3.9.0: cached (registry)');
    expect(second.stderr).toContain('hashicorp/local 2.9.0: cached (registry)');
    expect(second.stderr).not.toContain('trying');
    expect(second.stderr).toMatch(/ready in \d+s: .*test-tools\.json \(unchanged\)/);
    expect(await readFile(manifestFile, 'utf8')).toBe(before.text);
    expect((await stat(manifestFile)).mtimeMs).toBe(before.stat.mtimeMs);
    expect((await stat(path.join(cache, 'tofurc'))).mtimeMs).toBe(before.rc.mtimeMs);
  }, 180_000);

  it('gives up on a registry that does not answer within the timeout and falls through to the source build', async () => {
    const { env, bin, goCalled } = await scratch();
    const tools = testTools();
    await writeExecutable(
      path.join(bin, 'tofu'),
      `#!/bin/sh\nif [ "$1" = providers ] && [ "$2" = mirror ]; then exec sleep 120; fi\nexec '${tools.iac_binary}' "$@"\n`,
    );
    const run = await setup({ ...env, FABER_CLOUD_REGISTRY_TIMEOUT: '1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the registry did not answer within 1s: falling back to the source build');
    expect(run.stderr).toContain('hashicorp/random 3.9.0 would be built from source, and FABER_CLOUD_SOURCE_BUILD=0 forbids it');
    // A few seconds for moto's version check and the binary's own, plus the one-second wait.
    expect(run.ms).toBeLessThan(20_000);
    expect(existsSync(goCalled)).toBe(false);
  }, 60_000);
});

/**
 * A `go` that stands in for the source build: `mod download -json` answers with a go.mod of its
 * own (with a replace and a godebug block the wrapper module must repeat), `get` prints Go's
 * chatter (1,280 "go: added" lines) and keeps the wrapper go.mod it was run in, and `build`
 * copies the binaries already built for the team's cache to its -o path, or fails like an
 * out-of-memory link when FAKE_GO_FAIL=build.
 */
function fakeGo(dir: string, tools: ReturnType<typeof testTools>): string {
  return `#!/usr/bin/env node
import { copyFileSync, chmodSync, mkdirSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const DIR = ${JSON.stringify(dir)};
const args = process.argv.slice(2);
if (args[0] === 'mod' && args[1] === 'download') {
  const [module, version] = args.at(-1).split('@');
  const gomod = path.join(DIR, module.replaceAll('/', '_') + '.mod');
  writeFileSync(gomod, 'module ' + module + '\\n\\ngo 1.22\\n\\ngodebug (\\n\\tfake=1\\n)\\n\\nreplace example.com/a v1.0.0 => example.com/b v1.0.1\\n');
  console.log(JSON.stringify({ Path: module, Version: version, GoMod: gomod }, null, '\\t'));
} else if (args[0] === 'get') {
  for (let i = 0; i < 1280; i++) console.error('go: added example.com/m' + i + ' v1.0.0');
  mkdirSync(path.join(DIR, 'wrappers'), { recursive: true });
  copyFileSync('go.mod', path.join(DIR, 'wrappers', path.basename(process.cwd()) + '.mod'));
} else if (args[0] === 'build') {
  if (process.env.FAKE_GO_FAIL === 'build') {
    console.error('# github.com/opentofu/opentofu/cmd/tofu');
    console.error('link: signal: killed');
    process.exit(2);
  }
  const out = args[args.indexOf('-o') + 1];
  let from = ${JSON.stringify(tools.iac_binary)};
  const provider = /^terraform-provider-([a-z]+)_v([0-9.]+)$/.exec(path.basename(out));
  if (provider) {
    const mirror = ${JSON.stringify(tools.mirror_dir)};
    const host = readdirSync(mirror).find((h) => existsSync(path.join(mirror, h, 'hashicorp', provider[1])));
    from = path.join(mirror, host, 'hashicorp', provider[1], provider[2], ${JSON.stringify(platform)}, path.basename(out));
  }
  copyFileSync(from, out);
  chmodSync(out, 0o755);
} else {
  console.error('fake go: unexpected ' + args.join(' '));
  process.exit(1);
}
`;
}

describe('scripts/setup-test-tools: the source build, the last resort', () => {
  it('prints one line per step with its expected duration and log, and keeps Go\'s chatter in the log', async () => {
    const { cache, bin, env } = await scratch();
    const tools = testTools();
    const dir = path.dirname(bin);
    await writeExecutable(path.join(bin, 'go'), fakeGo(dir, tools));
    const run = await setup({ ...env, FABER_CLOUD_SOURCE_BUILD: '1', FABER_CLOUD_REGISTRY: '0' });
    expect(run.stderr).not.toContain('error:');
    expect(run.code).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines.every((l) => l.startsWith('[setup-test-tools] ')), run.stderr).toBe(true);
    expect(lines.length).toBeLessThan(16);
    expect(run.stderr).not.toContain('go: added');
    expect(run.stderr).toContain(`building OpenTofu 1.12.6 from source through the Go module proxy (about 3 min on 2 cores; log: ${cache}/logs/tofu-1.12.6.log)`);
    expect(run.stderr).toMatch(/building hashicorp\/random 3\.9\.0 from source \(github\.com\/terraform-providers\/terraform-provider-random@v1\.3\.2-[^;]+; about a minute; log: .*provider-random-3\.9\.0\.log\)/);
    expect(run.stderr).toContain('FABER_CLOUD_REGISTRY=0: not trying the registry');
    const log = await readFile(path.join(cache, 'logs', 'tofu-1.12.6.log'), 'utf8');
    expect(log.match(/^go: added /gm)).toHaveLength(1280);

    // The wrapper module repeats the go, godebug and replace lines of the module it builds.
    const wrapper = await readFile(path.join(dir, 'wrappers', 'tofu-1.12.6.mod'), 'utf8');
    expect(wrapper).toContain('module faber-cloud.local/tofu-build\n\ngo 1.22\n\ngodebug (\n\tfake=1\n)\n\nreplace (\n\texample.com/a v1.0.0 => example.com/b v1.0.1\n)');

    const manifest = JSON.parse(await readFile(path.join(cache, 'test-tools.json'), 'utf8'));
    expect(manifest).toMatchObject({ iac_kind: 'tofu', iac_binary: path.join(cache, 'tofu-1.12.6', 'tofu'), iac_origin: 'source', platform });
    expect(manifest.providers.map((p: { name: string; origin: string }) => `${p.name} ${p.origin}`)).toEqual(['hashicorp/random source', 'hashicorp/local source']);
    const stats = JSON.parse(await readFile(path.join(cache, 'build-stats', 'tofu-1.12.6.json'), 'utf8'));
    expect(stats).toMatchObject({ step: 'tofu-1.12.6', seconds: expect.any(Number) });
  }, 180_000);

  it('stops at a failed build with the end of its log, and writes no manifest', async () => {
    const { cache, bin, env } = await scratch();
    await writeExecutable(path.join(bin, 'go'), fakeGo(path.dirname(bin), testTools()));
    const run = await setup({ ...env, FABER_CLOUD_SOURCE_BUILD: '1', FABER_CLOUD_REGISTRY: '0', FAKE_GO_FAIL: 'build' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/tofu-1\.12\.6 failed \(exit \d+\); the end of .*\/logs\/tofu-1\.12\.6\.log:/);
    expect(run.stderr).toContain('    link: signal: killed');
    expect(existsSync(path.join(cache, 'test-tools.json'))).toBe(false);
    expect(existsSync(path.join(cache, 'tofu-1.12.6', 'tofu'))).toBe(false);
  }, 60_000);
});

describe('scripts/moto-server.mjs (the demo and the test setup start moto with it)', () => {
  it('lets moto pick a free port and report it, and stops it', async () => {
    const moto = await startMoto(testTools().moto_server);
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${moto.endpoint}/moto-api/data.json`)).status).toBe(200);
    await moto.stop();
    expect(moto.child.signalCode ?? moto.child.exitCode).not.toBeNull();
    await expect(fetch(`${moto.endpoint}/moto-api/data.json`)).rejects.toThrow();
    expect(existsSync(moto.logFile)).toBe(false);
  });

  it('turns a binary that cannot start, or exits early, into a clear error', async () => {
    const dir = await tempDir('faber-moto-');
    await expect(startMoto(path.join(dir, 'missing', 'moto_server'))).rejects.toThrow(`cannot start moto (${dir}/missing/moto_server): no such file`);
    const quits = path.join(dir, 'quits');
    await writeExecutable(quits, '#!/bin/sh\necho "ImportError: no module named moto" >&2\nexit 3\n');
    await expect(startMoto(quits)).rejects.toThrow(`moto (${quits}) exited (code 3) before it was ready; it said:\nImportError: no module named moto`);
    const silent = path.join(dir, 'silent');
    await writeExecutable(silent, '#!/bin/sh\nexec sleep 30\n');
    await expect(startMoto(silent, { timeoutMs: 500 })).rejects.toThrow(`moto (${silent}) did not report its port within 0.5 s`);
  });

  it('starts moto under the scoped launcher by default, and refuses a python with another moto', async () => {
    const tools = testTools();
    const moto = await startMoto(motoCommand(tools), { version: tools.moto_version });
    expect((await fetch(`${moto.endpoint}/moto-api/data.json`)).status).toBe(200);
    await moto.stop();
    const [python, launcher] = motoCommand(tools);
    await expect(startMoto([python!, launcher!], { version: '0.0.1' })).rejects.toThrow(
      new RegExp(`moto \\(.*python\\S* moto-scoped-server\\.py\\) exited \\(code 3\\) before it was ready; it said:\\nmoto-scoped-server: \\S+ has moto ${tools.moto_version.replace(/\./g, '\\.')}, not 0\\.0\\.1`),
    );
  });
});
