import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configurationDigestKey, digestConfiguration } from '../../src/handlers/iac/terraform/configuration-digest.js';
import { readPlanFile, showPlanFromFile } from '../../src/handlers/iac/terraform/plan-file/show-plan.js';
import { digestPlan, plannedResources, redactPlanJson, type ShowPlanJson } from '../../src/handlers/iac/terraform/plan.js';
import { digestProviderSchemas, type SchemaDigest } from '../../src/handlers/iac/terraform/schema-digest.js';
import { stateResources, type ShowStateJson } from '../../src/handlers/iac/terraform/state.js';
import { tempDir } from '../support/cli.js';
import { MODULE_CALL, PROVIDERS_HEADER, tofuIn, writeRootWithModules } from '../support/real-tofu.js';
import { comparableChange as comparable, redactedUnder, truePaths } from '../support/show-json.js';

/**
 * Preview and deploy read a saved plan from the plan file itself when they can
 * (plan-file/show-plan.ts), instead of `show -json`, which loads every provider's schema
 * (docs/PERFORMANCE.md "Deploy overhead"). This makes real plans with the real tool
 * (hashicorp/aws against moto, random, terraform_data) and checks that what we read equals
 * `show -json` of the same file, field by field: every resource change (order, address parts,
 * actions and reasons, before/after values, unknowns, replace paths, imports, moves, deferred
 * reads, sensitive marks), the output changes, the variables set, the prior state, and what
 * preview and deploy make of it (plan id, digest, stored plan, planned resources, secrets).
 */
const SECRET = 'plan-file-canary-5c1e';

const HEADER = `
${PROVIDERS_HEADER}
variable "secret" {
  type      = string
  sensitive = true
}

variable "plain" {
  type    = string
  default = "p"
}

data "aws_caller_identity" "me" {}

${MODULE_CALL}
resource "aws_ssm_parameter" "secure" {
  name  = "/plan-file/secure"
  type  = "SecureString"
  value = var.secret
}

resource "random_password" "p" {
  length = 20
}

output "pw" {
  value     = random_password.p.result
  sensitive = true
}
`;

const BEFORE = `${HEADER}
resource "terraform_data" "d" {
  input = { plain = "x", s = var.secret, list = [1, 2], frac = 0.1, big = 12345678901234567890 }
}

resource "terraform_data" "keyed" {
  for_each = toset(["a b", "ünï", "plain"])
  input    = each.key
}

resource "terraform_data" "old" {
  input = "moved"
}

resource "aws_s3_bucket" "b" {
  count  = 2
  bucket = "plan-file-eq-\${count.index}"
  tags   = { Project = "plan", Index = tostring(count.index) }
}

output "plain" {
  value = terraform_data.d.id
}

output "gone" {
  value = var.plain
}
`;

const AFTER = `${HEADER}
resource "terraform_data" "d" {
  input = { plain = "y", s = var.secret, list = [1, 2, 3], frac = 0.3, big = 12345678901234567890 }
}

resource "terraform_data" "keyed" {
  for_each = toset(["a b", "ünï", "new key"])
  input    = each.key
}

moved {
  from = terraform_data.old
  to   = terraform_data.renamed
}

resource "terraform_data" "renamed" {
  input = "moved"
}

resource "terraform_data" "nested" {
  input = { inner = [{ k = var.secret, n = 1.5 }], set = toset(["b", "a"]) }
}

resource "aws_s3_bucket" "b" {
  count  = 3
  bucket = count.index == 1 ? "plan-file-eq-renamed" : "plan-file-eq-\${count.index}"
  tags   = { Project = "plan", Index = tostring(count.index), Changed = "yes" }
}

data "aws_s3_bucket" "x" {
  bucket = aws_s3_bucket.b[2].id
}

resource "random_password" "q" {
  length = 12
}

import {
  to = random_string.imp
  id = "importedvalue"
}

resource "random_string" "imp" {
  length  = 13
  special = false
  upper   = false
  numeric = false
}

output "plain" {
  value = terraform_data.d.id
}

output "new" {
  value = random_password.q.id
}

output "region_arn" {
  value = data.aws_s3_bucket.x.arn
}
`;

// moto does not answer the CloudWatch protocol this provider speaks: planned, never applied.
// Its threshold is a number typed by the schema that cty keeps as digits (0.3 is no float64).
const ALARM = `
resource "aws_cloudwatch_metric_alarm" "a" {
  alarm_name          = "plan-file-alarm"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 60
  statistic           = "Average"
  threshold           = 0.3
}
`;

/** The tool with the test's secret set by the caller (TF_VAR_secret), as a pipeline would. */
const tofu = (dir: string, args: string[]) => tofuIn(dir, args, { TF_VAR_secret: SECRET });

/**
 * With FABER_CLOUD_UPDATE_PLAN_FIXTURE=1, the change plan, its `show -json` and the digests it
 * is read with are written to test/fixtures/plan-file/ (what test/unit/plan-file-fixture.test.ts
 * and the mutation check read).
 */
async function writeFixture(dir: string, planFile: string, shown: ShowPlanJson, schema: SchemaDigest, configuration: unknown): Promise<void> {
  const out = path.resolve('test', 'fixtures', 'plan-file');
  await mkdir(out, { recursive: true });
  const used = new Set((shown.resource_changes ?? []).map((rc) => `${rc.mode}:${rc.type}`));
  type Module = { resources?: { mode: string; type: string }[]; child_modules?: Module[] };
  const walk = (m: Module | undefined): void => {
    for (const r of m?.resources ?? []) used.add(`${r.mode}:${r.type}`);
    for (const c of m?.child_modules ?? []) walk(c);
  };
  walk((shown.prior_state as { values?: { root_module?: Module } } | undefined)?.values?.root_module);
  const providers = Object.fromEntries(
    Object.entries(schema.providers).map(([address, p]) => [
      address,
      { managed: Object.fromEntries(Object.entries(p.managed).filter(([t]) => used.has(`managed:${t}`))), data: Object.fromEntries(Object.entries(p.data).filter(([t]) => used.has(`data:${t}`))) },
    ]),
  );
  await writeFile(path.join(out, 'change.tfplan'), await readFile(path.join(dir, planFile)));
  await writeFile(path.join(out, 'change.show.json'), `${JSON.stringify(shown, null, 1)}\n`);
  await writeFile(path.join(out, 'digests.json'), `${JSON.stringify({ generated: 'by test/integration/plan-file.test.ts with FABER_CLOUD_UPDATE_PLAN_FIXTURE=1', providers, configuration }, null, 1)}\n`);
}

async function compareWithShow(dir: string, planFile: string, schema: SchemaDigest): Promise<{ shown: ShowPlanJson; decoded: ShowPlanJson }> {
  const shown = JSON.parse(await tofu(dir, ['show', '-json', planFile])) as ShowPlanJson;
  const entries = readPlanFile(await readFile(path.join(dir, planFile)));
  const lock = await readFile(path.join(dir, '.terraform.lock.hcl'), 'utf8');
  const configuration = digestConfiguration(configurationDigestKey({ kind: 'tofu', version: 'test' }, lock, entries.config), shown);
  expect(configuration).toBeDefined();
  const decoded = showPlanFromFile(entries, {
    providers: schema.providers,
    formatVersion: configuration!.format_version,
    configuration: configuration!.configuration,
    sensitiveDefaults: configuration!.sensitive_defaults,
  });

  expect(decoded.format_version).toBe(shown.format_version);
  expect(decoded.terraform_version).toBe(shown.terraform_version);
  expect(decoded.timestamp).toBe(shown.timestamp);
  // Same changes, in the same order, field by field.
  expect((decoded.resource_changes ?? []).map(comparable)).toEqual((shown.resource_changes ?? []).map(comparable));
  const outputs = (doc: ShowPlanJson) => Object.fromEntries(Object.entries(doc.output_changes ?? {}).map(([k, o]) => [k, { ...o, before_sensitive: o.before_sensitive, after_sensitive: o.after_sensitive }]));
  expect(outputs(decoded)).toEqual(outputs(shown));
  // Variables the caller set (show -json adds the defaults of those left unset).
  for (const [name, v] of Object.entries(decoded.variables ?? {})) expect(v).toEqual(shown.variables?.[name]);
  expect(Object.keys(decoded.variables ?? {})).toContain('secret');
  // The prior state: its resources and outputs.
  const prior = (doc: ShowPlanJson) => doc.prior_state as ShowStateJson | undefined;
  expect(stateResources(prior(decoded) ?? {})).toEqual(stateResources(prior(shown) ?? {}));
  expect(prior(decoded)?.values?.outputs ?? {}).toEqual(prior(shown)?.values?.outputs ?? {});

  // What preview and deploy make of it.
  expect(digestPlan(decoded)).toEqual(digestPlan(shown));
  expect(redactPlanJson(decoded)).toEqual(redactPlanJson(shown));
  expect(plannedResources(decoded)).toEqual(plannedResources(shown));
  const text = JSON.stringify(shown);
  expect(redactedUnder(decoded, text)).toBe(redactedUnder(shown, text));
  if (process.env.FABER_CLOUD_UPDATE_PLAN_FIXTURE === '1' && planFile === 'change.tfplan') await writeFixture(dir, planFile, shown, schema, configuration);
  return { shown, decoded };
}

describe('saved plan read from the plan file as show -json', () => {
  it('equals show -json for real plans: changes of every kind, outputs, variables, prior state, secrets', async () => {
    const dir = await tempDir('faber-plan-file-');
    await writeRootWithModules(dir, BEFORE);
    await tofu(dir, ['init', '-input=false', '-no-color']);
    const schema = digestProviderSchemas('test', JSON.parse(await tofu(dir, ['providers', 'schema', '-json'])));

    // From empty state: creates, unknowns, the sensitive ones, numbers cty keeps as digits.
    await tofu(dir, ['plan', '-input=false', '-no-color', '-out=create.tfplan']);
    const created = await compareWithShow(dir, 'create.tfplan', schema);
    expect(created.decoded.resource_changes?.some((rc) => rc.change.actions.join() === 'create' && rc.change.after_unknown && Object.keys(rc.change.after_unknown).length > 0)).toBe(true);
    await tofu(dir, ['apply', '-input=false', '-no-color', 'create.tfplan']);

    // Every other kind of change against that state.
    await writeFile(path.join(dir, 'main.tf'), AFTER);
    await tofu(dir, ['plan', '-input=false', '-no-color', '-out=change.tfplan']);
    const { decoded } = await compareWithShow(dir, 'change.tfplan', schema);
    const byAddress = new Map((decoded.resource_changes ?? []).map((rc) => [rc.address, rc]));
    // The plan really has what the comparison is meant to cover.
    expect(byAddress.get('aws_s3_bucket.b[1]')?.change.actions).toEqual(['delete', 'create']);
    expect(byAddress.get('aws_s3_bucket.b[1]')?.change.replace_paths).toEqual([['bucket']]);
    expect(byAddress.get('aws_s3_bucket.b[0]')?.change.actions).toEqual(['update']);
    expect(byAddress.get('terraform_data.keyed["plain"]')?.action_reason).toBe('delete_because_each_key');
    expect(byAddress.get('terraform_data.renamed')?.previous_address).toBe('terraform_data.old');
    expect(byAddress.get('random_string.imp')?.change.importing).toEqual({ id: 'importedvalue' });
    expect(byAddress.get('data.aws_s3_bucket.x')?.change.actions).toEqual(['read']);
    expect((byAddress.get('terraform_data.d')?.change.before as { input?: { big?: unknown; frac?: unknown } }).input).toMatchObject({ frac: 0.1, big: 12345678901234567890 });
    expect(truePaths(byAddress.get('terraform_data.nested')?.change.after_sensitive)).toEqual(['input.inner.0.k']);
    expect(byAddress.get('module.m["two words"].terraform_data.inner[1]')?.module_address).toBe('module.m["two words"]');
    expect(decoded.output_changes?.gone?.actions).toEqual(['delete']);
    expect(decoded.output_changes?.new?.after_unknown).toBe(true);
    await tofu(dir, ['apply', '-input=false', '-no-color', 'change.tfplan']);

    // A number the schema types, written as digits.
    await writeFile(path.join(dir, 'main.tf'), AFTER + ALARM);
    await tofu(dir, ['plan', '-input=false', '-no-color', '-out=alarm.tfplan']);
    const alarm = await compareWithShow(dir, 'alarm.tfplan', schema);
    expect((alarm.decoded.resource_changes?.find((rc) => rc.address === 'aws_cloudwatch_metric_alarm.a')?.change.after as { threshold?: unknown }).threshold).toBe(0.3);
    await writeFile(path.join(dir, 'main.tf'), AFTER);

    // A refresh-only plan and a destroy plan.
    await tofu(dir, ['plan', '-refresh-only', '-input=false', '-no-color', '-out=refresh.tfplan']);
    await compareWithShow(dir, 'refresh.tfplan', schema);
    await tofu(dir, ['plan', '-destroy', '-input=false', '-no-color', '-out=destroy.tfplan']);
    const destroyed = await compareWithShow(dir, 'destroy.tfplan', schema);
    expect(destroyed.decoded.resource_changes?.filter((rc) => rc.mode === 'managed').every((rc) => rc.change.actions.join() === 'delete')).toBe(true);
    await tofu(dir, ['apply', '-input=false', '-no-color', 'destroy.tfplan']);
  }, 900_000);
});
