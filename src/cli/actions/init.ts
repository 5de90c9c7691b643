import path from 'node:path';
import { warning } from '../../core/events.js';
import { initProject } from '../../core/init/init-project.js';
import type { ActionInput, CommandContext, CommandResult } from '../context.js';

export async function run(ctx: CommandContext, { options }: ActionInput): Promise<CommandResult> {
  const o = options as Record<string, string | boolean | undefined>;
  const result = await initProject(
    ctx.cwd,
    {
      provider: String(o.provider),
      iac: String(o.iac),
      subsystem: String(o.subsystem),
      force: Boolean(o.force),
      allowTerraformOutsideProject: Boolean(o.allowTerraformOutsideProject),
      ...(typeof o.project === 'string' ? { project: o.project } : {}),
      ...(typeof o.region === 'string' ? { region: o.region } : {}),
      ...(typeof o.accountId === 'string' ? { accountId: o.accountId } : {}),
      ...(typeof o.terraformDir === 'string' ? { terraformDir: o.terraformDir } : {}),
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
    `  terraform     ${result.terraformDirectory}${result.terraformDetected ? s.dim(' (detected)') : s.dim(' (default; not found yet)')}`,
    ...(result.gitignoreAdded.length ? [`  .gitignore    added ${result.gitignoreAdded.join(', ')}`] : []),
    '',
    `Next: create the three AWS profiles, then run ${s.bold('faber-cloud config validate')}.`,
  ];
  return { data: result, human: lines.join('\n') };
}
