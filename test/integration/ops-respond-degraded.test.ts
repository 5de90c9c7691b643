import { createServer, request as httpRequest, type Server } from 'node:http';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfileUsers, disableIamEnforcement, enableIamEnforcement, resetMoto } from '../support/moto.js';
import { createProject, type TestProject } from '../support/project.js';
import { clients, seedEnvironment, writeRegistry, type Seeded } from '../support/ops-seed.js';

/**
 * How `ops remediate` and `ops audit` degrade: moto with IAM enforcement for missing
 * permissions, and a proxy in front of moto that answers 503 for one service (by the
 * service in the request's signature scope) for an unavailable service.
 */

const PREFIX = 'life-core-test';
const allow = (actions: string[]) => ({ Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Action: actions, Resource: '*' }] });

/** Forwards to moto, except requests signed for `down` services, which get a 503. */
async function partialOutageProxy(target: string, down: Set<string>): Promise<{ url: string; server: Server; hits: Map<string, number> }> {
  const upstream = new URL(target);
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (down.has(service)) {
      hits.set(service, (hits.get(service) ?? 0) + 1);
      req.resume();
      res.writeHead(503, { 'content-type': 'application/xml' });
      res.end('<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>Service is unavailable</Message></Error></ErrorResponse>');
      return;
    }
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits };
}

describe('ops remediate and ops audit degrade clearly', () => {
  let p: TestProject;
  let seeded: Seeded;
  const c = clients();
  const desiredCount = async () => (await c.ecs.send(new DescribeServicesCommand({ cluster: seeded.cluster, services: [seeded.serviceArn] }))).services![0]!.desiredCount;

  beforeAll(async () => {
    await resetMoto();
    p = await createProject('multi-module');
    seeded = await seedEnvironment(PREFIX, 3);
    await writeRegistry(p.artifact('test', 'registry.json'), 'test', seeded.resources);
  });

  describe('with IAM enforcement', () => {
    beforeAll(async () => {
      await createProfileUsers([
        { profile: 'life-discover-deploy', policy: allow(['sts:GetCallerIdentity']) },
        // Reads everything but IAM and the SQS source listing; may not change an ECS service.
        // (moto evaluates GetPublicAccessBlock and GetBucketEncryption as s3:ListBucket.)
        {
          profile: 'life-test-deploy',
          policy: allow(['sts:GetCallerIdentity', 'ecs:DescribeServices', 's3:Get*', 's3:ListBucket', 'ec2:Describe*', 'logs:Describe*', 'sqs:GetQueueAttributes']),
        },
        { profile: 'life-prod-deploy', policy: allow(['sts:GetCallerIdentity']) },
      ]);
      await enableIamEnforcement();
    });
    afterAll(async () => {
      await disableIamEnforcement();
    });

    it('remediate names the missing action and the grant command (exit 4), and changes nothing', async () => {
      const dry = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '4', '--json']);
      expect(dry.code, dry.stdout + dry.stderr).toBe(0);
      expect(dry.json.data.before).toBe(2);

      const run = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '4', '--apply', '--json']);
      expect(run.code, run.stdout + run.stderr).toBe(4);
      expect(run.json.error.code).toBe('E_PERMISSION_DENIED');
      expect(run.json.error.message).toContain('ecs:UpdateService');
      expect(run.json.error.hint).toContain("faber-cloud permissions grant --env test --action ecs:UpdateService --reason 'scale-service on aws_ecs_service.api'");
      await disableIamEnforcement();
      expect(await desiredCount()).toBe(2);
      await enableIamEnforcement();
      // The attempt is in the history as failed, so it is never silently lost.
      const lines = (await readFile(p.artifact('test', 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ operation: 'remediate', outcome: 'failed', change: 0, error_codes: ['E_PERMISSION_DENIED'], remediation: { before: 2, after: null } });

      const human = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'redrive-dlq', '--target', 'aws_sqs_queue.events_dlq']);
      expect(human.code).toBe(4);
      expect(human.stderr).toContain('sqs:ListDeadLetterSourceQueues');
      expect(human.stderr).toContain('faber-cloud permissions grant --env test --action sqs:ListDeadLetterSourceQueues');
      expect(human.stderr).not.toMatch(/at .*\.js:\d+/);
    });

    it('audit reports what it could read and lists each check it could not, with the action to grant (exit 1)', async () => {
      const run = await p.cli(['ops', 'audit', '--env', 'test', '--type', 'security', '--json']);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const data = run.json.data;
      expect(data.complete).toBe(false);
      expect(data.gaps.map((g: any) => [g.resource, g.failure, g.action])).toEqual([
        ['aws_iam_role.app', 'denied', 'iam:ListAttachedRolePolicies'],
        ['aws_iam_role.worker', 'denied', 'iam:ListAttachedRolePolicies'],
      ]);
      expect(data.gaps[0].grant).toBe("faber-cloud permissions grant --env test --action iam:ListAttachedRolePolicies --reason 'ops audit'");
      // Everything readable is still audited.
      expect(data.findings.map((f: any) => f.rule).sort()).toEqual(['logs-no-retention', 's3-public-access-block-missing', 's3-public-acl', 's3-public-policy', 's3-unencrypted', 'sg-admin-port-open']);

      const human = await p.cli(['ops', 'audit', '--env', 'test', '--type', 'security']);
      expect(human.stdout).toContain('Incomplete — 2 check(s) could not run');
      expect(human.stdout).toContain('grant: faber-cloud permissions grant --env test --action iam:ListAttachedRolePolicies');
    });

    it('audit with a profile that may read nothing stops with exit 4 naming the actions', async () => {
      // The same user, now allowed only to ask who it is: every inspected resource is denied.
      await disableIamEnforcement();
      const { IAMClient, PutUserPolicyCommand } = await import('@aws-sdk/client-iam');
      const iam = new IAMClient({ region: 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      await iam.send(new PutUserPolicyCommand({ UserName: 'life-test-deploy', PolicyName: 'life-test-deploy-test-policy', PolicyDocument: JSON.stringify(allow(['sts:GetCallerIdentity'])) }));
      await enableIamEnforcement();
      const run = await p.cli(['ops', 'audit', '--env', 'test', '--type', 'security', '--json']);
      expect(run.code, run.stdout + run.stderr).toBe(4);
      expect(run.json.error.code).toBe('E_PERMISSION_DENIED');
      for (const action of ['s3:GetBucketAcl', 'ec2:DescribeSecurityGroups', 'iam:ListAttachedRolePolicies']) expect(run.json.error.hint).toContain(`--action ${action}`);
    });
  });

  describe('with a service unavailable', () => {
    it('remediate says which call the service did not answer (exit 1) and audit goes on without it', async () => {
      const proxy = await partialOutageProxy(process.env.AWS_ENDPOINT_URL!, new Set(['ecs', 's3']));
      try {
        const env = { AWS_ENDPOINT_URL: proxy.url };
        const run = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '3', '--apply', '--json'], { env });
        expect(run.code, run.stdout + run.stderr).toBe(1);
        expect(run.json.error.code).toBe('E_PROVIDER_UNAVAILABLE');
        expect(run.json.error.message).toContain('ecs:DescribeServices');
        expect(proxy.hits.get('ecs')).toBeGreaterThan(0);
        expect(await desiredCount()).toBe(2);

        const audit = await p.cli(['ops', 'audit', '--env', 'test', '--type', 'security', '--json'], { env });
        expect(audit.code, audit.stdout + audit.stderr).toBe(1);
        const gaps = audit.json.data.gaps;
        expect(new Set(gaps.map((g: any) => g.resource))).toEqual(new Set(['aws_s3_bucket.private', 'aws_s3_bucket.public']));
        expect(gaps.every((g: any) => g.failure === 'unavailable')).toBe(true);
        expect(audit.json.data.findings.map((f: any) => f.rule).sort()).toEqual(['iam-admin-wildcard', 'logs-no-retention', 'sg-admin-port-open']);
      } finally {
        proxy.server.close();
      }
    });
  });
});
