import { UsageError } from '../../core/errors.js';
import { parseDenials, type Denial } from '../../handlers/hosting/aws/denials.js';
import type { permissionsParseError } from '../command-sets/permissions.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { readInputFile, readStdin } from '../input.js';
import type { Output } from '../output-schemas/common.js';
import { denialOutput } from '../output-shapes.js';
import type * as schema from '../output-schemas/permissions.js';

async function readInput(ctx: CommandContext, file: string | undefined): Promise<string> {
  if (file !== undefined) return readInputFile(ctx.cwd, '--file', file);
  if (process.stdin.isTTY) {
    throw new UsageError('no error text given', { hint: 'pass --file FILE, or pipe the output in: tofu apply ... 2>&1 | faber-cloud permissions parse-error' });
  }
  return readStdin();
}

const REASON_TEXT: Record<Denial['reason'], string> = {
  'no-identity-policy': 'no identity-based policy allows it (can be granted)',
  'explicit-deny-identity': 'explicit deny in an identity-based policy (needs a human)',
  scp: 'service control policy (needs a human)',
  'permissions-boundary': 'permissions boundary (needs a human)',
  'session-policy': 'session policy (needs a human)',
  'resource-policy': 'resource-based policy (needs a human)',
  unknown: 'reason not stated',
};

export async function run(ctx: CommandContext, { options }: InputOf<typeof permissionsParseError>): Promise<CommandResult> {
  const input = await readInput(ctx, options.file);
  const { accountId, region, operation } = options;
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) throw new UsageError(`--account-id ${accountId}: an AWS account id is 12 digits`);
  const parsed = parseDenials(input, {
    ...(region !== undefined ? { region } : {}),
    ...(accountId ? { accountId } : {}),
    ...(operation !== undefined ? { operation } : {}),
  });
  const denials = parsed.filter((p): p is Denial => p.kind === 'denial');
  const credentials = parsed.filter((p) => p.kind === 'credentials');
  const data = {
    denials: denials.map(denialOutput),
    credential_problems: credentials.map(({ raw: _raw, ...rest }) => rest),
  } satisfies Output<typeof schema.permissionsParseError>;
  const s = ctx.style;
  const lines: string[] = [];
  for (const d of denials) {
    lines.push(`${s.red('denied')} ${d.action ?? '(action not stated)'}${d.actionInferred ? s.dim(' (inferred)') : ''}`);
    lines.push(`  resource   ${d.resourceArn ?? '(not stated)'}${d.resourceInferred ? s.dim(' (inferred)') : ''}`);
    if (d.principalArn) lines.push(`  principal  ${d.principalArn}`);
    lines.push(`  reason     ${REASON_TEXT[d.reason]}`);
    if (d.address) lines.push(`  address    ${d.address}`);
    if (d.encodedMessage) lines.push(`  encoded    ${d.encodedMessage.slice(0, 40)}… (decode with sts:DecodeAuthorizationMessage)`);
  }
  for (const c of credentials) lines.push(`${s.yellow('credentials')} ${c.code}: the keys are invalid or expired — not a permission problem; refresh them`);
  if (lines.length === 0) lines.push('No permission denial or credential error found in the input.');
  else lines.push('', `${denials.length} denial${denials.length === 1 ? '' : 's'}, ${credentials.length} credential problem${credentials.length === 1 ? '' : 's'}`);
  return { data, human: lines.join('\n') };
}
