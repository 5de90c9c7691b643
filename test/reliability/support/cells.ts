import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { commands } from '../../../src/cli/commands.js';
import type { CommandDefinition } from '../../../src/cli/definition.js';
import { REPO_ROOT, runCli, tempDir } from '../../support/cli.js';
import { MOTO_ACCOUNT_ID } from '../../support/moto.js';

/**
 * The reliability suite is generated, not hand-picked: its rows come from the CLI's own
 * command registry (and the artifact list), its columns are classes of hostile input.
 * Each (row, column) pair is a cell; every file counts the cells it tried and held and
 * prints them, and writes them to test-results/reliability/<class>.json for docs/RELIABILITY.md.
 */

export const ALL_COMMANDS: readonly CommandDefinition[] = commands;

export function commandName(def: CommandDefinition): string {
  return def.path.join(' ');
}

/** Commands that declare an option with this long flag (e.g. '--env'). */
export function commandsTaking(flag: string): CommandDefinition[] {
  return ALL_COMMANDS.filter((c) => (c.options ?? []).some((o) => o.flags.split(/[ ,]+/).includes(flag)));
}

/** Split an example line as a POSIX shell would for plain words and single/double quotes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/**
 * The argv (without `faber-cloud`) of the command's first example that runs the command
 * itself (not a pipeline), with option values replaced: `{ '--env': 'x' }` sets or adds it.
 */
export function exampleArgv(def: CommandDefinition, set: Record<string, string | undefined> = {}): string[] {
  const example = (def.examples ?? []).find((e) => e.startsWith('faber-cloud ') && !e.includes('|')) ?? `faber-cloud ${commandName(def)}`;
  const words = shellWords(example).slice(1);
  for (const [flag, value] of Object.entries(set)) {
    const at = words.findIndex((w) => w === flag || w.startsWith(`${flag}=`));
    if (at >= 0) {
      const inline = words[at]!.includes('=');
      if (value === undefined) words.splice(at, inline ? 1 : 2);
      else if (inline) words[at] = `${flag}=${value}`;
      else words[at + 1] = value;
    } else if (value !== undefined) {
      words.push(flag, value);
    }
  }
  return words;
}

export interface CellResult {
  cell: string;
  held: boolean;
  detail?: string;
}

/** Counts one class's cells; prints and saves the tally when the file ends. */
export class CellTally {
  readonly results: CellResult[] = [];

  constructor(readonly className: string) {
    afterAll(() => this.report());
  }

  record(cell: string, held: boolean, detail?: string): boolean {
    this.results.push({ cell, held, ...(detail ? { detail } : {}) });
    return held;
  }

  report(): void {
    const held = this.results.filter((r) => r.held).length;
    const line = `reliability ${this.className}: ${this.results.length} cells tried, ${held} held`;
    process.stderr.write(`${line}\n`);
    const dir = path.join(REPO_ROOT, 'test-results', 'reliability');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${this.className}.json`), `${JSON.stringify({ class: this.className, tried: this.results.length, held, cells: this.results }, null, 2)}\n`);
  }
}

/**
 * A stand-in AWS endpoint that answers every request with 403 AccessDenied and counts it:
 * point AWS_ENDPOINT_URL at it to prove a cell made no AWS call at all (the count stays 0),
 * whichever credentials or profile the CLI would have used. (Added by the env-input work.)
 */
export async function startAwsCounter(): Promise<{ endpoint: string; count(): number; requests: string[]; stop(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${String(req.headers['x-amz-target'] ?? '')}`);
    req.resume();
    res.writeHead(403, { 'content-type': 'text/xml' });
    res.end('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>counted by the reliability suite</Message></Error></ErrorResponse>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    count: () => requests.length,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An AWS-call counter and a project `init`ed against it in a temp directory: a class's setup. */
export interface CountedProject {
  dir: string;
  env: NodeJS.ProcessEnv;
  counter: Awaited<ReturnType<typeof startAwsCounter>>;
}

export async function countedProject(prefix: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<CountedProject> {
  const counter = await startAwsCounter();
  const env = { AWS_ENDPOINT_URL: counter.endpoint, ...extraEnv };
  const dir = await tempDir(prefix);
  const init = await runCli(['init', '--project', 'rel', '--account-id', MOTO_ACCOUNT_ID, '--json'], { cwd: dir, env });
  if (init.code !== 0) {
    await counter.stop();
    throw new Error(`init failed: ${init.stdout}${init.stderr}`);
  }
  return { dir, env, counter };
}
