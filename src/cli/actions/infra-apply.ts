import path from 'node:path';
import { applyPlan, PlanReviewRequired, PreTestsBlocked } from '../../infra/lifecycle.js';
import type { PreTestResult } from '../../infra/testing/results.js';
import type { PlanDigest } from '../../handlers/iac/types.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { ActionInput } from '../definition.js';
import { printErr } from '../output.js';
import { renderDigest } from '../render/lifecycle.js';
import { relative, renderPreTest } from '../render/testing.js';
import type { Output } from '../output-schemas/common.js';
import { deployOutput, digestOutput } from '../output-shapes.js';
import type * as schema from '../output-schemas/infra-lifecycle.js';

/** The options `infra deploy` and `infra destroy` have in common; destroy has no auto-fix nor pre-deploy tests. */
interface ApplyOptions {
  env: string;
  plan?: string;
  confirm?: string;
  profile?: string;
  autoFix?: boolean;
  skipPreTests?: true;
}

/** `infra deploy` and `infra destroy`: the same guarded apply of one saved plan. */
export function applyAction(operation: 'deploy' | 'destroy') {
  return async (ctx: CommandContext, { options }: ActionInput<ApplyOptions>): Promise<CommandResult> => {
    const { env } = options;
    let result;
    try {
      result = await applyPlan(
        ctx.cwd,
        {
          operation,
          env,
          ...(options.plan !== undefined ? { planId: options.plan } : {}),
          ...(options.confirm !== undefined ? { confirm: options.confirm } : {}),
          ...(options.profile !== undefined ? { profile: options.profile } : {}),
          ...(options.autoFix === false ? { autoFix: false } : {}),
          ...(options.skipPreTests === true ? { skipPreTests: true } : {}),
        },
        ctx.env,
        ctx.events,
      );
    } catch (error) {
      // The plan to review goes to stderr for a person; --json callers get it in error.details.
      if (error instanceof PlanReviewRequired) {
        const details = error.details as { digest: PlanDigest };
        if (!ctx.json) printErr(`${renderDigest(details.digest, ctx.style).join('\n')}\n\n`);
        // The digest in error.details has the shape of the digest in infra preview's data.
        error.details = { ...details, digest: digestOutput(details.digest) };
      }
      // The pre-deploy tests' report, so a person sees which findings and which limit blocked it.
      if (error instanceof PreTestsBlocked && !ctx.json) {
        const { result, file } = error.details as { result: PreTestResult; file: string };
        printErr(`${renderPreTest(result, relative(ctx.cwd, file), ctx.style).join('\n')}\n\n`);
      }
      throw error;
    }
    const s = ctx.style;
    const lines = [
      `${s.green('✓')} ${operation === 'deploy' ? 'Deployed' : 'Destroyed'} '${env}' with plan ${result.planId} (${result.outcome})`,
      `  changes     +${result.apply?.counts.add ?? 0} ~${result.apply?.counts.change ?? 0} -${result.apply?.counts.destroy ?? 0}`,
      ...(result.preflight && !('error' in result.preflight) && result.preflight.granted?.length ? [`  preflight   granted ${result.preflight.granted.length} missing permission(s) before the apply (see faber-cloud permissions audit --env ${env})`] : []),
      ...(result.auto_fix.rounds > 0 ? [`  auto-fix    ${result.auto_fix.rounds} round(s), granted ${result.auto_fix.granted.join(', ')} (see faber-cloud permissions audit --env ${env})`] : []),
      ...(result.solutions_confirmed.length > 0 ? [`  debugger    recorded as working: ${result.solutions_confirmed.join(', ')}`] : []),
      `  registry    ${path.relative(ctx.cwd, result.registry.file)} (${result.registry.resources} resources)`,
      `  summary     ${path.relative(ctx.cwd, result.deployedMarkdown)}`,
      `  deployment  ${result.deploymentId}`,
      '',
      `Next: faber-cloud infra show-resources --env ${env}`,
    ];
    return { data: deployOutput(result) satisfies Output<typeof schema.infraDeploy>, human: lines.join('\n') };
  };
}
