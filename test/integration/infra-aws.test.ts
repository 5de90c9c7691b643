import path from 'node:path';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsHostingHandler } from '../../src/handlers/hosting/aws/handler.js';
import { REPO_ROOT } from '../support/cli.js';
import { MOTO_REGION, resetMoto } from '../support/moto.js';
import { createProject } from '../support/project.js';

/**
 * The lifecycle with real AWS resources: OpenTofu with the hashicorp/aws provider against
 * moto. The sample project of `npm run demo` is the fixture (bucket, topic, table, log group, role).
 */
const DEMO = path.join(REPO_ROOT, 'plugin', 'templates', 'demo', 'terraform');

/** ARNs moto holds with the project's tags: what really exists in "AWS". */
async function taggedArns(project: string): Promise<string[]> {
  const client = new ResourceGroupsTaggingAPIClient({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const out = await client.send(new GetResourcesCommand({ TagFilters: [{ Key: 'Project', Values: [project] }] }));
  return (out.ResourceTagMappingList ?? []).map((m) => m.ResourceARN!).sort();
}

describe('infra lifecycle with the aws provider against moto', () => {
  // Every test starts from an empty moto: 'nothing was created' must mean this test's doing.
  beforeEach(resetMoto);

  it('deploys real resources, records their ARNs and console links, and destroys them', async () => {
    const p = await createProject(DEMO, { project: 'demo' });
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(deploy.code, deploy.stderr).toBe(0);
    const registry = await p.readJson(p.artifact('test', 'registry.json'));
    const byType = Object.fromEntries(registry.resources.map((r: any) => [r.type, r]));
    expect(byType.aws_s3_bucket).toMatchObject({ id: 'demo-core-test-uploads', arn: 'arn:aws:s3:::demo-core-test-uploads', region: 'us-east-1' });
    // (moto 5.2.1 drops the tags the aws provider sends inside CreateBucket, so the bucket's
    // state has none; the other resources carry them.)
    expect(byType.aws_sns_topic.tags).toEqual({ Project: 'demo', Environment: 'test', ManagedBy: 'faber-cloud' });
    expect(byType.aws_s3_bucket.console_url).toContain('demo-core-test-uploads');
    expect(byType.aws_sns_topic.arn).toBe('arn:aws:sns:us-east-1:123456789012:demo-core-test-events');
    expect(byType.aws_cloudwatch_log_group.console_url).toContain('demo-core-test-app');
    for (const r of registry.resources) expect(r.console_url, r.address).toMatch(/^https:\/\//);

    // what moto holds is what the registry says, also as the hosting handler finds it by tag
    const inMoto = await taggedArns('demo');
    const byHandler = await new AwsHostingHandler(process.env).resourcesByTags({ profile: 'demo-test-deploy', region: MOTO_REGION, tags: { Project: 'demo', Environment: 'test' } });
    expect(byHandler.map((r) => r.arn)).toEqual(inMoto);
    expect(byHandler.every((r) => r.tags.ManagedBy === 'faber-cloud')).toBe(true);
    expect(await new AwsHostingHandler(process.env).resourcesByTags({ profile: 'demo-test-deploy', region: MOTO_REGION, tags: { Project: 'demo', Environment: 'prod' } })).toEqual([]);
    expect(inMoto).toContain('arn:aws:sns:us-east-1:123456789012:demo-core-test-events');
    expect(inMoto).toContain('arn:aws:dynamodb:us-east-1:123456789012:table/demo-core-test-items');
    for (const arn of inMoto) expect(registry.resources.map((r: any) => r.arn)).toContain(arn.replace(/:\*$/, ''));

    const destroy = await p.cli(['infra', 'destroy', '--env', 'test', '--confirm', 'test', '--json']);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(await taggedArns('demo')).toEqual([]);
    expect((await p.readJson(p.artifact('test', 'registry.json'))).resources).toEqual([]);
  }, 300_000);

  it('creates nothing in moto when the guard refuses: wrong account, discover profile, prod unconfirmed', async () => {
    const p = await createProject(DEMO, { project: 'demo', accountId: '999999999999' });
    expect((await p.cli(['infra', 'deploy', '--env', 'test', '--json'])).json.error.code).toBe('E_GUARD_ACCOUNT_MISMATCH');
    await p.editConfig((c) => {
      c.handlers.hosting.aws.account_id = '123456789012';
    });
    const discover = await p.cli(['infra', 'deploy', '--env', 'test', '--profile', 'demo-discover-deploy', '--json']);
    expect(discover.json.error.code).toBe('E_GUARD_WRONG_PROFILE');
    const prod = await p.cli(['infra', 'deploy', '--env', 'prod', '--json']);
    expect(prod.code).toBe(3);
    expect(await taggedArns('demo')).toEqual([]);
  });
});
