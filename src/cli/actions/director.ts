import { findProjectRoot } from '../../core/paths.js';
import { loadProjectConfig } from '../../core/config/load.js';
import { route, type Alternative, type RouteContext, type RouteResult } from '../../director/index.js';
import { commandOf } from '../commands.js';
import type { ActionInput, CommandContext, CommandResult } from '../context.js';

/** Whether this CLI has the command an argv names (the router knows commands still being built). */
function available(argv: readonly string[]): boolean {
  return commandOf(argv) !== undefined;
}

/** Shell-quoted for a person to copy; agents use the argv array instead. */
function commandLine(argv: readonly string[]): string {
  return ['faber-cloud', ...argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))].join(' ');
}

async function routeContext(ctx: CommandContext): Promise<RouteContext> {
  // Without a project the router still works: environments named in the request are taken as given.
  if (!findProjectRoot(ctx.cwd)) return { environments: [], prodEnvironments: [] };
  const { config } = await loadProjectConfig(ctx.cwd, ctx.env);
  const envs = Object.entries(config.environments);
  return { environments: envs.map(([name]) => name), prodEnvironments: envs.filter(([, e]) => e.profile === 'prod').map(([name]) => name) };
}

export async function run(ctx: CommandContext, { args }: ActionInput): Promise<CommandResult> {
  const request = args.join(' ');
  const result: RouteResult = route(request, await routeContext(ctx));
  const s = ctx.style;
  const option = (o: Alternative, i: number) =>
    `  ${i + 1}. ${o.label}${o.missing?.length ? s.dim(` (needs ${o.missing.join(', ')})`) : ''}\n     ${commandLine(o.argv)}${available(o.argv) ? '' : s.dim('  (not in this version yet)')}`;
  if (result.kind === 'route') {
    const data = { ...result, command: commandLine(result.argv), available: available(result.argv) };
    const lines = [
      `${s.bold(result.operation)} via ${result.manager} ${s.dim(`(confidence ${result.confidence.toFixed(2)})`)}`,
      `  ${data.command}`,
      ...(data.available ? [] : [s.yellow('  this command is not in this version of faber-cloud yet')]),
      ...(result.needs_confirmation ? [s.yellow('  needs your explicit confirmation before it runs (production or destroy)')] : []),
      ...(result.reason ? [s.dim(`  ${result.reason}`)] : []),
      ...(result.alternatives.length ? ['', 'Or:', ...result.alternatives.map(option)] : []),
    ];
    return { data, human: lines.join('\n') };
  }
  if (result.kind === 'question') {
    return { data: result, human: [result.question, ...result.options.map(option)].join('\n') };
  }
  const lines = [result.message, ...result.capabilities.map((c) => `  ${c.operation.padEnd(16)} ${c.description}  ${s.dim(`e.g. "${c.example}"`)}`)];
  return { data: result, human: lines.join('\n'), exitCode: 1 };
}
