import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlanFile, showPlanFromFile } from '../../src/handlers/iac/terraform/plan-file/show-plan.js';
import { digestPlan, plannedResources, redactPlanJson, type ShowPlanJson } from '../../src/handlers/iac/terraform/plan.js';
import type { ConfigurationDigest } from '../../src/handlers/iac/terraform/configuration-digest.js';
import type { ProviderDigest } from '../../src/handlers/iac/terraform/schema-digest.js';
import { stateResources, type ShowStateJson } from '../../src/handlers/iac/terraform/state.js';
import { comparableChange, redactedUnder, truePaths } from '../support/show-json.js';

/**
 * A real OpenTofu 1.12.6 plan (updates, a replace, a move, an import, a deferred read, a
 * for_each delete, unknowns, secrets, numbers kept as digits), its `show -json` and the digests
 * it is read with, recorded by test/integration/plan-file.test.ts
 * (FABER_CLOUD_UPDATE_PLAN_FIXTURE=1): the same comparison without the tool, so the mutation
 * check can run it.
 */
const dir = path.resolve('test', 'fixtures', 'plan-file');
const shown = JSON.parse(readFileSync(path.join(dir, 'change.show.json'), 'utf8')) as ShowPlanJson;
const digests = JSON.parse(readFileSync(path.join(dir, 'digests.json'), 'utf8')) as { providers: Record<string, ProviderDigest>; configuration: ConfigurationDigest };
const decode = () =>
  showPlanFromFile(readPlanFile(readFileSync(path.join(dir, 'change.tfplan'))), {
    providers: digests.providers,
    formatVersion: digests.configuration.format_version,
    configuration: digests.configuration.configuration,
    sensitiveDefaults: digests.configuration.sensitive_defaults,
  });

describe('a recorded plan read from its file', () => {
  const decoded = decode();

  it('lists the same resource changes as show -json, in its order, field by field', () => {
    expect(decoded.resource_changes?.length).toBe(shown.resource_changes?.length);
    (decoded.resource_changes ?? []).forEach((rc, i) => expect(comparableChange(rc), rc.address).toEqual(comparableChange((shown.resource_changes ?? [])[i] as typeof rc)));
    // Where nothing is unknown, the marks have show -json's shape too (an unknown list or map is
    // `[]`/`{}` there and `false` here: its type is not in the digest, and nothing reads it).
    const known = (decoded.resource_changes ?? []).filter((rc) => JSON.stringify(rc.change.after_unknown) === '{}');
    expect(known.length).toBeGreaterThan(5);
    for (const rc of known) {
      const other = (shown.resource_changes ?? []).find((o) => o.address === rc.address);
      expect(rc.change.after_sensitive, rc.address).toEqual(other?.change.after_sensitive);
      expect(rc.change.before_sensitive, rc.address).toEqual(other?.change.before_sensitive);
    }
  });

  it('has the same outputs, variables set, prior state, format and timestamp', () => {
    expect(decoded.output_changes).toEqual(shown.output_changes);
    expect(Object.keys(decoded.output_changes ?? {})).toEqual(Object.keys(shown.output_changes ?? {}));
    for (const [name, v] of Object.entries(decoded.variables ?? {})) expect(v).toEqual(shown.variables?.[name]);
    expect(Object.keys(decoded.variables ?? {})).toEqual(['secret']);
    expect(stateResources(decoded.prior_state as ShowStateJson)).toEqual(stateResources(shown.prior_state as ShowStateJson));
    expect((decoded.prior_state as ShowStateJson).values?.outputs).toEqual((shown.prior_state as ShowStateJson).values?.outputs);
    expect([decoded.format_version, decoded.terraform_version, decoded.timestamp]).toEqual([shown.format_version, shown.terraform_version, shown.timestamp]);
    expect(decoded.errored).toBe(false);
  });

  it('gives preview and deploy the same plan id, digest, stored plan, planned resources and secrets', () => {
    expect(digestPlan(decoded)).toEqual(digestPlan(shown));
    expect(redactPlanJson(decoded)).toEqual(redactPlanJson(shown));
    expect(plannedResources(decoded)).toEqual(plannedResources(shown));
    const text = JSON.stringify(shown);
    expect(text).toContain('plan-file-canary-5c1e');
    const redacted = redactedUnder(decoded, text);
    expect(redacted).not.toContain('plan-file-canary-5c1e');
    expect(redacted).toBe(redactedUnder(shown, text));
  });

  it('covers what it is meant to: a replace, a move, an import, a deferred read, a for_each delete, unknowns, marks', () => {
    const by = new Map((decoded.resource_changes ?? []).map((rc) => [rc.address, rc]));
    expect(by.get('aws_s3_bucket.b[1]')?.change.replace_paths).toEqual([['bucket']]);
    expect(by.get('terraform_data.renamed')?.previous_address).toBe('terraform_data.old');
    expect(by.get('random_string.imp')?.change.importing).toEqual({ id: 'importedvalue' });
    expect(by.get('data.aws_s3_bucket.x')?.action_reason).toBe('read_because_config_unknown');
    expect(by.get('terraform_data.keyed["plain"]')?.action_reason).toBe('delete_because_each_key');
    expect(truePaths(by.get('terraform_data.nested')?.change.after_sensitive)).toEqual(['input.inner.0.k']);
    expect(truePaths(by.get('aws_ssm_parameter.secure')?.change.after_sensitive)).toContain('value');
  });
});
