import { ProviderCallError } from '../failures.js';
import type { TaggedResource } from '../types.js';
import { createAwsClient } from './clients.js';
import { classifyAwsError } from './errors.js';

/**
 * Resources by tag through the Resource Groups Tagging API: what really exists with the
 * project's tags, whatever the IaC state says. (The API does not index IAM resources.)
 */
export async function resourcesByTags(
  request: { profile: string; region: string; tags: Record<string, string> },
  env: NodeJS.ProcessEnv,
): Promise<TaggedResource[]> {
  const sdk = await import('@aws-sdk/client-resource-groups-tagging-api');
  const client = createAwsClient(sdk.ResourceGroupsTaggingAPIClient, { profile: request.profile, region: request.region, env });
  const TagFilters = Object.entries(request.tags).map(([Key, value]) => ({ Key, Values: [value] }));
  const found: TaggedResource[] = [];
  try {
    let PaginationToken: string | undefined;
    do {
      const page = await client.send(new sdk.GetResourcesCommand({ TagFilters, ResourcesPerPage: 100, ...(PaginationToken ? { PaginationToken } : {}) }));
      for (const mapping of page.ResourceTagMappingList ?? []) {
        if (!mapping.ResourceARN) continue;
        found.push({ arn: mapping.ResourceARN, tags: Object.fromEntries((mapping.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])) });
      }
      PaginationToken = page.PaginationToken || undefined;
    } while (PaginationToken);
  } catch (error) {
    throw new ProviderCallError(classifyAwsError(error, 'tag:GetResources', { region: request.region }), error);
  } finally {
    client.destroy();
  }
  return found.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
}
