/**
 * Publishing a CDK stack's file assets to its bootstrap bucket, as the deploy profile (not the
 * synthesizer's publishing role: the identity the guard showed and checked is the one that
 * acts, see docs/DECISIONS.md). A preview only looks; a deploy uploads what is missing.
 */

import path from 'node:path';
import { ConfigError, NeedsHumanError, OperationError } from '../../../core/errors.js';
import type { EventSink } from '../../../core/events.js';
import { AssetBucket, failureSummary } from '../../hosting/aws/asset-bucket.js';
import type { AwsClientOptions } from '../../hosting/aws/clients.js';
import { callerIdentity } from '../../hosting/aws/identity.js';
import { ProviderCallError } from '../../hosting/failures.js';
import type { Diagnostic } from '../types.js';
import { resolveUploads, type AssetScope, type FileAsset, type ResolvedUpload } from './assembly.js';
import { assetBody } from './package.js';

export interface PublishContext {
  /** The cloud assembly directory, absolute (asset paths are relative to it). */
  outdir: string;
  region: string;
  env: NodeJS.ProcessEnv;
}

/** What a preview says of one upload. */
export interface AssetListing {
  name: string;
  id: string;
  packaging: 'file' | 'zip';
  bucket: string;
  key: string;
  /** to-publish: the deploy uploads it; published: already there; unknown: the bucket is missing or could not be read. */
  state: 'to-publish' | 'published' | 'unknown';
}

const clientOptions = (context: PublishContext, region: string): AwsClientOptions => ({ region, env: context.env, ...(context.env.AWS_PROFILE ? { profile: context.env.AWS_PROFILE } : {}) });

const step = (message: string) => ({ level: 'info' as const, code: 'LIFECYCLE_STEP' as const, message, data: {} });
const warn = (message: string) => ({ level: 'warn' as const, code: 'LIFECYCLE_WARNING' as const, message, data: {} });

const where = (u: ResolvedUpload) => `s3://${u.bucket}/${u.key}`;
const what = (a: FileAsset) => `asset ${a.name} (${a.packaging === 'zip' ? 'directory, zipped' : 'file'})`;

/** The account and partition placeholders resolve to: the deploy identity's (the guard checked its account). */
export async function assetScope(context: PublishContext): Promise<AssetScope> {
  const identity = await callerIdentity(clientOptions(context, context.region));
  return { accountId: identity.account, partition: identity.partition, region: context.region };
}

/** Without Docker, image assets cannot be built: refused before anything is planned or executed. */
export function refuseImages(images: readonly string[]): void {
  if (images.length === 0) return;
  throw new ConfigError('E_CONFIG_CDK_DOCKER_ASSETS', `the stack needs ${images.length} Docker image asset(s) (${images.join(', ')}), which faber-cloud does not build or publish: it runs no Docker`, {
    hint: 'use file assets (lambda.Code.fromAsset of a directory) or an image already in a registry (ContainerImage.fromRegistry / fromEcrRepository), or deploy this stack with the CDK CLI',
  });
}

/** What a missing bootstrap bucket means, and what to do. */
function missingBucket(u: ResolvedUpload, scope: AssetScope): { message: string; hint: string } {
  return {
    message: `the CDK bootstrap bucket ${u.bucket} does not exist in account ${scope.accountId} (${u.region}), so the stack's assets cannot be published`,
    hint: `bootstrap the environment (npx cdk bootstrap aws://${scope.accountId}/${u.region}), or create the bucket ${u.bucket} in ${u.region}, then deploy again`,
  };
}

function notBootstrapped(u: ResolvedUpload, scope: AssetScope): ConfigError {
  const { message, hint } = missingBucket(u, scope);
  return new ConfigError('E_CONFIG_CDK_NOT_BOOTSTRAPPED', `${message}; nothing was executed`, { hint, details: { bucket: u.bucket, region: u.region, account: scope.accountId } });
}

/** Uploads grouped by bucket (and region), each group with its bucket client. */
async function openBuckets(uploads: readonly ResolvedUpload[], scope: AssetScope, context: PublishContext): Promise<Map<string, AssetBucket>> {
  const buckets = new Map<string, AssetBucket>();
  for (const u of uploads) {
    const id = `${u.region}/${u.bucket}`;
    if (!buckets.has(id)) buckets.set(id, await AssetBucket.open(u.bucket, scope, clientOptions(context, u.region)));
  }
  return buckets;
}

const bucketOf = (buckets: Map<string, AssetBucket>, u: ResolvedUpload) => buckets.get(`${u.region}/${u.bucket}`) as AssetBucket;

/**
 * The preview's listing: each upload and whether the deploy would make it. Read-only (S3
 * ListBucket); a bucket that is missing or unreadable is a warning, not a failed preview.
 */
export async function surveyAssets(assets: readonly FileAsset[], scope: AssetScope, context: PublishContext, events?: EventSink): Promise<AssetListing[]> {
  const uploads = resolveUploads(assets, scope);
  const buckets = await openBuckets(uploads, scope, context);
  const listing: AssetListing[] = [];
  const bucketState = new Map<AssetBucket, boolean | undefined>();
  try {
    for (const u of uploads) {
      const bucket = bucketOf(buckets, u);
      let state: AssetListing['state'] = 'unknown';
      try {
        if (!bucketState.has(bucket)) {
          const exists = await bucket.exists();
          bucketState.set(bucket, exists);
          if (!exists) {
            const { message, hint } = missingBucket(u, scope);
            events?.(warn(`${message}: a deploy will refuse until it exists (${hint})`));
          }
        }
        if (bucketState.get(bucket)) state = (await bucket.has(u.key)) ? 'published' : 'to-publish';
      } catch (error) {
        if (!(error instanceof ProviderCallError)) throw error;
        bucketState.set(bucket, undefined);
        events?.(warn(`could not read the bootstrap bucket ${u.bucket}: ${failureSummary(error)}`));
      }
      events?.(step(`${what(u.asset)} → ${where(u)}: ${state === 'to-publish' ? 'the deploy will publish it' : state === 'published' ? 'already published' : 'not checked'}`));
      listing.push({ name: u.asset.name, id: u.asset.id, packaging: u.asset.packaging, bucket: u.bucket, key: u.key, state });
    }
  } finally {
    for (const b of buckets.values()) b.destroy();
  }
  return listing;
}

/**
 * The deploy's publishing, before its change set runs: every bucket must exist (else
 * E_CONFIG_CDK_NOT_BOOTSTRAPPED before any upload), then each object missing from its bucket
 * is uploaded; one already there is the same content (the key is the source's hash) and is
 * skipped. A refused S3 call comes back as a diagnostic, as an apply's would, so the deploy's
 * denial handling reads it; rejected credentials need a person.
 */
export async function publishAssets(assets: readonly FileAsset[], scope: AssetScope, context: PublishContext, events?: EventSink): Promise<{ published: number; skipped: number } | { diagnostics: Diagnostic[] }> {
  const uploads = resolveUploads(assets, scope);
  const foreign = uploads.find((u) => u.account !== undefined && u.account !== scope.accountId);
  if (foreign) {
    throw new ConfigError('E_CONFIG_CDK_ASSET_ACCOUNT', `asset ${foreign.asset.name} is for account ${foreign.account}, but the deploy profile is in ${scope.accountId}; nothing was executed`, {
      hint: "leave the stack's env account unset (or set it to the environment's account): faber-cloud deploys to the deploy profile's account",
    });
  }
  events?.(step(`publishing ${uploads.length} file asset upload(s) to the CDK bootstrap bucket`));
  const buckets = await openBuckets(uploads, scope, context);
  const bodies = new Map<string, Promise<{ body: Buffer; contentType: string }>>();
  let published = 0;
  let skipped = 0;
  try {
    const checked = new Set<AssetBucket>();
    for (const u of uploads) {
      const bucket = bucketOf(buckets, u);
      if (checked.has(bucket)) continue;
      if (!(await bucket.exists())) throw notBootstrapped(u, scope);
      checked.add(bucket);
    }
    for (const u of uploads) {
      const bucket = bucketOf(buckets, u);
      if (await bucket.has(u.key)) {
        skipped++;
        events?.(step(`${what(u.asset)}: already in ${where(u)}`));
        continue;
      }
      const source = path.resolve(context.outdir, u.asset.path);
      if (!bodies.has(u.asset.id)) {
        bodies.set(
          u.asset.id,
          assetBody(source, u.asset.packaging).catch((error: Error) => {
            throw new OperationError('E_IAC_FAILED', `cannot package ${what(u.asset)}: ${error.message}`, { hint: 'synthesise the app again (infra preview) and check the asset directory' });
          }),
        );
      }
      const { body, contentType } = await (bodies.get(u.asset.id) as Promise<{ body: Buffer; contentType: string }>);
      await bucket.put(u.key, body, contentType);
      published++;
      events?.(step(`${what(u.asset)}: published to ${where(u)} (${body.length} bytes)`));
    }
  } catch (error) {
    if (!(error instanceof ProviderCallError)) throw error;
    if (error.failure.reason === 'credentials') {
      throw new NeedsHumanError('E_AWS_CREDENTIALS', `publishing the CDK assets: the credentials were rejected (${error.failure.code ?? 'credentials'}): ${error.failure.message}`, {
        hint: 'refresh the credentials of the profile and run again',
      });
    }
    return { diagnostics: [{ severity: 'error', summary: failureSummary(error) }] };
  } finally {
    for (const b of buckets.values()) b.destroy();
  }
  return { published, skipped };
}
