import { afterEach, describe, expect, it } from 'vitest';
import {
  clearSensitive,
  REDACTED,
  redactText,
  redactValue,
  registerSensitive,
  sensitiveCount,
} from '../../src/core/redaction/index.js';
import { registerMarkedSensitive, registerSensitiveFromShowJson } from '../../src/handlers/iac/terraform/sensitive.js';

afterEach(() => clearSensitive());

describe('registered sensitive values', () => {
  it('registers numbers and the string leaves of nested objects and arrays, but not null, booleans or REDACTED itself', () => {
    registerSensitive({ a: ['canary-one-11', { b: 987654321 }], c: null, d: true, e: REDACTED, f: 12345678901234567890n, g: undefined });
    expect(sensitiveCount()).toBe(3);
    expect(redactText('x canary-one-11 y 987654321 z 12345678901234567890 true')).toBe(`x ${REDACTED} y ${REDACTED} z ${REDACTED} true`);
  });

  it('a value containing another registered value is replaced whole (longest first)', () => {
    registerSensitive('canary-a');
    registerSensitive('canary-a-longer-one');
    expect(redactText('[canary-a-longer-one]')).toBe(`[${REDACTED}]`);
    registerSensitive('canary-a-longer-one-still');
    expect(redactText('[canary-a-longer-one-still] [canary-a]')).toBe(`[${REDACTED}] [${REDACTED}]`);
  });

  it(`registers a value of exactly ${6} characters, not one of 5`, () => {
    registerSensitive('abcde');
    registerSensitive('abcdef');
    expect(redactText('abcde abcdef')).toBe(`abcde ${REDACTED}`);
    expect(sensitiveCount()).toBe(1);
  });

  it('values with regex characters are matched literally', () => {
    registerSensitive('p@ss.w*rd(1)+[x]');
    expect(redactText('got p@ss.w*rd(1)+[x] here; not pXssXwrd11+x')).toBe(`got ${REDACTED} here; not pXssXwrd11+x`);
  });

  it('a new value is found after others were already used (the pattern is rebuilt)', () => {
    registerSensitive('canary-first-1');
    expect(redactText('canary-first-1')).toBe(REDACTED);
    registerSensitive('canary-second-2');
    expect(redactText('canary-first-1 canary-second-2')).toBe(`${REDACTED} ${REDACTED}`);
    clearSensitive();
    expect(sensitiveCount()).toBe(0);
    expect(redactText('canary-first-1')).toBe('canary-first-1');
  });

  it('stops at a depth of 64 (a cyclic or hostile document cannot hang the process)', () => {
    let deep: unknown = 'canary-deep-value';
    for (let i = 0; i < 70; i++) deep = [deep];
    registerSensitive(deep);
    expect(sensitiveCount()).toBe(0);
    let deepObject: unknown = 'canary-deep-object';
    for (let i = 0; i < 70; i++) deepObject = { x: deepObject };
    registerSensitive(deepObject);
    expect(sensitiveCount()).toBe(0);
    let shallow: unknown = 'canary-shallow-value';
    for (let i = 0; i < 60; i++) shallow = { x: shallow };
    registerSensitive(shallow);
    expect(sensitiveCount()).toBe(1);
  });

  it('marks follow the shape of the values: arrays by index, objects by own key, `true` for a whole subtree', () => {
    registerMarkedSensitive(
      { list: ['visible-0', 'canary-list-1'], obj: { k: 'canary-obj-k', other: 'visible-other' }, whole: { deep: ['canary-whole-1'] }, off: 'visible-off' },
      { list: [false, true], obj: { k: true }, whole: true, off: false, missing: true },
    );
    expect(redactText('visible-0 canary-list-1 canary-obj-k visible-other canary-whole-1 visible-off')).toBe(
      `visible-0 ${REDACTED} ${REDACTED} visible-other ${REDACTED} visible-off`,
    );
  });

  it('marks that do not fit the values register nothing', () => {
    registerMarkedSensitive({ 0: 'canary-mismatch-1' }, [true]);
    registerMarkedSensitive({ a: 'canary-mismatch-4' }, null);
    registerMarkedSensitive({ a: 'canary-mismatch-5' }, 'true');
    registerMarkedSensitive('canary-mismatch-2', { a: true });
    registerMarkedSensitive({ toString: 'canary-mismatch-3' }, { toString: true, valueOf: true });
    registerMarkedSensitive(null, { a: true });
    expect(sensitiveCount()).toBe(1); // only the own key toString
    expect(redactText('canary-mismatch-1 canary-mismatch-2')).toBe('canary-mismatch-1 canary-mismatch-2');
  });

  it('reads every part of a plan: prior state, planned values, before/after of resources and outputs', () => {
    registerSensitiveFromShowJson({
      planned_values: { outputs: { o: { sensitive: true, value: 'canary-planned-out' }, p: { sensitive: 'yes', value: 'visible-planned' } } },
      prior_state: { values: { root_module: { resources: [{ values: { pw: 'canary-prior-pw' }, sensitive_values: { pw: true } }] } } },
      resource_changes: [
        { change: { before: { pw: 'canary-before-pw' }, before_sensitive: { pw: true }, after: { pw: 'visible-after' }, after_sensitive: false } },
        null,
        { address: 'no change' },
      ],
      output_changes: { db: { before: 'canary-out-before', before_sensitive: true, after: 'canary-out-after', after_sensitive: true }, bad: null },
      variables: { pw: { value: 'canary-var-pw' }, plain: { value: 'visible-var' } },
      configuration: { root_module: { variables: { pw: { sensitive: true }, plain: { sensitive: false }, unvalued: { sensitive: true } } } },
    });
    const text = 'canary-planned-out visible-planned canary-prior-pw canary-before-pw visible-after canary-out-before canary-out-after canary-var-pw visible-var';
    expect(redactText(text)).toBe(`${REDACTED} visible-planned ${REDACTED} ${REDACTED} visible-after ${REDACTED} ${REDACTED} ${REDACTED} visible-var`);
  });

  it('reads sensitive_attributes in both encodings, with list indexes, in child modules; ignores paths that lead nowhere', () => {
    registerSensitiveFromShowJson({
      values: {
        root_module: {
          child_modules: [
            {
              resources: [
                {
                  values: { users: [{ pw: 'visible-user-0' }, { pw: 'canary-user-1' }], conn: { secret: 'canary-conn' }, s: 'visible-s' },
                  sensitive_attributes: [
                    [{ type: 'get_attr', value: 'users' }, { type: 'index', value: 1 }, { type: 'get_attr', value: 'pw' }],
                    { path: [{ type: 'get_attr', value: 'conn' }, { type: 'get_attr', value: 'secret' }] },
                    [{ type: 'get_attr', value: 's' }, { type: 'get_attr', value: 'nope' }],
                    [{ type: 'get_attr', value: 'missing' }],
                    [{ type: 'get_attr', value: { bad: 1 } }],
                    'not-a-path',
                  ],
                },
              ],
            },
          ],
        },
      },
    });
    expect(redactText('visible-user-0 canary-user-1 canary-conn visible-s')).toBe(`visible-user-0 ${REDACTED} ${REDACTED} visible-s`);
    expect(sensitiveCount()).toBe(2);
  });

  it('stops at depth 64 in marks, in values under a mark, and in child modules', () => {
    let values: unknown = 'canary-deep-marked';
    let marks: unknown = true;
    for (let i = 0; i < 70; i++) {
      values = i % 2 ? { k: values } : [values];
      marks = i % 2 ? { k: marks } : [marks];
    }
    registerMarkedSensitive(values, marks);
    registerMarkedSensitive({ a: values }, { a: true });
    let mod: unknown = { resources: [{ values: { pw: 'canary-deep-module' }, sensitive_values: { pw: true } }] };
    for (let i = 0; i < 70; i++) mod = { child_modules: [mod] };
    registerSensitiveFromShowJson({ values: { root_module: mod } });
    expect(sensitiveCount()).toBe(0);
  });

  it('tolerates nulls and odd types anywhere in a plan or state', () => {
    registerSensitiveFromShowJson({
      values: {
        outputs: null,
        root_module: {
          resources: [null, { values: { a: null, s: 'canary-ok-attr' }, sensitive_attributes: [null, [null], [{ value: 'a' }, { value: 'b' }], [{ value: 's' }]] }],
          child_modules: [null, 'x'],
        },
      },
      planned_values: { outputs: { o: null }, root_module: null },
      configuration: { root_module: { variables: { v: null, w: { sensitive: true } } } },
      variables: { w: null },
      resource_changes: [{ change: null }],
    });
    expect(sensitiveCount()).toBe(1);
    expect(redactText('canary-ok-attr')).toBe(REDACTED);
  });

  it('ignores documents that are not objects', () => {
    for (const doc of [null, 'text', 42, undefined]) registerSensitiveFromShowJson(doc);
    registerSensitiveFromShowJson({ values: 'x', planned_values: null, resource_changes: 'x', output_changes: null });
    expect(sensitiveCount()).toBe(0);
  });
});

describe('secret shapes: what is redacted and what is kept', () => {
  it('a bearer or basic credential is redacted when it looks like one (digit, symbol or inner capital), prose is kept', () => {
    for (const token of ['abcdefgh1', 'abcd.efghij', 'abcdefGhij', 'abcdefghij==']) {
      expect(redactText(`sent Bearer ${token} upstream`)).toBe(`sent Bearer ${REDACTED} upstream`);
    }
    expect(redactText('use Basic authentication or Bearer tokens everywhere')).toBe('use Basic authentication or Bearer tokens everywhere');
    expect(redactText('Basic Authentication')).toBe('Basic Authentication');
  });

  it('an Authorization header keeps its label and scheme', () => {
    expect(redactText('Authorization: Bearer abc')).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it('URL credentials are redacted, a Terraform reference in their place is not', () => {
    expect(redactText('mysql://app:pw-123@db/x')).toBe(`mysql://app:${REDACTED}@db/x`);
    expect(redactText('mysql://app:${var.pw}@db/x')).toBe('mysql://app:${var.pw}@db/x');
  });

  it('a standalone 40-character run is a secret key only with upper case, lower case and a digit, and not path-like', () => {
    const key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(redactText(`k ${key} x`)).toBe(`k ${REDACTED} x`);
    for (const notKey of [
      'abcdefghijklmnopqrstuvwxyzabcdefghij1234', // no upper case
      'ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ1234', // no lower case
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn', // no digit
      '/usr/local/lib/nodeModules/Abc1/defghijk', // a path
      'src/handlers/iac/terraform/Plan1/xyzABC/', // ends with /
      'modules/Net1//vpc/subnets/privateABCDEFG', // empty segment
    ]) {
      expect(notKey).toHaveLength(40);
      expect(redactText(`k ${notKey} x`)).toBe(`k ${notKey} x`);
    }
  });

  it('short text and text without a trigger pass unchanged; a 40-character run alone is checked', () => {
    expect(redactText('')).toBe('');
    expect(redactText('pwd=abc')).toBe(`pwd=${REDACTED}`);
    expect(redactText('pwd=x')).toBe(`pwd=${REDACTED}`);
    expect(redactText('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe(REDACTED);
  });

  it('key-value: the quoting of the value is kept, and code or flags under a secret key are not values', () => {
    expect(redactText(`"password": "hunter2xyz"`)).toBe(`"password": "${REDACTED}"`);
    expect(redactText(`password='hunter2xyz'`)).toBe(`password='${REDACTED}'`);
    expect(redactText(`'db_password': 'hunter2xyz'`)).toBe(`'db_password': '${REDACTED}'`);
    expect(redactText('token: abc-def-123')).toBe(`token: ${REDACTED}`);
    expect(redactText('InvalidToken: abc-def-123')).toBe('InvalidToken: abc-def-123');
    expect(redactText('password = true')).toBe('password = true');
  });
});

describe('redactValue', () => {
  it('a secret-named key is replaced whole, also in an array under it; a flag under it is kept', () => {
    const out = redactValue({ api_key: 'plain words here', token: ['one token', 'two token'], password: 'true', Secret_Key: 'x y z' });
    expect(out).toEqual({ api_key: REDACTED, token: [REDACTED, REDACTED], password: 'true', Secret_Key: REDACTED });
  });

  it('a key that only looks like a secret key (an error code, a resource type) keeps its value', () => {
    const value = { ExpiredToken: 'The security token included in the request is expired', aws_secretsmanager_secret: 'db creds' };
    expect(redactValue(value)).toBe(value);
  });

  it('changes only what needs it: an unchanged array is the same array, a changed one a copy; Dates are kept', () => {
    const arr = ['a', 'b'];
    const at = new Date(0);
    const value = { arr, at, msg: 'password=hunter2xyz' };
    const out = redactValue(value);
    expect(out).not.toBe(value);
    expect(out.arr).toBe(arr);
    expect(out.at).toBe(at);
    expect(out.msg).toBe(`password=${REDACTED}`);
    const list = ['ok', 'password=hunter2xyz'];
    const outList = redactValue(list);
    expect(outList).toEqual(['ok', `password=${REDACTED}`]);
    expect(list[1]).toBe('password=hunter2xyz');
    expect(redactValue(7)).toBe(7);
    expect(redactValue(null)).toBe(null);
  });

  it('a copy keeps every key, in order, around the first change (keys before it, the changed one, after it)', () => {
    const value = { a: 'one', b: 2, msg: 'password=hunter2xyz', c: null, d: ['x'], api_key: 'plain words here', e: true };
    const out = redactValue(value);
    expect(Object.keys(out)).toEqual(['a', 'b', 'msg', 'c', 'd', 'api_key', 'e']);
    expect(out).toEqual({ a: 'one', b: 2, msg: `password=${REDACTED}`, c: null, d: ['x'], api_key: REDACTED, e: true });
    expect(out.d).toBe(value.d);
    expect(value.msg).toBe('password=hunter2xyz');
    // The same key name answers the same the second time (secret-named or not).
    expect(redactValue({ api_key: 'plain words here', a: 'plain words here' })).toEqual({ api_key: REDACTED, a: 'plain words here' });
  });

  it('a secret-named key on an object with toJSON covers what it serialises to', () => {
    const out = redactValue({ password: { toJSON: () => 'plain words here' } });
    expect(JSON.stringify(out)).toBe(`{"password":"${REDACTED}"}`);
  });

  it('a value nested too deep to walk is withheld, never written unredacted', () => {
    for (const wrap of [(v: unknown) => ({ d: v }), (v: unknown) => [v], (v: unknown) => ({ toJSON: () => v })]) {
      let deep: unknown = { msg: 'password=hunter2xyz', note: 'plain-note' };
      for (let i = 0; i < 250; i++) deep = wrap(deep);
      const text = JSON.stringify(redactValue(deep));
      expect(text).not.toContain('hunter2xyz');
      expect(text).not.toContain('plain-note');
      expect(text).toContain(REDACTED);
    }
    let shallow: unknown = { msg: 'password=hunter2xyz', n: 1 };
    for (let i = 0; i < 150; i++) shallow = { d: shallow };
    expect(JSON.stringify(redactValue(shallow))).toContain(`"msg":"password=${REDACTED}","n":1`);
  });

  it('a non-string passed where text is expected comes back as it is', () => {
    registerSensitive('canary-nonstring');
    expect(redactText(42 as unknown as string)).toBe(42);
    expect(redactText(undefined as unknown as string)).toBeUndefined();
  });
});
