import path from 'node:path';
import { ConfigError, isFaberError } from '../errors.js';
import { readInputFileText } from '../files/input-text.js';
import { projectPaths, requireProjectRoot, type ProjectPaths } from '../paths.js';
import { checkWritePath } from '../files/safe-path.js';
import { substituteEnv } from './env-substitution.js';
import { describeIssues, formatPath, type ConfigProblem } from './issues.js';
import { ConfigSchema, type FaberConfig } from './schema.js';

export interface LoadedConfig {
  config: FaberConfig;
  paths: ProjectPaths;
  /** Config file path relative to the project root, for messages. */
  displayPath: string;
}

/** Parse JSON text, reporting syntax errors by line and column. */
export function parseJsonText(text: string, displayPath: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    let where = '';
    if (position !== undefined) {
      const before = text.slice(0, Number(position));
      const line = before.split('\n').length;
      const column = Number(position) - before.lastIndexOf('\n');
      where = `:${line}:${column}`;
    }
    const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
    throw new ConfigError('E_CONFIG_SYNTAX', `${displayPath}${where}: invalid JSON: ${reason}`, {
      hint: 'fix the JSON syntax (no comments or trailing commas; use "$comment" keys for notes)',
    });
  }
}

/**
 * `__proto__` keys (JSON.parse keeps them as own keys): zod drops them from records without a
 * word, so `"environments": {"__proto__": {...}}` would validate while meaning nothing.
 */
function protoKeyProblems(value: unknown, at: (string | number)[] = [], depth = 0): ConfigProblem[] {
  if (value === null || typeof value !== 'object' || depth > 64) return [];
  const problems: ConfigProblem[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (key === '__proto__') problems.push({ path: formatPath([...at, key]), message: "'__proto__' cannot be a key (it is a built-in JavaScript property name)" });
    problems.push(...protoKeyProblems(child, [...at, Array.isArray(value) ? Number(key) : key], depth + 1));
  }
  return problems;
}

/** Validate raw (already parsed) config data. Throws ConfigError listing every problem. */
export function validateConfigData(raw: unknown, displayPath: string, env: NodeJS.ProcessEnv = process.env): FaberConfig {
  const substituted = substituteEnv(raw, env);
  const protoProblems = protoKeyProblems(substituted);
  const result = ConfigSchema.safeParse(substituted);
  if (result.success && protoProblems.length === 0) return result.data;
  const problems = [...protoProblems, ...(result.success ? [] : describeIssues(ConfigSchema, result.error.issues, substituted))];
  throw invalidConfig(displayPath, problems);
}

function invalidConfig(displayPath: string, problems: ConfigProblem[]): ConfigError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new ConfigError('E_CONFIG_INVALID', `${displayPath}: ${first?.path}: ${first?.message}${more}`, {
    hint: 'fix the config, then run `faber-cloud config validate` to list every problem',
    details: { file: displayPath, problems },
  });
}

/** Read and validate the config file at an explicit path. */
export async function loadConfigFile(file: string, displayPath = file, env: NodeJS.ProcessEnv = process.env): Promise<FaberConfig> {
  let text: string;
  try {
    text = await readInputFileText(file, displayPath);
  } catch (error) {
    if (isFaberError(error)) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError('E_CONFIG_MISSING', `${displayPath} does not exist`, { hint: 'run `faber-cloud init` to create it' });
    }
    throw new ConfigError('E_CONFIG_MISSING', `${displayPath} cannot be read: ${(error as Error).message}`);
  }
  return validateConfigData(parseJsonText(text, displayPath), displayPath, env);
}

/** Find the project from `cwd` and load its config. */
export async function loadProjectConfig(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const paths = projectPaths(requireProjectRoot(cwd));
  const displayPath = path.relative(paths.root, paths.configFile);
  const config = await loadConfigFile(paths.configFile, displayPath, env).catch(async (error: unknown) => {
    // A config hidden by a dangling link is reported as the link, not as a missing file.
    if (error instanceof ConfigError && error.code === 'E_CONFIG_MISSING') await checkWritePath(paths, paths.configFile, 'file');
    throw error;
  });
  return { config, paths, displayPath };
}
