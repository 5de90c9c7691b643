import type { Catalogue } from './catalogue.js';
import type { DesignFrontMatter, NamingContext } from './design-file.js';
import { resourceName } from './naming.js';
import { renderTemplate, textValues } from './text-template.js';

export interface DesignBodyInput {
  design: DesignFrontMatter;
  catalogue: Catalogue;
  naming: NamingContext;
  /** Text of --from-file, if given. */
  requirements: string | undefined;
  /** Why a resource was chosen (the keyword rule), by resource name. */
  why: ReadonlyMap<string, string>;
}

/** Markdown table cells must not break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

function settingsSummary(settings: Record<string, unknown>): string {
  const shown = Object.entries(settings).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0));
  return shown.map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(', ');
}

function bullets(items: string[], none: string): string {
  return items.length ? items.map((i) => `- ${i}`).join('\n') : `- ${none}`;
}

/** The markdown body of a new design from templates/design/design.md. */
export function renderDesignBody(template: string, input: DesignBodyInput): string {
  const { design, catalogue, naming } = input;
  const kindOf = (kind: string) => catalogue.kinds[kind];
  const envs = naming.environments;

  const services = new Map<string, { resources: string[]; why: string[] }>();
  for (const r of design.resources) {
    const kind = kindOf(r.kind);
    if (!kind) continue;
    const entry = services.get(kind.service) ?? { resources: [], why: [] };
    entry.resources.push(`\`${r.name}\``);
    const why = input.why.get(r.name) ?? kind.purpose;
    if (!entry.why.includes(why)) entry.why.push(why);
    services.set(kind.service, entry);
  }

  const flows: string[] = [];
  for (const r of design.resources) {
    for (const [key, setting] of Object.entries(kindOf(r.kind)?.settings ?? {})) {
      const target = r.settings[key];
      if (setting.type !== 'ref' || typeof target !== 'string') continue;
      const [from, to] = setting.flow.from_target ? [target, r.name] : [r.name, target];
      flows.push(`\`${from}\` ${setting.flow.verb} \`${to}\` (${r.kind}.${key})`);
    }
  }

  const security = (area: 'encryption' | 'iam' | 'network') =>
    bullets(
      design.resources.flatMap((r) => (kindOf(r.kind)?.security[area] ?? []).map((note) => `\`${r.name}\`: ${note}`)),
      'nothing generated for this area yet',
    );

  const costs = design.resources.map((r) => ({ r, cost: kindOf(r.kind)?.cost ?? { monthly_usd: 0, basis: '' } }));
  const total = costs.reduce((sum, c) => sum + c.cost.monthly_usd, 0);

  const questions = [
    'Which environments need this, and does prod differ (size, retention, alarms)?',
    ...design.resources.flatMap((r) => (kindOf(r.kind)?.questions ?? []).map((q) => `\`${r.name}\`: ${q}`)),
  ];

  const requirements = [`> ${design.feature.split('\n').join('\n> ')}`, ...(input.requirements ? ['', input.requirements.trim()] : [])].join('\n');

  const body = renderTemplate(
    template,
    textValues({
      title: design.title,
      slug: design.slug,
      created_at: design.created_at,
      requirements,
      services: [...services].map(([service, s]) => `| ${service} | ${s.resources.join(', ')} | ${cell(s.why.join('; '))} |`).join('\n'),
      naming_pattern: naming.pattern,
      environment_columns: envs.join(' | '),
      environment_separators: envs.map(() => '---').join(' | '),
      resources: design.resources
        .map((r) => {
          const names = envs.map((environment) => `\`${resourceName(naming.pattern, { project: naming.project, subsystem: naming.subsystem, environment, resource: r.name })}\``);
          return `| \`${r.name}\` | ${r.kind} | ${names.join(' | ')} | ${cell(settingsSummary(r.settings))} |`;
        })
        .join('\n'),
      data_flow: bullets(flows, 'no connections between the resources are declared in the front matter'),
      security_encryption: security('encryption'),
      security_iam: security('iam'),
      security_network: security('network'),
      cost_rows: costs.map(({ r, cost }) => `| \`${r.name}\` | ${r.kind} | ${cost.monthly_usd} | ${cell(cost.basis)} |`).join('\n'),
      cost_total: String(total),
      environment_count: String(envs.length),
      cost_all: String(total * envs.length),
      open_questions: bullets(questions, 'none'),
    }),
    'templates/design/design.md',
  );
  return `\n${body.trimEnd()}\n`;
}
