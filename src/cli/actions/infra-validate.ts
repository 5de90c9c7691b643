import { step } from '../../core/events.js';
import { validateInfrastructure } from '../../infra/validate.js';
import type { infraValidate } from '../command-sets/infra-lifecycle.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/infra-lifecycle.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof infraValidate>): Promise<CommandResult> {
  ctx.events(step('VALIDATE_STEP', 'checking formatting and validating'));
  const result = await validateInfrastructure(ctx.cwd, options.env, ctx.env);
  const s = ctx.style;
  const lines = [
    result.valid
      ? `${s.green('✓')} ${result.directory} is valid for '${result.env}' (${result.tool.tool} ${result.tool.version})`
      : `${s.red('✗')} ${result.directory} has problems (${result.tool.tool} ${result.tool.version})`,
  ];
  for (const file of result.unformatted) lines.push(`  ${s.yellow('fmt')}   ${file}: not formatted (run \`${result.tool.tool} fmt\`)`);
  for (const d of result.diagnostics) {
    const where = d.file ? `${d.file}${d.line ? `:${d.line}` : ''}: ` : '';
    lines.push(`  ${d.severity === 'error' ? s.red('error') : s.yellow('warn ')} ${where}${d.summary}${d.detail ? s.dim(` — ${d.detail.split('\n')[0]}`) : ''}`);
  }
  if (result.valid) lines.push('', `Next: faber-cloud infra preview --env ${result.env}`);
  return { data: result satisfies Output<typeof schema.infraValidate>, human: lines.join('\n'), exitCode: result.valid ? 0 : 1 };
}
