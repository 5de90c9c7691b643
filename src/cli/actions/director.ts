import { findProjectRoot } from '../../core/paths.js';
import { loadProjectConfig } from '../../core/config/load.js';
import { route, routeContextOf, type Alternative, type RouteResult } from '../../director/index.js';
import type { director } from '../command-sets/director.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/director.js';

type Data = Output<typeof schema.director>;

/** Shell-quoted for a person to copy; agents use the argv array instead. */
function commandLine(argv: readonly string[]): string {
  return ['faber-cloud', ...argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))].join(' ');
}

export async function run(ctx: CommandContext, { args }: InputOf<typeof director>): Promise<CommandResult> {
  const request = args.join(' ');
  const config = findProjectRoot(ctx.cwd) ? (await loadProjectConfig(ctx.cwd, ctx.env)).config : undefined;
  const result: RouteResult = route(request, routeContextOf(config));
  const s = ctx.style;
  const option = (o: Alternative, i: number) =>
    `  ${i + 1}. ${o.label}${o.missing?.length ? s.dim(` (needs ${o.missing.join(', ')})`) : ''}\n     ${commandLine(o.argv)}`;
  if (result.kind === 'route') {
    const data = { ...result, command: commandLine(result.argv) } satisfies Data;
    const lines = [
      `${s.bold(result.operation)} via ${result.manager} ${s.dim(`(confidence ${result.confidence.toFixed(2)})`)}`,
      `  ${data.command}`,
      ...(result.needs_confirmation ? [s.yellow('  needs your explicit confirmation before it runs (production or destroy)')] : []),
      ...(result.reason ? [s.dim(`  ${result.reason}`)] : []),
      ...(result.alternatives.length ? ['', 'Or:', ...result.alternatives.map(option)] : []),
    ];
    return { data, human: lines.join('\n') };
  }
  if (result.kind === 'question') {
    return { data: result satisfies Data, human: [result.question, ...result.options.map(option)].join('\n') };
  }
  const lines = [result.message, ...result.capabilities.map((c) => `  ${c.operation.padEnd(16)} ${c.description}  ${s.dim(`e.g. "${c.example}"`)}`)];
  return { data: result satisfies Data, human: lines.join('\n'), exitCode: 1 };
}
