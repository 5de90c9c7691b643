import { describe, expect, it } from 'vitest';
import { docLines, docLinesOf, fillArgv, isPlaceholder, SET_OF } from '../support/executable-docs.js';

// The static half of the executable-docs test (test/integration/executable-docs-*.test.ts):
// every documented line has a prepared project to run in and a value for each placeholder,
// and user text goes in single quotes.

const LINES = docLines();
const FILL = { planId: () => '0123456789ab' };

/** A double quote in a command line: `$(...)` or backticks in the user's text would run in the shell. */
const doubleQuoted = (text: string) => text.includes('"');

describe('documented command lines', () => {
  it('found them', () => {
    expect(LINES.length).toBeGreaterThan(150);
  });

  it.each(LINES.map((l) => [`${l.where}: ${l.text}`, l] as const))('%s: runs in a prepared project, placeholders filled, user text single-quoted', (_, line) => {
    expect(SET_OF[line.command], `${line.where}: no precondition set for '${line.command}' (test/support/executable-docs.ts SET_OF)`).toBeDefined();
    const argv = fillArgv(line, FILL);
    expect(argv.filter(isPlaceholder), `${line.where}: placeholders left in ${JSON.stringify(argv)}`).toEqual([]);
    expect(doubleQuoted(line.text), `${line.where}: quote user text with single quotes (a ' inside becomes '\\'')`).toBe(false);
  });

  it('the checks catch a double-quoted user text, a stated exit and a stdin pipe', () => {
    const [investigate, architect, piped] = docLinesOf([
      {
        rel: 'sample.md',
        text: [
          '`faber-cloud ops investigate --env <env> --issue "<issue>" --json`',
          "`faber-cloud infra architect --feature '<feature>' --json` (exit 3)",
          '```bash\ntofu apply 2>&1 | faber-cloud infra debug --json\n```',
        ].join('\n'),
        bodyStart: 1,
      },
    ]);
    expect(doubleQuoted(investigate!.text)).toBe(true);
    expect([investigate!.expectedExit, architect!.expectedExit]).toEqual([undefined, 3]);
    expect([investigate!.piped, piped!.piped]).toEqual([false, true]);
    expect(fillArgv(investigate!, FILL)).toEqual(['ops', 'investigate', '--env', 'test', '--issue', '500 errors', '--json']);
  });

  it('fills a placeholder by its option and command, and a remediation by the flags the line gives', () => {
    const lines = docLinesOf([
      {
        rel: 'sample.md',
        text: [
          '`faber-cloud ops remediate --env=<env> --action <action> --target <resource> --concurrency <n> --apply --confirm <env>`',
          '`faber-cloud infra show-resources --env E --type T`',
          '`faber-cloud infra deploy --env prod --plan 3f9a1c2b7d4e --confirm prod`',
        ].join('\n'),
        bodyStart: 1,
      },
    ]);
    expect(lines.map((l) => fillArgv(l, { planId: (env) => `plan-of-${env}` }))).toEqual([
      ['ops', 'remediate', '--env', 'test', '--action', 'set-concurrency', '--target', 'aws_lambda_function.worker', '--concurrency', '5', '--apply', '--confirm', 'test'],
      ['infra', 'show-resources', '--env', 'test', '--type', 'aws_s3_bucket'],
      ['infra', 'deploy', '--env', 'prod', '--plan', 'plan-of-prod', '--confirm', 'prod'],
    ]);
  });
});
