import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.js';

/** Where faber-cloud keeps its files inside a project. */
export const FABER_DIR = path.join('.fractary', 'plugins', 'faber-cloud');
export const CONFIG_RELATIVE_PATH = path.join(FABER_DIR, 'config', 'devops.json');

export interface ProjectPaths {
  root: string;
  faberDir: string;
  configFile: string;
  deploymentsDir: string;
  designsDir: string;
  iamAuditFile: string;
  /** Lock of one read-modify-write of iam-audit.json (a directory of its own, see permissions/audit.ts). */
  iamAuditLockDir: string;
  issueLogFile: string;
  issueLogLockDir: string;
  /** Permissions auto-fix had to grant, by resource type and change (beside the issue log; issue 16). */
  learnedPermissionsFile: string;
  learnedPermissionsLockDir: string;
  /** Incident reports of `ops investigate` (<timestamp>-<slug>.json and .md). */
  incidentsDir: string;
  env(name: string): EnvironmentPaths;
}

export interface EnvironmentPaths {
  dir: string;
  registryFile: string;
  deployedMarkdownFile: string;
  historyFile: string;
  plansDir: string;
  lockFile: string;
  /** One permission grant at a time per environment. */
  grantLockDir: string;
  /** The deploy or destroy under way, removed once its history line is written. */
  runFile: string;
  /** Results of infra test, one file per run: {timestamp}-{phase}.json. */
  testsDir: string;
}

export function projectPaths(root: string): ProjectPaths {
  const faberDir = path.join(root, FABER_DIR);
  const deploymentsDir = path.join(faberDir, 'deployments');
  return {
    root,
    faberDir,
    configFile: path.join(root, CONFIG_RELATIVE_PATH),
    deploymentsDir,
    designsDir: path.join(faberDir, 'designs'),
    iamAuditFile: path.join(deploymentsDir, 'iam-audit.json'),
    iamAuditLockDir: path.join(deploymentsDir, '.iam-audit.lock', 'lock'),
    issueLogFile: path.join(faberDir, 'debugger', 'issue-log.json'),
    issueLogLockDir: path.join(faberDir, 'debugger', '.issue-log.lock', 'lock'),
    learnedPermissionsFile: path.join(faberDir, 'debugger', 'learned-permissions.json'),
    learnedPermissionsLockDir: path.join(faberDir, 'debugger', '.learned-permissions.lock', 'lock'),
    incidentsDir: path.join(faberDir, 'incidents'),
    env(name: string): EnvironmentPaths {
      const dir = path.join(deploymentsDir, name);
      return {
        dir,
        registryFile: path.join(dir, 'registry.json'),
        deployedMarkdownFile: path.join(dir, 'DEPLOYED.md'),
        historyFile: path.join(dir, 'history.jsonl'),
        plansDir: path.join(dir, 'plans'),
        lockFile: path.join(dir, '.lock'),
        grantLockDir: path.join(dir, '.lock-iam-grant', 'lock'),
        runFile: path.join(dir, '.running.json'),
        testsDir: path.join(dir, 'tests'),
      };
    },
  };
}

/**
 * The plugin's own installation directory. A project root must never resolve to it:
 * running the CLI from inside the plugin would otherwise write artifacts into the plugin.
 */
export function pluginRoot(): string | undefined {
  const fromEnv = process.env.CLAUDE_PLUGIN_ROOT;
  if (fromEnv) return path.resolve(fromEnv);
  // The bundle lives in <plugin>/dist; sources in <checkout>/src/core, next to <checkout>/plugin.
  // Walk up to the manifest.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    for (const candidate of [dir, path.join(dir, 'plugin')]) {
      const manifest = path.join(candidate, '.claude-plugin', 'plugin.json');
      if (existsSync(manifest) && isOurManifest(manifest)) return candidate;
    }
    dir = path.dirname(dir);
  }
  return undefined;
}

function isOurManifest(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'fractary-faber-cloud';
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function samePath(a: string, b: string | undefined): boolean {
  return b !== undefined && path.resolve(a) === path.resolve(b);
}

/**
 * Nearest ancestor of `start` (inclusive) holding a `.fractary/` directory, skipping the
 * plugin's own directory. Returns undefined when there is none.
 */
export function findProjectRoot(start: string): string | undefined {
  const plugin = pluginRoot();
  let dir = path.resolve(start);
  for (;;) {
    if (isDirectory(path.join(dir, '.fractary')) && !samePath(dir, plugin)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Resolve the project root for commands that need an initialised project. */
export function requireProjectRoot(start: string): string {
  const root = findProjectRoot(start);
  if (!root) {
    throw new ConfigError('E_PROJECT_NOT_FOUND', `no faber-cloud project found in ${path.resolve(start)} or its parents`, {
      hint: 'run `faber-cloud init` in your project root, or pass --cwd <project dir>',
    });
  }
  return root;
}

/** The directory `init` writes into: `--cwd` or the current directory, never the plugin itself. */
export function initTargetRoot(start: string): string {
  const root = path.resolve(start);
  if (samePath(root, pluginRoot())) {
    throw new ConfigError('E_PROJECT_NOT_FOUND', `${root} is the faber-cloud plugin itself, not a project`, {
      hint: 'run init from your project directory, or pass --cwd <project dir>',
    });
  }
  return root;
}
