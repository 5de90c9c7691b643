import { UsageError } from '../../core/errors.js';
import type { infraTest } from '../command-sets/infra-test.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { relative, renderPostTest, renderPreTest } from '../render/testing.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/infra-test.js';

type Data = Output<typeof schema.infraTest>;

export async function run(ctx: CommandContext, { options }: InputOf<typeof infraTest>): Promise<CommandResult> {
  const { env, phase } = options;
  const profile = options.profile !== undefined ? { profile: options.profile } : {};
  if (phase === 'post') {
    if (options.plan !== undefined) throw new UsageError('--plan applies to --phase pre only', { hint: `faber-cloud infra test --env ${env} --phase post` });
    const { runPostTests } = await import('../../infra/post-test.js');
    const { result, file } = await runPostTests(ctx.cwd, { env, ...profile }, ctx.env, ctx.events);
    return { data: { ...result, file } satisfies Data, human: renderPostTest(result, relative(ctx.cwd, file), ctx.style).join('\n'), exitCode: result.passed ? 0 : 1 };
  }
  const { testPlan } = await import('../../infra/lifecycle.js');
  const tested = await testPlan(ctx.cwd, { env, ...(options.plan !== undefined ? { planId: options.plan } : {}), ...profile }, ctx.env, ctx.events);
  const { result, file } = tested;
  const lines = renderPreTest(result, relative(ctx.cwd, file), ctx.style);
  if (result.passed) {
    lines.push(`Next: ${tested.nextCommand}`);
  } else {
    lines.push(`Next: fix the findings above and run faber-cloud infra test --env ${env} again`);
  }
  return { data: { ...result, file, next: result.passed ? tested.nextCommand : null } satisfies Data, human: lines.join('\n'), exitCode: result.passed ? 0 : 1 };
}
