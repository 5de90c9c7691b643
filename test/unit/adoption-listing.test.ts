import { describe, expect, it } from 'vitest';
import { listPaged, type PagedListing } from '../../src/handlers/hosting/aws/adoption.js';
import type { AwsClientConfig } from '../../src/handlers/hosting/aws/clients.js';
import { ProviderCallError } from '../../src/handlers/hosting/failures.js';

/**
 * Issue 17, part 3: the one pagination loop behind every service listing of `infra adopt`, with
 * a fake client (the integration test proves the real calls against moto).
 */

interface Page {
  names?: string[];
  next?: string;
}

/** A fake service: pages by token, remembers how it was made, what it was asked and whether it was closed. */
function fakeService(pages: Record<string, Page | Error>) {
  const seen = { configs: [] as AwsClientConfig[], asked: [] as (string | undefined)[], prefixes: [] as string[], destroyed: 0 };
  class FakeClient {
    constructor(config: AwsClientConfig) {
      seen.configs.push(config);
    }
    async send(token: string | undefined, prefix: string): Promise<Page> {
      seen.asked.push(token);
      seen.prefixes.push(prefix);
      const page = pages[token ?? 'first'];
      if (page instanceof Error) throw page;
      return page!;
    }
    destroy() {
      seen.destroyed++;
    }
  }
  const listing: PagedListing<FakeClient, Page, string> = {
    action: 'fake:ListThings',
    Client: FakeClient,
    page: (c, token, prefix) => c.send(token, prefix),
    items: (p) => ({ items: p.names, next: p.next }),
    resource: (name, r) => ({ name, arn: `arn:${r.partition}:fake:${r.region}:${r.account}:thing/${name}` }),
  };
  return { listing, seen };
}

const request = { profile: 'deployer', region: 'eu-west-1', account: '123456789012', partition: 'aws', tags: { Project: 'demo', Environment: 'test' }, namePrefix: 'demo-core-test-' };

describe('listPaged', () => {
  it('follows every page by its token, keeps the items named with the prefix (by name, untagged), and closes the client', async () => {
    const { listing, seen } = fakeService({
      first: { names: ['demo-core-test-a', 'other'], next: 't1' },
      t1: { names: ['demo-core-prod-b', 'demo-core-test-c'], next: 't2' },
      t2: { names: ['demo-core-test-d'] },
    });
    const found = await listPaged(listing, request, 'demo-core-test-', { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' });
    expect(found).toEqual(
      ['a', 'c', 'd'].map((n) => ({ arn: `arn:aws:fake:eu-west-1:123456789012:thing/demo-core-test-${n}`, tags: null, via: ['name'] })),
    );
    expect(seen.asked).toEqual([undefined, 't1', 't2']);
    expect(seen.prefixes).toEqual(['demo-core-test-', 'demo-core-test-', 'demo-core-test-']);
    // the one client factory: profile, region and the endpoint override
    expect(seen.configs).toEqual([{ region: 'eu-west-1', profile: 'deployer', endpoint: 'http://127.0.0.1:5000', maxAttempts: 3 }]);
    expect(seen.destroyed).toBe(1);
  });

  it('an empty token ends the listing, as does a page without items', async () => {
    const { listing, seen } = fakeService({ first: { next: '' } });
    expect(await listPaged(listing, request, 'demo-core-test-', {})).toEqual([]);
    expect(seen.asked).toEqual([undefined]);
  });

  it('an item without a name or an ARN is not a resource', async () => {
    const { listing } = fakeService({ first: { names: ['demo-core-test-x'] } });
    const noArn: PagedListing<InstanceType<typeof listing.Client>, Page, string> = { ...listing, resource: (name) => ({ name, arn: undefined }) };
    const noName: PagedListing<InstanceType<typeof listing.Client>, Page, string> = { ...listing, resource: () => ({ name: undefined, arn: 'arn:aws:fake:::x' }) };
    expect(await listPaged(noArn, request, 'demo-core-test-', {})).toEqual([]);
    expect(await listPaged(noName, request, 'demo-core-test-', {})).toEqual([]);
  });

  it('a failed page is a classified provider failure naming the listing action, and the client is still closed', async () => {
    const denied = Object.assign(new Error('User: arn:aws:iam::123456789012:user/d is not authorized to perform: fake:ListThings'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const { listing, seen } = fakeService({ first: { names: ['demo-core-test-a'], next: 't1' }, t1: denied });
    const error = await listPaged(listing, request, 'demo-core-test-', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderCallError);
    expect((error as ProviderCallError).failure).toMatchObject({ reason: 'permission-denied', action: 'fake:ListThings' });
    expect(seen.destroyed).toBe(1);
  });
});
