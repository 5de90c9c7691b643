import { loadEnvironment } from '../../infra/environment.js';
import { readRegistry } from '../../registry/registry.js';
import type { infraShowResources } from '../command-sets/infra-lifecycle.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof infraShowResources>): Promise<CommandResult> {
  const view = await loadEnvironment(ctx.cwd, options.env, ctx.env);
  const registry = await readRegistry(view.envPaths.registryFile, view.display(view.envPaths.registryFile));
  const { type } = options;
  const resources = (registry?.resources ?? []).filter((r) => !type || r.type === type);
  const data = { env: view.name, registry: view.display(view.envPaths.registryFile), account: registry?.account ?? null, updated_at: registry?.updated_at ?? null, resources };
  if (!registry) return { data, human: `No resources recorded for '${view.name}' yet.\nNext: faber-cloud infra preview --env ${view.name}` };
  if (resources.length === 0) return { data, human: `No ${type ? `${type} ` : ''}resources in '${view.name}'.` };
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: ['address', 'id', 'console'], style: { head: [], border: [] }, wordWrap: false });
  for (const r of resources) table.push([r.address, r.id ?? '', r.console_url ?? '']);
  return { data, human: `${table.toString()}\n${resources.length} resources in '${view.name}' (account ${registry.account ?? '?'}, updated ${registry.updated_at})` };
}
