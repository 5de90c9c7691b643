import { NeedsHumanError, UsageError } from '../core/errors.js';
import { authorize } from '../core/guard.js';
import type { ResourceCheck } from '../handlers/hosting/types.js';
import { readRegistry } from '../registry/registry.js';
import { checkEnvironmentWrites, loadEnvironment, openEnvironment } from './environment.js';
import { step, type EventSink } from '../core/events.js';
import { identify } from './lifecycle.js';
import { saveTestResult, type PostTestResult } from './testing/results.js';

/** Statuses that fail the post-deploy tests. */
const FAILING: readonly ResourceCheck['status'][] = ['missing', 'unhealthy', 'error', 'denied'];

/**
 * `infra test --phase post`: every resource in the registry is looked up through the hosting
 * handler with the environment's deploy profile (read-only calls), and the result is saved
 * with the deployment.
 */
export async function runPostTests(
  cwd: string,
  request: { env: string; profile?: string },
  processEnv: NodeJS.ProcessEnv,
  report: EventSink,
): Promise<{ result: PostTestResult; file: string }> {
  const view = await loadEnvironment(cwd, request.env, processEnv);
  await checkEnvironmentWrites(view, 'post-test');
  const registry = await readRegistry(view.envPaths.registryFile, view.display(view.envPaths.registryFile));
  if (!registry || registry.resources.length === 0) {
    throw new UsageError(`nothing is deployed to '${request.env}': ${view.display(view.envPaths.registryFile)} lists no resources`, {
      code: 'E_USAGE_NOTHING_DEPLOYED',
      hint: `deploy first (faber-cloud infra deploy --env ${request.env}), then run the post-deploy tests`,
    });
  }
  // Read-only, with the profile that deployed: the same role and account checks as preview.
  const authorization = authorize(view.config, { operation: 'preview', env: request.env, ...(request.profile ? { profile: request.profile } : {}) });
  const open = await openEnvironment(view, authorization.profile, processEnv);
  const identity = await identify(open, authorization, report);
  report(step('LIFECYCLE_STEP', `checking ${registry.resources.length} deployed resource(s)`));
  const ranAt = new Date().toISOString();
  const checks = await open.hosting.checkResources({
    profile: authorization.profile,
    region: open.region,
    resources: registry.resources.map((r) => ({ address: r.address, type: r.type, id: r.id, arn: r.arn, region: r.region, tags: r.tags })),
  });
  const counts = { ok: 0, missing: 0, unhealthy: 0, denied: 0, error: 0, 'not-checked': 0 } as PostTestResult['counts'];
  for (const check of checks) counts[check.status]++;
  const result: PostTestResult = {
    schema_version: 1,
    phase: 'post',
    env: open.name,
    ran_at: ranAt,
    passed: checks.every((c) => !FAILING.includes(c.status)),
    account: identity.account,
    registry: { updated_at: registry.updated_at, resources: registry.resources.length },
    counts,
    checks,
  };
  const file = await saveTestResult(open.envPaths.testsDir, result, open.paths);
  const deniedOnly = deniedOnlyError(result, file, open.display(file));
  if (deniedOnly) throw deniedOnly;
  return { result, file };
}

/**
 * Nothing failed, but some checks were not allowed: not a verdict on the deployment. A person
 * must grant the read actions (exit 4, with the grant command); the result is saved all the same.
 */
export function deniedOnlyError(result: PostTestResult, file: string, displayFile: string): NeedsHumanError | undefined {
  const denied = result.checks.filter((c) => c.status === 'denied');
  const failed = result.checks.some((c) => c.status === 'missing' || c.status === 'unhealthy' || c.status === 'error');
  if (failed || denied.length === 0) return undefined;
  const actions = [...new Set(denied.map((c) => c.action).filter(Boolean))];
  return new NeedsHumanError('E_PERMISSION_DENIED', `the post-deploy checks of '${result.env}' were denied ${actions.join(', ')}; the result is saved in ${displayFile}`, {
    hint: `faber-cloud permissions grant --env ${result.env} ${actions.map((a) => `--action ${a}`).join(' ')} --reason "post-deploy checks"`,
    details: { result, file },
  });
}
