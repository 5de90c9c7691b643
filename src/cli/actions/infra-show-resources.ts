import { deployedResources } from '../../infra/views.js';
import type { infraShowResources } from '../command-sets/infra-lifecycle.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/infra-lifecycle.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof infraShowResources>): Promise<CommandResult> {
  const { type } = options;
  const data = (await deployedResources(ctx.cwd, options.env, type, ctx.env)) satisfies Output<typeof schema.infraShowResources>;
  const { env, resources } = data;
  if (data.updated_at === null) return { data, human: `No resources recorded for '${env}' yet.\nNext: faber-cloud infra preview --env ${env}` };
  if (resources.length === 0) return { data, human: `No ${type ? `${type} ` : ''}resources in '${env}'.` };
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: ['address', 'id', 'console'], style: { head: [], border: [] }, wordWrap: false });
  for (const r of resources) table.push([r.address, r.id ?? '', r.console_url ?? '']);
  return { data, human: `${table.toString()}\n${resources.length} resources in '${env}' (account ${data.account ?? '?'}, updated ${data.updated_at})` };
}
