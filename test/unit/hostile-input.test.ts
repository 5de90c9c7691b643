import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { validateConfigData } from '../../src/core/config/load.js';
import { substituteEnv } from '../../src/core/config/env-substitution.js';
import { ConfigSchema, envNameProblem } from '../../src/core/config/schema.js';
import { splitErrorBlocks } from '../../src/handlers/error-text.js';
import { FaberError } from '../../src/core/errors.js';
import { MAX_INPUT_BYTES, decodeInputText, readInputFileText, readStreamText } from '../../src/core/files/input-text.js';
import { authorize, environmentOf } from '../../src/core/guard.js';
import { initProject } from '../../src/core/init/init-project.js';
import { hasOwnKey, nullRecord, ownValue } from '../../src/core/own.js';
import { mapStrings, quoted, sanitizeLine, sanitizeOutput, singleLine } from '../../src/core/text.js';
import { REPO_ROOT } from '../support/cli.js';

const raw = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/fixtures/valid-config.json'), 'utf8'));
const config = ConfigSchema.parse(raw);

/** Names every plain JS object already answers to, and other names that are not environments. */
const PROPERTY_NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf', 'prototype', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__'];
const MALFORMED = ['TEST', '../x', 'a b', '', '-x', 'x'.repeat(41), 'te\u001bst', 'test\nprod', 'test\r', '1abc'];

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof FaberError) return error.code;
    throw error;
  }
}

async function codeOfAsync(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (error) {
    if (error instanceof FaberError) return error.code;
    throw error;
  }
}

describe('environment names (issue 13, defect 1)', () => {
  it('a slug that is not an Object.prototype name is an environment name', () => {
    for (const name of ['test', 'prod', 'staging-2', 'a', `a${'b'.repeat(30)}`]) expect(envNameProblem(name), name).toBeUndefined();
  });
  it('property names and malformed names are not', () => {
    for (const name of [...PROPERTY_NAMES, ...MALFORMED]) expect(envNameProblem(name), JSON.stringify(name)).toBeDefined();
  });
  it('--env naming an inherited property is an unknown environment, for every guarded operation', () => {
    for (const env of [...PROPERTY_NAMES, ...MALFORMED, 'nosuch']) {
      expect(codeOf(() => environmentOf(config, env)), env).toBe('E_USAGE_UNKNOWN_ENV');
      for (const operation of ['preview', 'deploy', 'destroy', 'iam-grant', 'remediate', 'ops-read'] as const) {
        expect(codeOf(() => authorize(config, { operation, env, confirm: env, planId: 'p' })), `${operation} ${env}`).toBe('E_USAGE_UNKNOWN_ENV');
      }
    }
  });
  it('the unknown-environment message shows control characters escaped', () => {
    try {
      environmentOf(config, 'te\u001b[2Jst\nprod');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe("unknown environment 'te\\x1b[2Jst\\nprod'");
    }
  });
});

describe('config: every per-environment map refuses property-name keys', () => {
  const maps: [string, (c: any, key: string) => void][] = [
    ['environments', (c, key) => Object.defineProperty(c.environments, key, { value: { profile: 'test' }, enumerable: true, configurable: true, writable: true })],
    ['handlers.iac.terraform.workspaces', (c, key) => Object.defineProperty((c.handlers.iac.terraform.workspaces ??= {}), key, { value: 'prod', enumerable: true, configurable: true, writable: true })],
    ['handlers.iac.terraform.var_files', (c, key) => Object.defineProperty((c.handlers.iac.terraform.var_files ??= {}), key, { value: 'prod.tfvars', enumerable: true, configurable: true, writable: true })],
  ];
  for (const [map, add] of maps) {
    for (const key of PROPERTY_NAMES) {
      it(`${map}.${key}`, () => {
        const data = structuredClone(raw);
        add(data, key);
        // Through JSON text, as the file is read: JSON.parse keeps "__proto__" as an own key.
        const reparsed = JSON.parse(JSON.stringify(data));
        try {
          validateConfigData(reparsed, 'devops.json', {});
          expect.unreachable(`${map}.${key} was accepted`);
        } catch (error) {
          expect((error as FaberError).code).toBe('E_CONFIG_INVALID');
          const problems = (error as FaberError).details as { problems: { path: string }[] };
          expect(problems.problems.map((p) => p.path)).toContain(`${map}.${key}`);
        }
      });
    }
  }
  it('workspaces naming a configured environment still validate', () => {
    const data = structuredClone(raw);
    data.handlers.iac.terraform.workspaces = { test: 'test' };
    expect(() => validateConfigData(data, 'devops.json', {})).not.toThrow();
  });
  it('${constructor} in a config value is an unset variable, not Object', () => {
    expect(codeOf(() => substituteEnv({ a: '${constructor}' }, {}))).toBe('E_CONFIG_ENV_UNSET');
    expect(substituteEnv({ a: '${toString:-x}' }, {})).toEqual({ a: 'x' });
  });
});

describe('own-key lookups', () => {
  it('never return an inherited value', () => {
    const record: Record<string, number> = { a: 1 };
    for (const key of PROPERTY_NAMES) {
      expect(ownValue(record, key), key).toBeUndefined();
      expect(hasOwnKey(record, key), key).toBe(false);
    }
    expect(ownValue(record, 'a')).toBe(1);
    expect(ownValue(undefined, 'a')).toBeUndefined();
  });
  it('a null record keeps __proto__ as a plain key', () => {
    const r = nullRecord([['__proto__', 1]]);
    expect(Object.keys(r)).toEqual(['__proto__']);
    expect(ownValue(r, '__proto__')).toBe(1);
    expect(ownValue(r, 'toString')).toBeUndefined();
  });
});

describe('sanitiser (issue 13, defect 7)', () => {
  const hostile = 'a\u001b[31mred\u001b]0;title\u0007\r\nb\u009b2J\u0000\u007f\u2028';
  it('sanitizeLine leaves no control character, and escapes rather than strips', () => {
    const out = sanitizeLine(hostile);
    expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(out).toBe('a\\x1b[31mred\\x1b]0;title\\x07\\r\\nb\\x9b2J\\x00\\x7f\\u2028');
    expect(sanitizeLine('te\u001bst')).not.toBe('test');
    expect(sanitizeLine('plain text, ünïcode ✓')).toBe('plain text, ünïcode ✓');
  });
  it('quoted and singleLine', () => {
    expect(quoted('x\ny')).toBe("'x\\ny'");
    expect(singleLine('User\r\nuploads\t\u001b[1m!')).toBe('User uploads \\x1b[1m!');
  });
  it('sanitizeOutput keeps the layout the CLI formats, and colours only when colour is on', () => {
    const text = 'line 1\n\tindented \u001b[31mred\u001b[39m\rover\u001b[2J';
    expect(sanitizeOutput(text)).toBe('line 1\n\tindented \\x1b[31mred\\x1b[39m\\rover\\x1b[2J');
    expect(sanitizeOutput(text, { colors: true })).toBe('line 1\n\tindented \u001b[31mred\u001b[39m\\rover\\x1b[2J');
  });
  it('mapStrings cleans nested strings and keys, and leaves non-plain objects alone', () => {
    const date = new Date(0);
    expect(JSON.stringify(mapStrings({ a: ['x\u001b'], 'k\r': 1, d: date }, sanitizeLine))).toBe(JSON.stringify({ a: ['x\\x1b'], 'k\\r': 1, d: date }));
  });
});

describe('input reader (issue 13, defect 6)', () => {
  const dir = mkdtemp(path.join(tmpdir(), 'faber-input-'));
  it('reads UTF-8 text, dropping a BOM, and UTF-16 with a BOM', async () => {
    expect(decodeInputText(Buffer.from('\ufeffError: x\n'), 'f')).toBe('Error: x\n');
    expect(decodeInputText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Error: ü', 'utf16le')]), 'f')).toBe('Error: ü');
    expect(decodeInputText(new Uint8Array(), 'f')).toBe('');
  });
  it('refuses NUL bytes and invalid UTF-8 with typed codes', () => {
    expect(codeOf(() => decodeInputText(Buffer.from([0x45, 0x00, 0x72]), 'f'))).toBe('E_INPUT_BINARY');
    expect(codeOf(() => decodeInputText(Buffer.from([0x45, 0xff, 0xfe, 0xc3]), 'f'))).toBe('E_INPUT_ENCODING');
    expect(codeOf(() => decodeInputText(Buffer.from([0xc3, 0x28]), 'f'))).toBe('E_INPUT_ENCODING');
  });
  it('refuses a file over the limit before reading it, and a stream once it passes it', async () => {
    const file = path.join(await dir, 'big.log');
    await writeFile(file, 'x'.repeat(1025));
    expect(await codeOfAsync(() => readInputFileText(file, '--error-file big.log', 1024))).toBe('E_INPUT_TOO_LARGE');
    expect(await readInputFileText(file, 'f', 2048)).toHaveLength(1025);
    expect(await codeOfAsync(() => readStreamText(Readable.from([Buffer.alloc(600, 120), Buffer.alloc(600, 120)]), 'stdin', 1024))).toBe('E_INPUT_TOO_LARGE');
    expect(MAX_INPUT_BYTES).toBe(10 * 1024 * 1024);
  });
  it('file-system errors stay errno errors for the caller to name its option', async () => {
    await expect(readInputFileText(path.join(await dir, 'missing'), 'f')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readInputFileText(await dir, 'f')).rejects.toMatchObject({ code: 'EISDIR' });
  });
  it('hundreds of thousands of short errors split without overflowing the stack', () => {
    const blocks = splitErrorBlocks('Error: x\n\n'.repeat(300_000));
    expect(blocks.length).toBeGreaterThan(100_000);
  });
});

describe('init checks its flags before writing (issue 13, defect 6)', () => {
  const base = { provider: 'aws', iac: 'terraform', subsystem: 'core', force: false };
  const cases: [string, Partial<Parameters<typeof initProject>[1]>][] = [
    ['--project ${NOPE:-x}', { project: '${NOPE:-x}' }],
    ['--project ${HOME}', { project: '${HOME}' }],
    ['--project Bad_Name', { project: 'Bad_Name' }],
    ['--project with ESC', { project: 'a\u001bb' }],
    ['--subsystem ../x', { project: 'ok', subsystem: '../x' }],
    ['--region *', { project: 'ok', region: '*' }],
    ['--region ${AWS_REGION}', { project: 'ok', region: '${AWS_REGION}' }],
    ['--account-id 12', { project: 'ok', accountId: '12' }],
    ['--terraform-dir ${HOME}/tf', { project: 'ok', terraformDir: '${HOME}/tf' }],
  ];
  for (const [name, options] of cases) {
    it(`${name}: exit-2 usage error, nothing written`, async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'faber-init-'));
      try {
        await initProject(dir, { ...base, ...options }, { HOME: '/root' });
        expect.unreachable('init accepted it');
      } catch (error) {
        expect(error).toBeInstanceOf(FaberError);
        expect((error as FaberError).code).toBe('E_USAGE');
        expect((error as FaberError).exitCode).toBe(2);
        expect((error as Error).message).not.toMatch(/[\u0000-\u001f]/);
      }
      expect(await readdir(dir)).toEqual([]);
    });
  }
});
