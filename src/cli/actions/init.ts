import path from 'node:path';
import { warning } from '../../core/events.js';
import { initProject } from '../../core/init/init-project.js';
import type { init } from '../command-sets/project.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import type { Output } from '../output-schemas/common.js';
import { initOutput } from '../output-shapes.js';
import type * as schema from '../output-schemas/project.js';

export async function run(ctx: CommandContext, { options: o }: InputOf<typeof init>): Promise<CommandResult> {
  const result = await initProject(
    ctx.cwd,
    {
      provider: o.provider,
      iac: o.iac,
      subsystem: o.subsystem,
      force: o.force === true,
      allowTerraformOutsideProject: o.allowTerraformOutsideProject === true,
      ...(o.project !== undefined ? { project: o.project } : {}),
      ...(o.region !== undefined ? { region: o.region } : {}),
      ...(o.accountId !== undefined ? { accountId: o.accountId } : {}),
      ...(o.terraformDir !== undefined ? { terraformDir: o.terraformDir } : {}),
      ...(o.templatesDir !== undefined ? { templatesDir: o.templatesDir } : {}),
    },
    ctx.env,
  );
  for (const text of result.warnings) ctx.events(warning('INIT_WARNING', text));
  const s = ctx.style;
  const rel = (p: string) => path.relative(result.root, p) || '.';
  const lines = [
    `${s.green('✓')} ${result.replaced ? 'Replaced' : 'Created'} ${rel(result.configFile)}`,
    ...(result.backupFile ? [`  previous config kept as ${rel(result.backupFile)}`] : []),
    `  project       ${result.project}`,
    `  profiles      discover ${result.profiles.discover}`,
    `                test     ${result.profiles.test}`,
    `                prod     ${result.profiles.prod}`,
    `  environments  ${result.environments.join(', ')}`,
    `  ${result.iac.padEnd(13)} ${result.iacDirectory}${result.iacDetected ? s.dim(' (detected)') : s.dim(' (default; not found yet)')}`,
    ...(result.backend
      ? [`  backend       ${result.backend.type}${result.backend.partial ? ' (partial)' : ''}${Object.entries(result.backend.backend_config).map(([env, file]) => `  ${env}: ${file}`).join('')}`]
      : []),
    ...(result.gitignoreAdded.length ? [`  .gitignore    added ${result.gitignoreAdded.join(', ')}`] : []),
    '',
    `Next: create the three AWS profiles, then run ${s.bold('faber-cloud config validate')}.`,
  ];
  return { data: initOutput(result) satisfies Output<typeof schema.init>, human: lines.join('\n') };
}
