import path from 'node:path';
import { loadConfigFile, loadProjectConfig } from '../../core/config/load.js';
import { configWarnings } from '../../core/config/warnings.js';
import type { ActionInput, CommandContext, CommandResult } from '../context.js';

export async function run(ctx: CommandContext, { options }: ActionInput): Promise<CommandResult> {
  const file = typeof options.file === 'string' ? path.resolve(ctx.cwd, options.file) : undefined;
  const { config, root, displayPath } = file
    ? { config: await loadConfigFile(file, options.file as string, ctx.env), root: undefined, displayPath: options.file as string }
    : await loadProjectConfig(ctx.cwd, ctx.env).then((l) => ({ config: l.config, root: l.paths.root, displayPath: l.displayPath }));
  const warnings = await configWarnings(config, root);
  const lines = [`${ctx.style.green('✓')} ${displayPath} is valid (${Object.keys(config.environments).join(', ')})`];
  for (const w of warnings) lines.push(`  ${ctx.style.yellow('warning')} ${w.path}: ${w.message}`);
  return { data: { valid: true, file: displayPath, environments: Object.keys(config.environments), warnings }, human: lines.join('\n') };
}
