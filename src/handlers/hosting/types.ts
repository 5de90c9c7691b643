import type { StateResource } from '../iac/types.js';

/** Who the credentials of a profile belong to (STS GetCallerIdentity or the provider's twin). */
export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
  partition: string;
  profile: string | null;
  region: string;
}

/**
 * A cloud provider. AWS implements it today; GCP and Azure are further implementations.
 * Domain modules reach the provider only through this interface.
 */
export interface HostingHandler {
  readonly name: string;
  /** Identity of the credentials behind a profile. */
  callerIdentity(profile: string, region: string): Promise<CallerIdentity>;
  /** Provider facts about a resource in IaC state: ARN, console link, region. */
  link(resource: StateResource, region: string): { arn?: string; consoleUrl?: string; region?: string };
}
