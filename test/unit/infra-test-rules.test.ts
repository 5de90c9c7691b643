import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plannedResources, type ShowPlanJson } from '../../src/handlers/iac/terraform/plan.js';
import { iamCatalogue } from '../../src/handlers/hosting/aws/iam-catalogue.js';
import { ruleCatalogue } from '../../src/infra/testing/catalogue.js';
import { runRules } from '../../src/infra/testing/rules.js';
import { REPO_ROOT } from '../support/cli.js';

/**
 * Every security rule against a hand-made failing and passing plan (test/fixtures/plans/<RULE>/,
 * in `tofu show -json` form), plus what the plan reader keeps and drops.
 */
const PLANS = path.join(REPO_ROOT, 'test', 'fixtures', 'plans');

function load(rule: string, which: 'fail' | 'pass'): ShowPlanJson {
  return JSON.parse(readFileSync(path.join(PLANS, rule, `${which}.json`), 'utf8')) as ShowPlanJson;
}

async function check(plan: ShowPlanJson) {
  return runRules(plannedResources(plan), ruleCatalogue, iamCatalogue);
}

describe('security rule catalogue', () => {
  it('has a failing and a passing fixture plan for every rule, and nothing else', () => {
    const ids = ruleCatalogue.rules.map((r) => r.id).sort();
    expect(readdirSync(PLANS).sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(readdirSync(path.join(PLANS, id)).sort(), id).toEqual(['fail.json', 'pass.json']);
  });

  it('gives every rule a severity, a reason and a fix', () => {
    for (const rule of ruleCatalogue.rules) {
      expect(['critical', 'high', 'medium', 'low'], rule.id).toContain(rule.severity);
      expect(rule.why.length, rule.id).toBeGreaterThan(30);
      expect(rule.fix.length, rule.id).toBeGreaterThan(15);
    }
  });
});

describe.each(ruleCatalogue.rules.map((r) => r.id))('rule %s', (id) => {
  it('reports the failing plan', async () => {
    const result = await check(load(id, 'fail'));
    const found = result.findings.filter((f) => f.rule === id);
    expect(found.length, JSON.stringify(result.findings)).toBeGreaterThan(0);
    const def = ruleCatalogue.rules.find((r) => r.id === id)!;
    for (const f of found) expect(f).toMatchObject({ severity: def.severity, title: def.title, why: def.why, fix: def.fix, source: 'faber-cloud' });
  });

  it('accepts the passing plan', async () => {
    const result = await check(load(id, 'pass'));
    expect(result.findings.filter((f) => f.rule === id)).toEqual([]);
    expect(result.unchecked.filter((u) => u.rule === id)).toEqual([]);
  });
});

describe('rule details', () => {
  it('says what exactly is wrong, without secret values', async () => {
    const messages = async (rule: string) => (await check(load(rule, 'fail'))).findings.filter((f) => f.rule === rule).map((f) => `${f.address}: ${f.message}`);
    expect(await messages('S3_PUBLIC_ACL')).toEqual(['aws_s3_bucket_acl.data: acl = "public-read"']);
    expect(await messages('S3_PUBLIC_ACCESS_BLOCK_DISABLED')).toEqual(['aws_s3_bucket_public_access_block.data: block_public_policy, restrict_public_buckets are not true']);
    expect(await messages('EBS_UNENCRYPTED')).toEqual(['aws_ebs_volume.data: encrypted = false', 'aws_instance.web: root_block_device: encrypted = false']);
    expect(await messages('IAM_WILDCARD_ACTION')).toEqual(['aws_iam_policy.admin: allows Action "*" on *', 'aws_iam_role_policy_attachment.admin: attaches AdministratorAccess']);
    expect(await messages('IAM_SERVICE_WILDCARD')).toEqual(['aws_iam_role_policy.worker: allows s3:*']);
    expect(await messages('IAM_WRITE_ON_ANY_RESOURCE')).toEqual(['aws_iam_role.worker: inline_policy writes: allows dynamodb:PutItem on Resource "*"']);
    expect(await messages('SG_OPEN_DATABASE_PORT')).toEqual(['aws_security_group_rule.db: ingress on port 5432 (database 5432) from ::/0']);
    expect(await messages('SG_OPEN_ADMIN_PORT')).toEqual(['aws_security_group.web: ingress on port 22 (administration 22) from 0.0.0.0/0']);
    expect(await messages('TAGS_MISSING')).toEqual(['aws_sns_topic.events: missing tags Environment, ManagedBy']);
    const rds = await check(load('RDS_STORAGE_UNENCRYPTED', 'fail'));
    expect(JSON.stringify(rds)).not.toContain('password');
  });

  it('sorts findings worst first', async () => {
    const plan = load('IAM_WILDCARD_ACTION', 'fail');
    plan.resource_changes!.push(...load('TAGS_MISSING', 'fail').resource_changes!, ...load('SQS_UNENCRYPTED', 'fail').resource_changes!);
    const severities = (await check(plan)).findings.map((f) => f.severity);
    expect(severities).toEqual([...severities].sort((a, b) => ['critical', 'high', 'medium', 'low'].indexOf(a) - ['critical', 'high', 'medium', 'low'].indexOf(b)));
    expect(severities[0]).toBe('critical');
    expect(severities.at(-1)).toBe('low');
  });

  it('reports what is known only after apply as unchecked, never as passed or failed', async () => {
    const plan = load('S3_PUBLIC_POLICY', 'fail');
    const policy = plan.resource_changes!.find((r) => r.type === 'aws_s3_bucket_policy')!;
    delete (policy.change.after as Record<string, unknown>).policy;
    (policy.change.after_unknown as Record<string, unknown>).policy = true;
    const result = await check(plan);
    expect(result.findings.filter((f) => f.rule === 'S3_PUBLIC_POLICY')).toEqual([]);
    expect(result.unchecked).toContainEqual({ rule: 'S3_PUBLIC_POLICY', address: 'aws_s3_bucket_policy.data', reason: 'the policy document is known only after apply' });
  });

  it('ignores resources the plan deletes', async () => {
    const plan = load('SG_OPEN_ALL_PORTS', 'fail');
    const change = plan.resource_changes![0]!.change;
    change.actions = ['delete'];
    change.before = change.after;
    change.after = null;
    expect((await check(plan)).findings).toEqual([]);
  });

  it('does not ask a log bucket to log to itself, and pairs count instances by index', async () => {
    const result = await check(load('S3_ACCESS_LOGGING_MISSING', 'pass'));
    expect(result.findings.filter((f) => f.rule === 'S3_ACCESS_LOGGING_MISSING')).toEqual([]);

    const plan = load('S3_PUBLIC_ACCESS_BLOCK_MISSING', 'fail');
    const bucket = plan.resource_changes![0]!;
    plan.resource_changes = [0, 1].map((i) => ({ ...bucket, address: `aws_s3_bucket.data[${i}]`, index: i }));
    const pab = load('S3_PUBLIC_ACCESS_BLOCK_DISABLED', 'pass').resource_changes!.find((r) => r.type === 'aws_s3_bucket_public_access_block')!;
    plan.resource_changes.push({ ...pab, address: 'aws_s3_bucket_public_access_block.data[1]', index: 1 });
    plan.configuration = load('S3_PUBLIC_ACCESS_BLOCK_DISABLED', 'pass').configuration;
    const missing = (await check(plan)).findings.filter((f) => f.rule === 'S3_PUBLIC_ACCESS_BLOCK_MISSING').map((f) => f.address);
    expect(missing).toEqual(['aws_s3_bucket.data[0]']);
  });
});

describe('plannedResources', () => {
  const plan: ShowPlanJson = {
    resource_changes: [
      {
        address: 'module.store["a"].aws_s3_bucket_policy.this',
        module_address: 'module.store["a"]',
        mode: 'managed',
        type: 'aws_s3_bucket_policy',
        name: 'this',
        change: {
          actions: ['create'],
          after: { policy: '{}', tags: { Secret: 'hunter2', Project: 'x' }, list: ['a', 'hunter2'] },
          after_unknown: { bucket: true, rules: [{ cidr: true }] },
          after_sensitive: { tags: { Secret: true }, list: [false, true] },
        },
      },
      { address: 'data.aws_caller_identity.me', mode: 'data', type: 'aws_caller_identity', name: 'me', change: { actions: ['read'] } },
    ],
    configuration: {
      root_module: {
        module_calls: {
          store: {
            module: {
              resources: [
                {
                  address: 'aws_s3_bucket_policy.this',
                  mode: 'managed',
                  expressions: {
                    bucket: { references: ['aws_s3_bucket.this[0].id', 'aws_s3_bucket.this[0]', 'aws_s3_bucket.this'] },
                    policy: { references: ['data.aws_iam_policy_document.p.json', 'var.extra', 'local.x'] },
                  },
                },
              ],
            },
          },
        },
      },
    },
  };

  it('keeps planned values without sensitive ones, lists unknown paths, and qualifies references by module instance', () => {
    const [r, ...rest] = plannedResources(plan);
    expect(rest).toEqual([]);
    expect(r).toEqual({
      address: 'module.store["a"].aws_s3_bucket_policy.this',
      type: 'aws_s3_bucket_policy',
      name: 'this',
      module: 'module.store["a"]',
      action: 'create',
      values: { policy: '{}', tags: { Project: 'x' }, list: ['a', null] },
      unknown: ['bucket', 'rules.0.cidr'],
      references: { bucket: ['module.store["a"].aws_s3_bucket.this'] },
    });
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });
});
