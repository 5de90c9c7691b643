import { UsageError } from '../../core/errors.js';
import type { Denial } from '../../handlers/hosting/aws/denials.js';
import { grantPermissions } from '../../infra/grant.js';
import type { ActionInput, CommandContext, CommandResult } from '../context.js';

/** `--action` may be repeated or hold several actions: `--action s3:A s3:B`, `--action s3:A,s3:B`. */
function actionsOf(value: unknown): string[] {
  const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  const actions = [...new Set(list.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))];
  if (actions.length === 0) throw new UsageError('no --action given', { hint: 'e.g. --action s3:CreateBucket' });
  for (const a of actions) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a)) throw new UsageError(`--action ${a}: actions look like service:Action (no wildcards), e.g. s3:CreateBucket`);
  }
  return actions;
}

export async function run(ctx: CommandContext, { options }: ActionInput): Promise<CommandResult> {
  const env = String(options.env);
  const actions = actionsOf(options.action);
  const resource = typeof options.resource === 'string' ? options.resource.trim() : undefined;
  if (resource !== undefined && resource !== '*' && !resource.startsWith('arn:')) {
    throw new UsageError(`--resource ${resource}: give the resource's ARN, e.g. arn:aws:s3:::myapp-core-test-uploads`);
  }
  const reasonText = typeof options.reason === 'string' ? options.reason.trim() : '';
  if (!reasonText) throw new UsageError('--reason must say why the permission is needed (it is kept in the audit log)');

  // The same shape the AccessDenied parser produces: "no identity-based policy allows".
  const denials: Denial[] = actions.map((action) => ({
    kind: 'denial',
    action,
    actionInferred: false,
    ...(resource ? { resourceArn: resource } : {}),
    resourceInferred: false,
    reason: 'no-identity-policy',
    explicit: false,
    code: 'AccessDenied',
    raw: '',
  }));

  const result = await grantPermissions(
    ctx.cwd,
    { env, denials, reasonText, source: 'cli', ...(typeof options.profile === 'string' ? { profile: options.profile } : {}) },
    ctx.env,
    ctx.events,
  );

  const s = ctx.style;
  const lines: string[] = [];
  for (const g of result.plan.grantable) lines.push(`${s.green('✓')} granted ${g.action} on ${g.resources.join(', ')}`);
  for (const p of result.applied?.policies ?? []) {
    const what = p.change === 'created' ? 'created' : p.change === 'updated' ? `new version ${p.version}` : `unchanged (${p.version})`;
    lines.push(`  policy     ${p.name} ${what}${p.attached ? ', attached' : ''}${p.prunedVersions.length ? `, deleted old ${p.prunedVersions.join(', ')}` : ''}`);
  }
  lines.push(`  principal  ${result.principal}`);
  lines.push(`  audit      ${result.auditIds.length > 0 ? result.auditIds.join(', ') : '-'}`);
  lines.push('', `Next: faber-cloud permissions audit --env ${env}`);
  return { data: result, human: lines.join('\n') };
}
