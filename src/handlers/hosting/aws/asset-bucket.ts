/**
 * The S3 side of publishing a CDK app's file assets to its bootstrap bucket: does the bucket
 * exist, is an object there already, upload one. Every client comes from the one client factory
 * (the deploy profile, the endpoint override); every failure leaves as a ProviderCallError
 * naming the S3 permission, and `failureSummary` turns it into the text the denial parser reads.
 */

import type { S3Client } from '@aws-sdk/client-s3';
import { ProviderCallError } from '../failures.js';
import { createS3Client, type AwsClientOptions } from './clients.js';
import { call } from './errors.js';
import { sdkErrorText } from './error-text.js';

export class AssetBucket {
  private constructor(
    private readonly client: S3Client,
    private readonly sdk: typeof import('@aws-sdk/client-s3'),
    readonly bucket: string,
    /** The account that must own the bucket (S3 refuses the call otherwise): never upload to a bucket someone else made under the expected name. */
    private readonly owner: string,
    private readonly partition: string,
    private readonly region: string,
  ) {}

  static async open(bucket: string, scope: { accountId: string; partition: string }, options: AwsClientOptions): Promise<AssetBucket> {
    const sdk = await import('@aws-sdk/client-s3');
    return new AssetBucket(createS3Client(sdk, options), sdk, bucket, scope.accountId, scope.partition, options.region);
  }

  /** The bucket's ARN, or one object's. */
  arn(key?: string): string {
    return `arn:${this.partition}:s3:::${this.bucket}${key !== undefined ? `/${key}` : ''}`;
  }

  /**
   * Whether the bucket exists: a one-key listing (s3:ListBucket, the permission `has` needs
   * anyway), not HeadBucket, whose bodiless 403 says nothing and which moto authorises as an
   * action of its own.
   */
  async exists(): Promise<boolean> {
    try {
      await call('s3:ListBucket', () => this.client.send(new this.sdk.ListObjectsV2Command({ Bucket: this.bucket, MaxKeys: 1, ExpectedBucketOwner: this.owner })), { region: this.region, resource: this.arn() });
      return true;
    } catch (error) {
      if (error instanceof ProviderCallError && (error.failure.reason === 'not-found' || error.failure.status === 404)) return false;
      throw error;
    }
  }

  /** Whether `key` is there already; listed rather than read, as the CDK CLI does (s3:ListBucket, not s3:GetObject). */
  async has(key: string): Promise<boolean> {
    const out = await call('s3:ListBucket', () => this.client.send(new this.sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 1, ExpectedBucketOwner: this.owner })), {
      region: this.region,
      resource: this.arn(),
    });
    return (out.Contents ?? []).some((o) => o.Key === key);
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await call('s3:PutObject', () => this.client.send(new this.sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ExpectedBucketOwner: this.owner })), {
      region: this.region,
      resource: this.arn(key),
    });
  }

  destroy(): void {
    this.client.destroy();
  }
}

/**
 * A failed bucket call as one line the denial parser reads: AWS's own sentence when it gave one
 * ("User: … is not authorized to perform: s3:PutObject on resource: … because …"), else (S3's
 * bare "Access Denied", moto's) the permission and the object the call was for, which S3 leaves
 * out of its answer.
 */
export function failureSummary(error: ProviderCallError): string {
  const { failure } = error;
  const text = sdkErrorText(error.cause).split('\n')[0] ?? failure.message;
  if (failure.reason === 'permission-denied' && !/not authorized to perform/i.test(text)) {
    return `${failure.action}: the deploy profile is not authorized to perform: ${failure.action} on resource: ${failure.resource ?? '*'} (S3 answered ${text})`;
  }
  return `${failure.action} on ${failure.resource ?? '*'}: ${text}`;
}
