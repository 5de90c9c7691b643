import { identityEvent, type EventSink } from '../core/events.js';
import { authorize, checkAccount, type Authorization } from '../core/guard.js';
import type { MonitoringApi } from '../handlers/hosting/monitoring.js';
import type { CallerIdentity, HostingHandler } from '../handlers/hosting/types.js';
import { loadHostingHandler } from '../handlers/load.js';
import { loadEnvironment, type EnvironmentConfigView } from '../infra/environment.js';

/** One environment opened for reading: the guard's profile, a checked identity, the provider's monitoring. */
export interface OpsSession {
  view: EnvironmentConfigView;
  authorization: Authorization;
  identity: CallerIdentity;
  hosting: HostingHandler;
  monitoring: MonitoringApi;
  close(): void;
}

export interface OpsRequest {
  env: string;
  /** --profile: checked by the guard like any other command's. */
  profile?: string | undefined;
}

/**
 * Read-only commands use the environment's deploy profile, as `infra preview` does: the guard
 * picks (or refuses) the profile, STS says who it is, and the account must be the configured one
 * before any monitoring call is made.
 */
export async function openOpsSession(cwd: string, request: OpsRequest, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<OpsSession> {
  const view = await loadEnvironment(cwd, request.env, processEnv);
  const authorization = authorize(view.config, { operation: 'ops-read', env: request.env, ...(request.profile !== undefined ? { profile: request.profile } : {}) });
  const hosting = await loadHostingHandler(view.config, processEnv);
  const identity = await hosting.callerIdentity(authorization.profile, authorization.region);
  report(identityEvent(identity, authorization));
  checkAccount(authorization, identity);
  const monitoring = await hosting.monitoring({ profile: authorization.profile, region: authorization.region });
  return { view, authorization, identity, hosting, monitoring, close: () => monitoring.close() };
}

/** Open, run, and always release the provider's connections. */
export async function withOpsSession<T>(cwd: string, request: OpsRequest, processEnv: NodeJS.ProcessEnv, report: EventSink, work: (session: OpsSession) => Promise<T>): Promise<T> {
  const session = await openOpsSession(cwd, request, processEnv, report);
  try {
    return await work(session);
  } finally {
    session.close();
  }
}
