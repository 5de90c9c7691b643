import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/core/config/json-schema.js';
import { runCli, snapshotTree, type CliRun } from '../support/cli.js';
import { defaultProfiles, writeProfiles } from '../support/moto.js';
import { CellTally, commandName, commandsTaking, exampleArgv, countedProject, type CountedProject } from './support/cells.js';

/**
 * Class "env-names" (issue 13, defect 1): every command that takes --env, given an
 * environment name that is a built-in object property or malformed, stops with exit 2
 * (E_USAGE_UNKNOWN_ENV) before any AWS call and changes nothing in the project. And every
 * map of the config keyed by user-chosen names refuses property-name keys.
 */

/** Names every plain JS object already answers to. */
const PROPERTY_NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf', 'prototype', 'isPrototypeOf'];
const HOSTILE_ENV_NAMES = [
  ...PROPERTY_NAMES,
  'TEST',
  '../x',
  'a b',
  '',
  '-x',
  'a'.repeat(41),
  'te\u001b[31mst',
  'test\nprod',
  'nosuch',
];

const tally = new CellTally('env-names');
let dir = '';
let counter: CountedProject['counter'];
let env: NodeJS.ProcessEnv;

/** Exactly one JSON object on stdout, an error envelope. */
function envelope(run: CliRun): { code?: string } | undefined {
  const parsed = run.json;
  if (!parsed || typeof parsed !== 'object' || parsed.ok !== false || typeof parsed.error?.code !== 'string') return undefined;
  return parsed.error;
}

beforeAll(async () => {
  // Ambient credentials, as in the report: a lookup that found no profile would have used them.
  ({ dir, env, counter } = await countedProject('faber-env-names-', { AWS_ACCESS_KEY_ID: 'AKIAAMBIENTCREDS', AWS_SECRET_ACCESS_KEY: 'ambient-secret' }));
  await writeProfiles(defaultProfiles('rel'));
});

afterAll(async () => {
  await counter?.stop();
});

describe('every command taking --env refuses property-name and malformed environment names', () => {
  const rows = commandsTaking('--env');
  it('the registry has the commands', () => {
    expect(rows.length).toBeGreaterThanOrEqual(14);
  });
  for (const def of rows) {
    it(commandName(def), async () => {
      const failures: string[] = [];
      for (const name of HOSTILE_ENV_NAMES) {
        // --env=VALUE so values starting with '-' (or empty) reach the command as values.
        const argv = [...exampleArgv(def, { '--env': undefined }), `--env=${name}`, '--json'];
        const before = await snapshotTree(dir);
        const calls = counter.count();
        const run = await runCli(argv, { cwd: dir, env, timeoutMs: 60_000 });
        const error = envelope(run);
        const after = await snapshotTree(dir);
        const problems = [
          run.code !== 2 && `exit ${run.code}`,
          !error && 'no single error envelope on stdout',
          error && error.code !== 'E_USAGE_UNKNOWN_ENV' && `code ${error.code}`,
          JSON.stringify(before) !== JSON.stringify(after) && 'project tree changed',
          counter.count() !== calls && `${counter.count() - calls} AWS request(s): ${counter.requests.slice(calls).join('; ')}`,
        ].filter(Boolean);
        const cell = `${commandName(def)} --env=${JSON.stringify(name)}`;
        if (!tally.record(cell, problems.length === 0, problems.join(', '))) failures.push(`${cell}: ${problems.join(', ')}`);
      }
      expect(failures).toEqual([]);
    });
  }
});

/** Every map of devops.json whose keys the user names (records), by JSON path, from the schema itself. */
function recordPaths(node: any, at: string[] = []): string[][] {
  if (!node || typeof node !== 'object') return [];
  const found: string[][] = [];
  if (node.type === 'object' && node.propertyNames && node.additionalProperties) found.push(at);
  for (const [key, child] of Object.entries<any>(node.properties ?? {})) found.push(...recordPaths(child, [...at, key]));
  for (const branch of [...(node.anyOf ?? []), ...(node.allOf ?? []), ...(node.oneOf ?? [])]) found.push(...recordPaths(branch, at));
  return found;
}

describe('config validate refuses property-name keys in every user-named map of the config', () => {
  const maps = recordPaths(configJsonSchema());
  it('the schema has the per-environment maps', () => {
    const names = maps.map((m) => m.join('.'));
    for (const expected of ['environments', 'handlers.iac.terraform.workspaces', 'handlers.iac.terraform.var_files']) expect(names).toContain(expected);
  });
  for (const map of maps) {
    it(map.join('.'), async () => {
      const base = await readFile(path.join(dir, '.fractary/plugins/faber-cloud/config/devops.json'), 'utf8');
      const failures: string[] = [];
      for (const key of PROPERTY_NAMES) {
        const config = JSON.parse(base);
        let node = config;
        for (const seg of map) node = node[seg] ??= {};
        // A value of the map's own kind, so only the key can be wrong.
        const sample = map[0] === 'environments' ? { profile: 'test' } : map.at(-1) === 'pricing_overrides' ? 1 : 'prod';
        // Spliced into the JSON text, as a user would write it ("__proto__" stays an own key).
        const text = JSON.stringify(config).replace(
          new RegExp(`("${map.at(-1)}":\\{)`),
          `$1${JSON.stringify(key)}:${JSON.stringify(sample)}${Object.keys(node).length ? ',' : ''}`,
        );
        const file = path.join(dir, `candidate-${map.join('-')}.json`);
        await writeFile(file, text);
        const run = await runCli(['config', 'validate', '--file', file, '--json'], { cwd: dir, env });
        const error = envelope(run) as { code?: string; details?: { problems?: { path: string }[] } } | undefined;
        const paths = error?.details?.problems?.map((p) => p.path) ?? [];
        const held = run.code === 2 && error?.code === 'E_CONFIG_INVALID' && paths.includes(`${map.join('.')}.${key}`);
        const cell = `config ${map.join('.')}.${key}`;
        if (!tally.record(cell, held, `exit ${run.code} ${error?.code ?? ''} ${paths.join(' ')}`)) failures.push(`${cell}: exit ${run.code} ${run.stdout.slice(0, 300)}`);
      }
      expect(failures).toEqual([]);
    });
  }
});
