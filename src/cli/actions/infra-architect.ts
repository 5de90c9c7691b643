import type { infraArchitect } from '../command-sets/infra-design.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/infra-design.js';

type Data = Output<typeof schema.infraArchitect>;

type Options = InputOf<typeof infraArchitect>['options'];

// --list, --kinds and creating a design are separate uses: their options are declared in conflict.
export async function run(ctx: CommandContext, { options }: InputOf<typeof infraArchitect>): Promise<CommandResult> {
  if (options.list) return listAction(ctx);
  if (options.kinds) return kindsAction(ctx);
  return createAction(ctx, options);
}

async function createAction(ctx: CommandContext, o: Options): Promise<CommandResult> {
  const { createDesign } = await import('../../design/architect.js');
  const result = await createDesign(
    ctx.cwd,
    {
      ...(o.feature !== undefined ? { feature: o.feature } : {}),
      ...(o.fromFile !== undefined ? { fromFile: o.fromFile } : {}),
      ...(o.slug !== undefined ? { slug: o.slug } : {}),
      ...(o.title !== undefined ? { title: o.title } : {}),
      resources: o.resource ?? [],
      sets: o.set ?? [],
      force: o.force === true,
    },
    ctx.env,
  );
  const s = ctx.style;
  const envs = Object.keys(result.resources[0]?.names ?? {});
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: ['name', 'kind', ...envs], style: { head: [], border: [] }, wordWrap: false });
  for (const r of result.resources) table.push([r.name, r.kind, ...envs.map((e) => r.names[e] ?? '')]);
  const origin = result.source === 'keywords' ? `chosen from the words ${[...new Set(result.resources.flatMap((r) => r.matched ?? []))].map((m) => `'${m}'`).join(', ')}` : 'as given with --resource';
  const lines = [
    `${s.green('✓')} ${result.replaced ? 'Replaced' : 'Wrote'} ${result.file}: ${result.title}`,
    `  ${result.resources.length} resource${result.resources.length === 1 ? '' : 's'}, ${origin}`,
    table.toString(),
    '',
    `Next: complete the sections marked "agent:" in ${result.file}, adjust the front matter, then run ${s.bold(`faber-cloud infra engineer --design ${result.slug}`)}.`,
  ];
  return { data: result satisfies Data, human: lines.join('\n') };
}

async function listAction(ctx: CommandContext): Promise<CommandResult> {
  const { listDesigns } = await import('../../design/architect.js');
  const result = await listDesigns(ctx.cwd, ctx.env);
  if (result.designs.length === 0) return { data: result satisfies Data, human: `No designs in ${result.dir} yet.\nNext: faber-cloud infra architect --feature "<what you are building>"` };
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: ['slug', 'title', 'resources', 'modified'], style: { head: [], border: [] }, wordWrap: false });
  for (const d of result.designs) table.push([d.slug, d.error ? ctx.style.red(`invalid: ${d.error.message}`) : (d.title ?? ''), d.resources ?? '-', d.modified.replace(/\.\d+Z$/, 'Z')]);
  return { data: result, human: `${table.toString()}\n${result.designs.length} design${result.designs.length === 1 ? '' : 's'} in ${result.dir}` };
}

async function kindsAction(ctx: CommandContext): Promise<CommandResult> {
  const { describeKinds, loadCatalogue } = await import('../../design/catalogue.js');
  const kinds = describeKinds(await loadCatalogue());
  const s = ctx.style;
  const lines: string[] = [];
  for (const k of kinds) {
    lines.push(`${s.bold(k.kind)} ${s.dim(`(${k.aliases.join(', ')})`)}  ${k.title}: ${k.purpose}`);
    for (const setting of k.settings) {
      const values = setting.values ? ` ${setting.values.join('|')}` : '';
      lines.push(`  ${setting.name.padEnd(28)} ${`${setting.type}${values}`.slice(0, 40).padEnd(40)} default ${JSON.stringify(setting.default)}  ${s.dim(setting.description)}`);
    }
  }
  return { data: { kinds } satisfies Data, human: lines.join('\n') };
}
