// What a plan or state marks sensitive: dropped from what we record, registered for redaction.
// (terraform-json.test.ts covers the same functions over real `show -json` fixtures; this file
// pins the edges and runs under mutation.)
import { afterEach, describe, expect, it } from 'vitest';
import { clearSensitive, redactText, sensitiveCount } from '../../src/core/redaction/index.js';
import { redactSensitive, registerMarkedSensitive, registerSensitiveFromShowJson } from '../../src/handlers/iac/terraform/sensitive.js';

afterEach(() => clearSensitive());

describe('redactSensitive', () => {
  it('returns the values themselves, not a copy, when no mark is true (arrays, nested objects, inherited keys)', () => {
    const values = { a: { b: 1 }, list: ['x', { y: 2 }] };
    for (const marks of [undefined, null, false, 'true', {}, [], { a: false }, { a: { b: false } }, { list: [false, { y: false }] }, Object.create({ a: true })]) {
      expect(redactSensitive(values, marks), JSON.stringify(marks)).toBe(values);
    }
  });

  it('drops exactly the marked values, keeps unmarked branches as they are, and leaves null in an array', () => {
    const kept = { b: 1 };
    const values = { a: kept, secret: 'hunter22', list: ['x', 'y'], text: 'plain', nothing: null };
    const out = redactSensitive(values, { secret: true, list: [false, true], text: { z: true }, nothing: { z: true } }) as Record<string, unknown>;
    expect(out).toStrictEqual({ a: kept, list: ['x', null], text: 'plain', nothing: null });
    expect(out.a).toBe(kept);
    expect(Object.keys(out)).not.toContain('secret');
  });

  it('drops everything under a top-level true', () => {
    expect(redactSensitive({ a: 1 }, true)).toBeUndefined();
  });
});

describe('registerMarkedSensitive', () => {
  it('registers a value marked at depth 64 and nothing beyond', () => {
    const nest = (depth: number, leaf: unknown): Record<string, unknown> => {
      let v: unknown = leaf;
      for (let i = 0; i < depth; i += 1) v = { k: v };
      return v as Record<string, unknown>;
    };
    registerMarkedSensitive(nest(64, 'canary-deep-64'), nest(64, true));
    expect(redactText('x canary-deep-64 y')).not.toContain('canary-deep-64');
    registerMarkedSensitive(nest(66, 'canary-deep-66'), nest(66, true));
    expect(redactText('canary-deep-66')).toBe('canary-deep-66');
  });

  it('ignores values that do not follow the marks', () => {
    for (const values of [null, 'canary-string-1', 42]) registerMarkedSensitive(values, { a: true });
    registerMarkedSensitive({ a: 'canary-not-array' }, [true]);
    expect(sensitiveCount()).toBe(0);
  });
});

describe('registerSensitiveFromShowJson', () => {
  it('follows state sensitive_attributes paths of string and number steps, and no other step', () => {
    registerSensitiveFromShowJson({
      values: {
        root_module: {
          resources: [
            {
              values: { conn: [{ password: 'canary-path-pw' }], '[object Object]': 'canary-object-step' },
              sensitive_attributes: [
                [{ type: 'get_attr', value: 'conn' }, { type: 'index', value: 0 }, { type: 'get_attr', value: 'password' }],
                [{ type: 'get_attr', value: {} }],
                { path: [{ type: 'get_attr', value: 'missing' }] },
              ],
            },
          ],
        },
      },
    });
    expect(redactText('canary-path-pw canary-object-step')).toBe('[REDACTED] canary-object-step');
  });

  it('reads resources in child modules down to depth 64', () => {
    let mod: Record<string, unknown> = { resources: [{ values: { token: 'canary-child-64' }, sensitive_values: { token: true } }] };
    for (let i = 0; i < 64; i += 1) mod = { child_modules: [mod] };
    registerSensitiveFromShowJson({ values: { root_module: mod } });
    expect(redactText('canary-child-64')).toBe('[REDACTED]');
  });

  it('reads sensitive outputs, sensitive variables and resource changes of a plan', () => {
    registerSensitiveFromShowJson({
      configuration: { root_module: { variables: { db_password: { sensitive: true }, region: {} } } },
      variables: { db_password: { value: 'canary-variable' }, region: { value: 'us-east-1-not-secret' } },
      planned_values: { outputs: { key: { sensitive: true, value: 'canary-output' }, name: { value: 'canary-plain-output' } } },
      resource_changes: [{ change: { before: { pw: 'canary-before' }, before_sensitive: { pw: true }, after: { pw: 'canary-after' }, after_sensitive: { pw: true } } }, { no_change: true }],
      output_changes: { o: { after: 'canary-output-change', after_sensitive: true } },
    });
    expect(redactText('canary-variable canary-output canary-before canary-after canary-output-change')).toBe(Array(5).fill('[REDACTED]').join(' '));
    expect(redactText('us-east-1-not-secret canary-plain-output')).toBe('us-east-1-not-secret canary-plain-output');
  });
});
