import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStreamLine, parseTextDiagnostics } from '../../src/handlers/iac/terraform/diagnostics.js';
import { changeAction, digestPlan, planIdOf, redactPlanJson } from '../../src/handlers/iac/terraform/plan.js';
import { parseJsonOutput } from '../../src/handlers/iac/terraform/runner.js';
import { redactSensitive } from '../../src/handlers/iac/terraform/sensitive.js';
import { stateResources } from '../../src/handlers/iac/terraform/state.js';
import { buildRegistry, type RegistryContext } from '../../src/registry/registry.js';
import { REPO_ROOT } from '../support/cli.js';
import { syntheticState } from '../../bench/registry-build.mjs';

// Real `tofu show -json` / `apply -json` output of test/fixtures/terraform/multi-module
// (root resources with count, a child module with for_each, a sensitive variable and output).
const fixture = (name: string) => readFileSync(path.join(REPO_ROOT, 'test/fixtures/terraform-json', name), 'utf8');
const json = (name: string) => JSON.parse(fixture(name));

describe('plan digest', () => {
  it('counts and lists creates from a real plan, with a stable plan id', () => {
    const digest = digestPlan(json('plan-create.json'));
    expect(digest.counts).toEqual({ create: 5, update: 0, replace: 0, delete: 0 });
    expect(digest.changes.map((c) => c.address)).toContain('module.store.terraform_data.each["x"]');
    expect(digest.outputs).toEqual([{ name: 'secret_out', action: 'create', sensitive: true }]);
    expect(digest.planId).toMatch(/^[0-9a-f]{12}$/);
    expect(planIdOf(json('plan-create.json'))).toBe(digest.planId);
    expect(planIdOf(json('plan-mixed.json'))).not.toBe(digest.planId);
  });

  it('puts destroys and replacements first and says what forces a replacement', () => {
    const digest = digestPlan(json('plan-mixed.json'));
    expect(digest.counts).toEqual({ create: 0, update: 1, replace: 2, delete: 1 });
    expect(digest.changes.map((c) => c.action)).toEqual(['delete', 'replace', 'replace', 'update']);
    expect(digest.changes[1]?.replaceReason).toEqual(['triggers_replace']);
    expect(digest.changes[3]).toMatchObject({ address: 'terraform_data.one', changedAttributes: expect.arrayContaining(['input']) });
  });

  it('never carries a sensitive value into the digest or the stored plan JSON', () => {
    for (const name of ['plan-create.json', 'plan-mixed.json']) {
      expect(fixture(name)).toContain('hunter2'); // the raw tool output does
      expect(JSON.stringify(digestPlan(json(name)))).not.toContain('hunter2');
      expect(JSON.stringify(redactPlanJson(json(name)))).not.toContain('hunter2');
    }
  });

  it('maps action lists', () => {
    expect(changeAction(['create', 'delete'])).toBe('replace');
    expect(changeAction(['delete', 'create'])).toBe('replace');
    expect(changeAction(['no-op'])).toBe('no-op');
  });
});

describe('state', () => {
  it('flattens root and child modules, count and for_each instances, managed only', () => {
    const resources = stateResources(json('state-1.json'));
    expect(resources.map((r) => r.address)).toEqual([
      'module.store.terraform_data.each["x"]',
      'module.store.terraform_data.each["y"]',
      'terraform_data.many[0]',
      'terraform_data.many[1]',
      'terraform_data.one',
    ]);
    expect(resources[0]).toMatchObject({ module: 'module.store', index: 'x', type: 'terraform_data', name: 'each' });
    expect(resources[2]).toMatchObject({ module: '', index: 0 });
  });

  it('removes values marked sensitive, at any depth', () => {
    expect(redactSensitive({ a: 1, b: { c: 'secret', d: 2 }, e: ['x', 'y'] }, { b: { c: true }, e: [false, true] })).toEqual({ a: 1, b: { d: 2 }, e: ['x', null] });
  });

  it('returns values as they are, not a copy, when nothing is marked sensitive', () => {
    const values = { a: 1, b: { c: 'x' }, e: ['x', { f: [1, 2] }], g: null };
    for (const sensitive of [undefined, null, false, {}, [], { b: {}, e: [false, { f: [false, false] }] }, { e: [] }, { z: false }]) {
      expect(redactSensitive(values, sensitive)).toBe(values);
    }
    expect(redactSensitive(values, { e: [false, { f: [false, true] }] })).toEqual({ a: 1, b: { c: 'x' }, e: ['x', { f: [1, null] }], g: null });
    // A `true` where values has nothing still means a copy, equal to values.
    const copy = redactSensitive(values, { z: true });
    expect(copy).not.toBe(values);
    expect(copy).toEqual(values);
  });

  it('redacts exactly as the always-copying walk did, on real and synthetic state', () => {
    // The implementation before the no-`true` shortcut: the reference.
    const reference = (values: unknown, sensitive: unknown): unknown => {
      if (sensitive === true) return undefined;
      if (sensitive === null || typeof sensitive !== 'object') return values;
      if (Array.isArray(values)) return values.map((v, i) => reference(v, (sensitive as unknown[])[i]));
      if (values !== null && typeof values === 'object') {
        const out: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(values)) {
          const redacted = reference(value, (sensitive as Record<string, unknown>)[key]);
          if (redacted !== undefined) out[key] = redacted;
        }
        return out;
      }
      return values;
    };
    type Raw = { mode: string; values?: unknown; sensitive_values?: unknown };
    const raw: Raw[] = [];
    const walk = (m: { resources?: Raw[]; child_modules?: unknown[] }) => {
      raw.push(...(m.resources ?? []));
      for (const c of m.child_modules ?? []) walk(c as typeof m);
    };
    for (const state of [json('state-1.json'), json('state-2.json'), syntheticState(300)]) walk(state.values.root_module);
    let marked = 0;
    for (const r of raw) {
      const values = r.values ?? {};
      const expected = reference(values, r.sensitive_values);
      const actual = redactSensitive(values, r.sensitive_values);
      expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
      expect(actual).toEqual(expected);
      if (actual !== values) marked++;
    }
    expect(raw.length).toBeGreaterThan(300);
    expect(marked).toBeGreaterThan(0); // some resources do have sensitive values
    expect(marked).toBeLessThan(raw.length);
  });
});

describe('registry merge', () => {
  const ctx = (now: string, deploymentId: string): RegistryContext => ({
    env: 'test',
    project: 'demo',
    account: '123456789012',
    region: 'us-east-1',
    deploymentId,
    now,
    link: (r) => ({ arn: `arn:aws:test:::${r.address}` }),
  });

  it('keeps created_at, moves updated_at only for changed resources, drops destroyed ones', () => {
    const first = buildRegistry(undefined, stateResources(json('state-1.json')), ctx('2026-01-01T00:00:00.000Z', 'd-1'));
    expect(first.resources).toHaveLength(5);
    expect(first.resources.every((r) => r.created_at === '2026-01-01T00:00:00.000Z' && r.deployment_id === 'd-1')).toBe(true);

    const second = buildRegistry(first, stateResources(json('state-2.json')), ctx('2026-01-02T00:00:00.000Z', 'd-2'));
    const byAddress = Object.fromEntries(second.resources.map((r) => [r.address, r]));
    expect(Object.keys(byAddress).sort()).toEqual(['module.store.terraform_data.each["x"]', 'module.store.terraform_data.each["y"]', 'terraform_data.many[0]', 'terraform_data.one']);
    // unchanged
    expect(byAddress['terraform_data.many[0]']).toMatchObject({ created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', deployment_id: 'd-1' });
    // updated in place: created_at survives
    expect(byAddress['terraform_data.one']).toMatchObject({ created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-02T00:00:00.000Z', deployment_id: 'd-2' });
    expect(second.updated_at).toBe('2026-01-02T00:00:00.000Z');
  });

  it('never writes a sensitive value into the registry', () => {
    const registry = buildRegistry(undefined, stateResources(json('state-1.json')), ctx('2026-01-01T00:00:00.000Z', 'd-1'));
    expect(JSON.stringify(registry)).not.toContain('hunter2');
  });
});

describe('diagnostics', () => {
  it('turns apply -json lines into per-resource events', () => {
    const events = fixture('apply-create.jsonl').split('\n').map(parseStreamLine).filter(Boolean);
    const completed = events.filter((e) => e?.kind === 'complete').map((e) => (e as { address: string }).address);
    expect(completed.sort()).toEqual(['module.store.terraform_data.each["x"]', 'module.store.terraform_data.each["y"]', 'terraform_data.many[0]', 'terraform_data.many[1]', 'terraform_data.one']);
  });

  it('reads located diagnostics from -json and from framed human output', () => {
    const line = JSON.stringify({
      '@level': 'error',
      type: 'diagnostic',
      diagnostic: { severity: 'error', summary: 'creating S3 Bucket (x): BucketAlreadyExists', detail: 'taken', address: 'aws_s3_bucket.x', range: { filename: 'main.tf', start: { line: 3, column: 1 } } },
    });
    expect(parseStreamLine(line)).toEqual({
      kind: 'diagnostic',
      diagnostic: { severity: 'error', summary: 'creating S3 Bucket (x): BucketAlreadyExists', detail: 'taken', address: 'aws_s3_bucket.x', file: 'main.tf', line: 3, column: 1 },
    });
    const text = [
      '╷',
      '│ Error: Unsupported argument',
      '│ ',
      '│   on main.tf line 7, in resource "terraform_data" "one":',
      '│    7:   inptu = "a"',
      '│ ',
      '│ An argument named "inptu" is not expected here.',
      '╵',
      '╷',
      '│ Warning: Deprecated attribute',
      '╵',
    ].join('\n');
    const parsed = parseTextDiagnostics(text);
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({ severity: 'error', summary: 'Unsupported argument', file: 'main.tf', line: 7, address: 'terraform_data.one' });
    expect(parsed[0]?.detail).toContain('An argument named "inptu" is not expected here.');
    expect(parsed[1]).toMatchObject({ severity: 'warning', summary: 'Deprecated attribute' });
  });

  it('finds the JSON document after CLI-configuration warnings on stdout', () => {
    expect(parseJsonOutput('There are some problems with the CLI configuration:\n\nWarning: x\n{"a":1}\n')).toEqual({ a: 1 });
    expect(() => parseJsonOutput('nothing here')).toThrow(/no JSON document/);
  });
});
