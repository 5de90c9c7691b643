import { loadProjectConfig } from '../../core/config/load.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/project.js';
import type { FaberConfig } from '../../core/config/schema.js';

/** Drop `$comment` annotations: `show` is about the values in force. */
function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '$comment').map(([k, v]) => [k, withoutComments(v)]));
  }
  return value;
}

export async function run(ctx: CommandContext): Promise<CommandResult> {
  const { config, paths, displayPath } = await loadProjectConfig(ctx.cwd, ctx.env);
  const resolved = withoutComments(config);
  return {
    data: { root: paths.root, file: displayPath, config: resolved as FaberConfig } satisfies Output<typeof schema.configShow>,
    human: `${ctx.style.dim(`# ${displayPath} in ${paths.root} (defaults applied, \${ENV} substituted)`)}\n${JSON.stringify(resolved, null, 2)}`,
  };
}
