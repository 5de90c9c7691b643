import type { ActionInput, CommandContext, CommandResult } from '../context.js';
import { UsageError } from '../../core/errors.js';

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
}

export async function run(ctx: CommandContext, { options }: ActionInput): Promise<CommandResult> {
  const o = options as Record<string, unknown>;
  const modes = [o.list, o.kinds].filter(Boolean).length;
  const creating = o.feature !== undefined || o.fromFile !== undefined || list(o.resource).length > 0;
  if (modes > 1 || (modes === 1 && creating)) {
    throw new UsageError('--list, --kinds and creating a design (--feature/--from-file/--resource) are separate uses', { hint: 'run one of them at a time' });
  }
  if (o.list) return listAction(ctx);
  if (o.kinds) return kindsAction(ctx);
  return createAction(ctx, o);
}

async function createAction(ctx: CommandContext, o: Record<string, unknown>): Promise<CommandResult> {
  const { createDesign } = await import('../../design/architect.js');
  const result = await createDesign(
    ctx.cwd,
    {
      ...(typeof o.feature === 'string' ? { feature: o.feature } : {}),
      ...(typeof o.fromFile === 'string' ? { fromFile: o.fromFile } : {}),
      ...(typeof o.slug === 'string' ? { slug: o.slug } : {}),
      ...(typeof o.title === 'string' ? { title: o.title } : {}),
      resources: list(o.resource),
      sets: list(o.set),
      force: Boolean(o.force),
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
  return { data: result, human: lines.join('\n') };
}

async function listAction(ctx: CommandContext): Promise<CommandResult> {
  const { listDesigns } = await import('../../design/architect.js');
  const result = await listDesigns(ctx.cwd, ctx.env);
  if (result.designs.length === 0) return { data: result, human: `No designs in ${result.dir} yet.\nNext: faber-cloud infra architect --feature "<what you are building>"` };
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: ['slug', 'title', 'resources', 'modified'], style: { head: [], border: [] }, wordWrap: false });
  for (const d of result.designs) table.push([d.slug, d.error ? ctx.style.red(`invalid: ${d.error.message}`) : (d.title ?? ''), d.resources ?? '-', d.modified.replace(/\.\d+Z$/, 'Z')]);
  return { data: result, human: `${table.toString()}\n${result.designs.length} design${result.designs.length === 1 ? '' : 's'} in ${result.dir}` };
}

async function kindsAction(ctx: CommandContext): Promise<CommandResult> {
  const { loadCatalogue } = await import('../../design/catalogue.js');
  const catalogue = await loadCatalogue();
  const kinds = catalogue.names.map((name) => {
    const kind = catalogue.kinds[name]!;
    return {
      kind: name,
      title: kind.title,
      aliases: kind.aliases,
      purpose: kind.purpose,
      settings: Object.entries(kind.settings).map(([key, s]) => ({ name: key, type: s.type === 'ref' ? `ref ${s.ref_kind}` : s.type, default: s.default ?? null, description: s.description, ...(s.type === 'enum' ? { values: s.values } : {}) })),
    };
  });
  const s = ctx.style;
  const lines: string[] = [];
  for (const k of kinds) {
    lines.push(`${s.bold(k.kind)} ${s.dim(`(${k.aliases.join(', ')})`)}  ${k.title}: ${k.purpose}`);
    for (const setting of k.settings) {
      const values = setting.values ? ` ${setting.values.join('|')}` : '';
      lines.push(`  ${setting.name.padEnd(28)} ${`${setting.type}${values}`.slice(0, 40).padEnd(40)} default ${JSON.stringify(setting.default)}  ${s.dim(setting.description)}`);
    }
  }
  return { data: { kinds }, human: lines.join('\n') };
}
