import type { infraEngineer } from '../command-sets/infra-design.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/infra-design.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof infraEngineer>): Promise<CommandResult> {
  const { engineerDesign } = await import('../../engineer/engineer.js');
  const result = await engineerDesign(ctx.cwd, { design: options.design, force: options.force === true }, ctx.env);
  const s = ctx.style;
  const mark = (status: string) => (['created', 'updated', 'overwritten'].includes(status) ? s.green(status) : status === 'removed' ? s.yellow(status) : s.dim(status));
  const width = Math.max(...result.files.map((f) => f.file.length), ...result.packages.map((p) => p.file.length));
  const lines = [
    `${result.changed ? s.green('✓') : '='} ${result.design_file} -> ${result.directory}/`,
    ...result.files.map((f) => `  ${f.file.padEnd(width)}  ${mark(f.status)}${f.reason ? s.dim(` (${f.reason})`) : ''}`),
    ...result.packages.map((p) =>
      `  ${p.file.padEnd(width)}  ${p.status === 'created' ? `${s.green('created')} ${s.dim(`(placeholder code for ${p.function}: replace it with your build)`)}` : p.status === 'missing' ? s.yellow(`missing (package of ${p.function}: build it before preview)`) : s.dim('exists')}`,
    ),
    '',
    result.changed ? `Next: ${s.bold(`faber-cloud infra validate --env ${result.next_env}`)}, then ${s.bold(`faber-cloud infra preview --env ${result.next_env}`)}.` : 'Nothing changed.',
  ];
  return { data: result satisfies Output<typeof schema.infraEngineer>, human: lines.join('\n') };
}
