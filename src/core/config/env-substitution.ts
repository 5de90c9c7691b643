import { ConfigError } from '../errors.js';
import { formatPath } from './issues.js';

const PATTERN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replace `${VAR}` and `${VAR:-default}` in every string value (keys are left alone).
 * `$${` is a literal `${`. Keys starting with `$` (annotations) are not substituted. An unset variable without a default is an error naming the path.
 */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: (string | number)[] = []): unknown {
  if (typeof value === 'string') return substituteString(value, env, path);
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, [...path, i]));
  if (value !== null && typeof value === 'object') {
    // `$comment` and `$schema` are annotations, not settings: their text is kept verbatim.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k.startsWith('$') ? v : substituteEnv(v, env, [...path, k])]));
  }
  return value;
}

function substituteString(text: string, env: NodeJS.ProcessEnv, path: (string | number)[]): string {
  return text.replace(PATTERN, (match, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    // Own keys only: `${constructor}` is an unset variable, not Object's constructor.
    const resolved = Object.hasOwn(env, name) ? env[name] : undefined;
    if (resolved !== undefined && resolved !== '') return resolved;
    if (fallback !== undefined) return fallback;
    throw new ConfigError('E_CONFIG_ENV_UNSET', `${formatPath(path)}: environment variable ${name} is not set (used as ${match})`, {
      hint: `export ${name}=..., or write \${${name}:-default} in the config`,
    });
  });
}
