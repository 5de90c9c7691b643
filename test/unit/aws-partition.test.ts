import { describe, expect, it } from 'vitest';
import { partitionForRegion } from '../../src/handlers/hosting/aws/partition.js';

describe('partitionForRegion (the SDK partition table)', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    // Regression: console-urls.ts had a second rule that put these in aws.
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    // Regions the SDK matches by its partitions' patterns, not a list.
    ['us-iso-west-9', 'aws-iso'],
    ['cn-south-7', 'aws-cn'],
  ])('%s -> %s', (region, partition) => {
    expect(partitionForRegion(region)).toBe(partition);
  });

  it('no region -> undefined (callers fall back to the identity ARN partition)', () => {
    expect(partitionForRegion(undefined)).toBeUndefined();
    expect(partitionForRegion('')).toBeUndefined();
  });

  it('a region no partition knows -> aws, as the SDK endpoint resolver decides', () => {
    expect(partitionForRegion('moon-base-1')).toBe('aws');
    expect(partitionForRegion('not a region')).toBe('aws');
  });
});
