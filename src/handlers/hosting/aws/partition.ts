/**
 * Which AWS partition a region belongs to: the one home of this fact.
 *
 * The answer comes from the SDK's own partition table, the one its endpoint resolver uses
 * (`partition()` of `@aws-sdk/core/client`, a public export), so new partitions (aws-iso-e,
 * aws-iso-f, aws-eusc, …) arrive with an SDK update instead of a hand-written prefix list.
 * `@aws-sdk/core` is what every declared `@aws-sdk/*` client and `@aws-sdk/util-arn-parser`
 * depend on (see docs/DECISIONS.md, "Issue 14: AWS facts").
 */
import { partition } from '@aws-sdk/core/client';

/**
 * The partition id of a region (`us-iso-east-1` -> `aws-iso`, `cn-north-1` -> `aws-cn`).
 * No region -> undefined. A region the SDK does not know and that matches no partition's
 * pattern -> `aws`, as the SDK's endpoint resolver decides.
 */
export function partitionForRegion(region: string | undefined): string | undefined {
  if (!region) return undefined;
  return partition(region).name;
}
