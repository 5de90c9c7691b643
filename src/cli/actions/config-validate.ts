import path from 'node:path';
import { loadConfigFile, loadProjectConfig } from '../../core/config/load.js';
import { configWarnings } from '../../core/config/warnings.js';
import type { configValidate } from '../command-sets/project.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/project.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof configValidate>): Promise<CommandResult> {
  const { config, root, displayPath } = options.file !== undefined
    ? { config: await loadConfigFile(path.resolve(ctx.cwd, options.file), options.file, ctx.env), root: undefined, displayPath: options.file }
    : await loadProjectConfig(ctx.cwd, ctx.env).then((l) => ({ config: l.config, root: l.paths.root, displayPath: l.displayPath }));
  const warnings = await configWarnings(config, root);
  const lines = [`${ctx.style.green('✓')} ${displayPath} is valid (${Object.keys(config.environments).join(', ')})`];
  for (const w of warnings) lines.push(`  ${ctx.style.yellow('warning')} ${w.path}: ${w.message}`);
  return { data: { valid: true, file: displayPath, environments: Object.keys(config.environments), warnings } satisfies Output<typeof schema.configValidate>, human: lines.join('\n') };
}
