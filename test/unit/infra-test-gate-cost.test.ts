import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/core/config/schema.js';
import type { PlannedResource } from '../../src/handlers/iac/types.js';
import { parseCheckovJson, parseTrivyJson } from '../../src/infra/testing/adapters.js';
import { estimateCost, pricingTable } from '../../src/infra/testing/cost.js';
import { evaluateGate } from '../../src/infra/testing/gate.js';
import type { Finding, Severity } from '../../src/infra/testing/types.js';
import { REPO_ROOT } from '../support/cli.js';

const SCANNERS = path.join(REPO_ROOT, 'test', 'fixtures', 'scanners');
const scanner = (name: string) => readFileSync(path.join(SCANNERS, name), 'utf8');

const minimalConfig = {
  project: { name: 'app' },
  handlers: { hosting: { active: 'aws', aws: { profiles: { discover: 'd', test: 't', prod: 'p' } } }, iac: { active: 'terraform', terraform: {} } },
  environments: { test: { profile: 'test' } },
};
const testingOf = (testing?: unknown) => ConfigSchema.parse({ ...minimalConfig, ...(testing ? { testing } : {}) }).testing;

function resource(type: string, values: Record<string, unknown>, extra: Partial<PlannedResource> = {}): PlannedResource {
  return { address: `${type}.x`, type, name: 'x', module: '', action: 'create', values, unknown: [], references: {}, ...extra };
}

const finding = (severity: Severity): Finding => ({ rule: 'R', severity, title: 't', address: 'a.b', message: 'm', why: 'w', fix: 'f', source: 'faber-cloud' });
const noCost = estimateCost([]);

describe('the gate', () => {
  it('defaults to no critical and at most 2 high findings, medium and low unlimited', () => {
    const testing = testingOf();
    expect(testing.gate).toEqual({ max_critical: 0, max_high: 2 });
    expect(testing.adapters).toEqual({ checkov: 'auto', trivy: 'auto', timeout_seconds: 300 });
    expect(evaluateGate([finding('high'), finding('high'), ...Array(40).fill(finding('medium')), ...Array(40).fill(finding('low'))], noCost, testing).passed).toBe(true);
    const three = evaluateGate([finding('high'), finding('high'), finding('high')], noCost, testing);
    expect(three).toMatchObject({ passed: false, blocked_by: ['3 high findings: at most 2 allowed (testing.gate.max_high)'] });
    expect(evaluateGate([finding('critical')], noCost, testing).blocked_by).toEqual(['1 critical finding: at most 0 allowed (testing.gate.max_critical)']);
  });

  it('takes its limits and the budget from testing in the config', () => {
    const testing = testingOf({ gate: { max_critical: 1, max_high: 0, max_low: 1 }, monthly_budget_usd: 10 });
    const cost = estimateCost([resource('aws_db_instance', { instance_class: 'db.t3.micro', allocated_storage: 20 })]);
    const gate = evaluateGate([finding('critical'), finding('high'), finding('low'), finding('low')], cost, testing);
    expect(gate.counts).toEqual({ critical: 1, high: 1, medium: 0, low: 2 });
    expect(gate.blocked_by).toEqual([
      '1 high finding: at most 0 allowed (testing.gate.max_high)',
      '2 low findings: at most 1 allowed (testing.gate.max_low)',
      'estimated $14.71/month exceeds the budget of $10.00 (testing.monthly_budget_usd)',
    ]);
    expect(() => testingOf({ gate: { max_critcal: 0 } })).toThrow();
    expect(() => testingOf({ monthly_budget_usd: -5 })).toThrow();
  });
});

describe('cost estimate', () => {
  it('prices by the attributes that drive cost', () => {
    const estimate = estimateCost(
      [
        resource('aws_db_instance', { instance_class: 'db.t3.micro', allocated_storage: 20, multi_az: true }, { address: 'aws_db_instance.main' }),
        resource('aws_ebs_volume', { size: 100, type: 'gp2' }, { address: 'aws_ebs_volume.data' }),
        resource('aws_lambda_function', { function_name: 'f' }, { address: 'aws_lambda_function.f' }),
        resource('aws_dynamodb_table', { billing_mode: 'PROVISIONED', read_capacity: 10, write_capacity: 5 }, { address: 'aws_dynamodb_table.p' }),
        resource('aws_dynamodb_table', { billing_mode: 'PAY_PER_REQUEST' }, { address: 'aws_dynamodb_table.o' }),
        resource('aws_nat_gateway', {}, { address: 'aws_nat_gateway.a' }),
        resource('aws_elasticache_cluster', { node_type: 'cache.t3.micro', num_cache_nodes: 2 }, { address: 'aws_elasticache_cluster.c' }),
      ],
      pricingTable,
      'eu-west-1',
    );
    const by = Object.fromEntries(estimate.lines.map((l) => [l.address, l.monthly_usd]));
    expect(by).toEqual({
      'aws_db_instance.main': 29.42, // (12.41 + 20 GB x 0.115) x 2 for multi_az
      'aws_ebs_volume.data': 10, // 100 GB gp2 at 0.10
      'aws_lambda_function.f': 0.41, // 0.20 requests + 128 MB (the default) x 0.0016276
      'aws_dynamodb_table.p': 3.32, // 10 RCU x 0.0949 + 5 WCU x 0.4745
      'aws_nat_gateway.a': 32.85,
      'aws_elasticache_cluster.c': 24.82,
    });
    expect(estimate.total_monthly_usd).toBe(100.82);
    expect(estimate.usage_based.map((u) => u.address)).toEqual(['aws_dynamodb_table.o']);
    expect(estimate.pricing).toMatchObject({ region: 'us-east-1', note: 'prices are for us-east-1; eu-west-1 may differ' });
    expect(estimate.lines.find((l) => l.address === 'aws_db_instance.main')!.basis).toContain('db.t3.micro');
  });

  it('lists what it cannot price as not estimated, skips free and deleted resources', () => {
    const estimate = estimateCost([
      resource('aws_instance', { instance_type: 'u-24tb1.metal' }, { address: 'aws_instance.huge' }),
      resource('aws_instance', {}, { address: 'aws_instance.later', unknown: ['instance_type'] }),
      resource('aws_mq_broker', { host_instance_type: 'mq.m5.large' }, { address: 'aws_mq_broker.b' }),
      resource('aws_iam_role', {}, { address: 'aws_iam_role.r' }),
      resource('terraform_data', {}, { address: 'terraform_data.t' }),
      resource('aws_nat_gateway', {}, { address: 'aws_nat_gateway.gone', action: 'delete' }),
    ]);
    expect(estimate.not_estimated).toEqual([
      { address: 'aws_instance.huge', type: 'aws_instance', reason: 'instance_type u-24tb1.metal is not in the pricing table' },
      { address: 'aws_instance.later', type: 'aws_instance', reason: 'instance_type is known only after apply' },
      { address: 'aws_mq_broker.b', type: 'aws_mq_broker', reason: 'type not in the pricing table' },
    ]);
    expect(estimate.lines).toEqual([]);
    expect(estimate.total_monthly_usd).toBe(0);
  });

  it('notes its source and date', () => {
    expect(pricingTable.source).toMatch(/AWS/);
    expect(pricingTable.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('scanner adapters', () => {
  it('reads checkov JSON: failed checks only, severity null counted as medium', () => {
    expect(parseCheckovJson(scanner('checkov-terraform-plan.json'))).toEqual([
      expect.objectContaining({ rule: 'CKV_AWS_70', severity: 'medium', address: 'aws_s3_bucket_policy.site', title: 'Ensure S3 bucket does not allow an action with any Principal', source: 'checkov' }),
      expect.objectContaining({ rule: 'CKV_AWS_18', severity: 'low', address: 'aws_s3_bucket.site', fix: expect.stringContaining('s3-13-enable-logging') }),
    ]);
  });

  it('reads checkov JSON with several frameworks, and a scan with nothing to check', () => {
    const findings = parseCheckovJson(scanner('checkov-multiple-frameworks.json'));
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['CKV_AWS_70', 'medium'], ['CKV_AWS_18', 'low'], ['CKV_SECRET_2', 'high']]);
    expect(parseCheckovJson(scanner('checkov-nothing-scanned.json'))).toEqual([]);
  });

  it('reads trivy config JSON: FAIL misconfigurations only, mapped severities, resource from CauseMetadata', () => {
    expect(parseTrivyJson(scanner('trivy-config-plan.json'))).toEqual([
      {
        rule: 'AVD-AWS-0086',
        severity: 'high',
        title: 'S3 Access block should block public ACL',
        address: 'aws_s3_bucket.site',
        message: 'No public access block so not blocking public acls',
        why: expect.stringContaining('S3 buckets should block public ACLs'),
        fix: 'Enable blocking any PUT calls with a public ACL specified (https://avd.aquasec.com/misconfig/avd-aws-0086)',
        source: 'trivy',
      },
      expect.objectContaining({ rule: 'AVD-AWS-0132', severity: 'low', address: 'tfplan.json' }),
    ]);
    expect(parseTrivyJson('{"SchemaVersion":2,"Results":null}')).toEqual([]);
  });

  it('rejects output that is not JSON', () => {
    expect(() => parseCheckovJson('Error: no such file')).toThrow();
    expect(() => parseTrivyJson('')).toThrow();
  });
});
