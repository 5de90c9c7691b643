import { once } from 'node:events';
import { request as httpRequest, createServer, type Server } from 'node:http';
import path from 'node:path';
import { IAMClient, ListPoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { MOTO_REGION, resetMoto } from '../support/moto.js';
import { createProject, type TestProject } from '../support/project.js';

/**
 * Issue 5: the guard as a full matrix (profile role x operation x environment) through the
 * built CLI against moto. Every forbidden cell must exit 3 with E_GUARD_WRONG_PROFILE before
 * any request reaches AWS. "No request" is proven with a counting HTTP proxy: the CLI (and
 * the IaC tool it runs) gets AWS_ENDPOINT_URL pointing at a tiny node server on 127.0.0.1
 * that forwards every request to this worker's moto and counts it. Forbidden cells must
 * leave the count at 0; allowed cells must raise it (the STS identity check), which shows
 * the proxy does see the CLI's traffic. On top, moto itself must hold nothing the demo
 * template or a grant would create.
 *
 * (moto 5.2.1's /moto-api/recorder was not used: it writes a `moto_recording` file into
 * moto_server's working directory, which all workers' servers share, and
 * download-recording answers HTTP 500 (FileNotFoundError) until something was recorded.)
 */
const DEMO = path.join(REPO_ROOT, 'plugin', 'templates', 'demo', 'terraform');
const PROFILES = { discover: 'life-discover-deploy', test: 'life-test-deploy', prod: 'life-prod-deploy' } as const;
const ENVS = ['test', 'prod'] as const;
const OPERATIONS = ['preview', 'deploy', 'destroy', 'iam-grant'] as const;
type Role = keyof typeof PROFILES;
type Env = (typeof ENVS)[number];
type Operation = (typeof OPERATIONS)[number];

const W = 'E_GUARD_WRONG_PROFILE';
const EXPECTED: Record<Role, Record<Env, Record<Operation, string>>> = {
  discover: {
    test: { preview: W, deploy: W, destroy: W, 'iam-grant': 'allowed' },
    prod: { preview: W, deploy: W, destroy: W, 'iam-grant': 'allowed' },
  },
  test: {
    test: { preview: 'allowed', deploy: 'allowed', destroy: 'allowed', 'iam-grant': W },
    prod: { preview: W, deploy: W, destroy: W, 'iam-grant': W },
  },
  prod: {
    test: { preview: W, deploy: W, destroy: W, 'iam-grant': W },
    prod: { preview: 'allowed', deploy: 'allowed', destroy: 'allowed', 'iam-grant': W },
  },
};

function command(operation: Operation, env: Env, profile: string): string[] {
  switch (operation) {
    case 'preview':
      return ['infra', 'preview', '--env', env, '--profile', profile, '--json'];
    case 'deploy':
      return ['infra', 'deploy', '--env', env, '--profile', profile, '--confirm', env, '--plan', 'abcdefabcdef', '--json'];
    case 'destroy':
      return ['infra', 'destroy', '--env', env, '--profile', profile, '--confirm', env, '--plan', 'abcdefabcdef', '--json'];
    case 'iam-grant':
      return ['permissions', 'grant', '--env', env, '--profile', profile, '--action', 's3:CreateBucket', '--resource', `arn:aws:s3:::life-core-${env}-x`, '--reason', 'matrix', '--json'];
  }
}

/** A forwarding proxy in front of moto that records every request it sees. */
interface CountingProxy {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers['x-amz-target'] ?? ''} ${req.headers.authorization?.match(/Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)/)?.[1] ?? ''}`.trim());
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy did not bind');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const moto = () => process.env.AWS_ENDPOINT_URL!;
const adminCreds = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** What moto holds that the demo template or a grant would have created. */
async function motoFootprint(): Promise<{ policies: string[]; tagged: string[]; roles: string[] }> {
  const iam = new IAMClient({ region: MOTO_REGION, endpoint: moto(), credentials: adminCreds });
  const tagging = new ResourceGroupsTaggingAPIClient({ region: MOTO_REGION, endpoint: moto(), credentials: adminCreds });
  const policies = ((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map((p) => p.PolicyName!);
  const tagged: string[] = [];
  for (const project of ['demo', 'life']) {
    const out = await tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'Project', Values: [project] }] }));
    tagged.push(...(out.ResourceTagMappingList ?? []).map((m) => m.ResourceARN!));
  }
  const roles = ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName!);
  return { policies, tagged, roles };
}

describe('guard matrix through the built CLI: role x operation x environment', () => {
  let p: TestProject;
  let proxy: CountingProxy;

  beforeAll(async () => {
    p = await createProject(DEMO, { project: 'life' });
    proxy = await startCountingProxy(moto());
  });

  afterAll(async () => {
    await proxy?.close();
  });

  beforeEach(async () => {
    await resetMoto();
    proxy.requests.length = 0;
  });

  it('the table has 24 cells: 16 forbidden, 8 allowed (as in test/unit/guard.test.ts)', () => {
    const cells = Object.values(EXPECTED).flatMap((byEnv) => Object.values(byEnv).flatMap((byOp) => Object.values(byOp)));
    expect(cells).toHaveLength(24);
    expect(cells.filter((c) => c === W)).toHaveLength(16);
    expect(cells.filter((c) => c === 'allowed')).toHaveLength(8);
  });

  for (const role of Object.keys(PROFILES) as Role[]) {
    for (const env of ENVS) {
      for (const operation of OPERATIONS) {
        const expected = EXPECTED[role][env][operation];
        it(`${role} profile, ${operation} on ${env}: ${expected}`, async () => {
          const run = await p.cli(command(operation, env, PROFILES[role]), { env: { AWS_ENDPOINT_URL: proxy.url } });
          const detail = `${run.stdout}\n${run.stderr}\nproxy saw: ${JSON.stringify(proxy.requests)}`;
          if (expected === W) {
            expect(run.code, detail).toBe(3);
            expect(run.json?.error?.code, detail).toBe(W);
            // nothing reached AWS: not a single request went through the proxy ...
            expect(proxy.requests, detail).toEqual([]);
            // ... and moto holds nothing a deploy or a grant would have made
            expect(await motoFootprint()).toEqual({ policies: [], tagged: [], roles: [] });
          } else {
            expect(run.json?.error?.code, detail).not.toBe(W);
            expect(run.code === 3 && run.json?.error?.code === W, detail).toBe(false);
            // past the role check, the CLI asked AWS who it is, through the proxy
            expect(proxy.requests.length, detail).toBeGreaterThanOrEqual(1);
            expect(proxy.requests.some((r) => / sts$/.test(r)), detail).toBe(true);
          }
        }, 120_000);
      }
    }
  }
});
