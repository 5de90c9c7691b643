import type { StateResource } from '../../iac/types.js';
import type { InspectionCapability } from '../inspection.js';
import type { RemediationCapability } from '../remediation.js';
import type { MonitoringApi } from '../monitoring.js';
import type { AdoptionListing, AdoptionListingRequest, CallerIdentity, GrantApplyRequest, GrantApplyResult, HostingHandler, PrincipalPolicies, ResourceCheck, ResourceCheckRequest, TaggedResource } from '../types.js';
import { consoleLinkFor } from './console-urls.js';

export class AwsHostingHandler implements HostingHandler {
  readonly name = 'aws';

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  // Imported when called, as the other AWS calls below: the SDK client core (~300 KB) is not loaded
  // by what needs only `link` (a registry build, docs/PERFORMANCE.md).
  async callerIdentity(profile: string, region: string): Promise<CallerIdentity> {
    const { callerIdentity } = await import('./identity.js');
    return callerIdentity({ profile, region, env: this.env });
  }

  link(resource: StateResource, region: string) {
    const values = resource.values;
    const resourceRegion = typeof values.region === 'string' && values.region ? values.region : region;
    const link = consoleLinkFor({ type: resource.type, values }, { region: resourceRegion });
    return { ...link, region: resourceRegion };
  }

  async applyGrant(request: GrantApplyRequest): Promise<GrantApplyResult> {
    const { applyGrant } = await import('./iam-grants.js');
    return applyGrant(request, this.env);
  }

  async principalPolicies(request: { profile: string; region: string; principalArn: string }): Promise<PrincipalPolicies> {
    const { principalPolicies } = await import('./principal-policies.js');
    return principalPolicies(request, this.env);
  }

  async decodeAuthorizationMessage(profile: string, region: string, encoded: string): Promise<string> {
    const { decodeAuthorizationMessage } = await import('./identity.js');
    return decodeAuthorizationMessage({ profile, region, env: this.env }, encoded);
  }

  async resourcesByTags(request: { profile: string; region: string; tags: Record<string, string> }): Promise<TaggedResource[]> {
    const { resourcesByTags } = await import('./tagging.js');
    return resourcesByTags(request, this.env);
  }

  async adoptionCandidates(request: AdoptionListingRequest): Promise<AdoptionListing> {
    const { listAdoptable } = await import('./adoption.js');
    return listAdoptable(request, this.env);
  }

  async inspection(session: { profile: string; region: string }): Promise<InspectionCapability> {
    const { AwsInspection } = await import('./inspection.js');
    return new AwsInspection({ ...session, env: this.env });
  }

  async remediation(session: { profile: string; region: string }): Promise<RemediationCapability> {
    const { AwsRemediation } = await import('./remediation.js');
    return new AwsRemediation({ ...session, env: this.env });
  }

  async monitoring(session: { profile: string; region: string }): Promise<MonitoringApi> {
    const { AwsMonitoring } = await import('./monitoring.js');
    return new AwsMonitoring({ ...session, env: this.env });
  }

  async checkResources(request: ResourceCheckRequest): Promise<ResourceCheck[]> {
    const { checkResources } = await import('./resource-checks.js');
    return checkResources(request, this.env);
  }
}
