import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { denialOutput } from '../../src/cli/output-shapes.js';
import { CLI, REPO_ROOT, runCli, tempDir } from '../support/cli.js';
import { parseEnvelope } from '../support/json-contract.js';

const CORPUS = path.join(REPO_ROOT, 'test', 'fixtures', 'denials');

/** The CLI with text on stdin, as in `tofu apply ... 2>&1 | faber-cloud permissions parse-error`. */
function pipeInto(args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });
}

describe('faber-cloud permissions parse-error', () => {
  // Every corpus entry whose parse needs no extra context, through the built CLI.
  const entries = readdirSync(CORPUS)
    .map((name) => ({ name, ...(JSON.parse(readFileSync(path.join(CORPUS, name), 'utf8')) as { input: string; expected: any[]; context?: unknown }) }))
    .filter((e) => e.context === undefined);

  it.each(entries.map((e) => [e.name, e] as const))('%s: stdin gives the corpus parse', async (_name, entry) => {
    const run = await pipeInto(['permissions', 'parse-error', '--json'], entry.input);
    expect(run.code, run.stderr).toBe(0);
    const out = await parseEnvelope(run.stdout);
    expect(out.ok).toBe(true);
    // The corpus holds the parser's result; the CLI prints it in the contract's names.
    const expectedDenials = entry.expected.filter((e) => e.kind === 'denial').map(denialOutput);
    const expectedCredentials = entry.expected.filter((e) => e.kind === 'credentials');
    expect(out.data.denials).toEqual(expectedDenials);
    expect(out.data.credential_problems).toEqual(expectedCredentials);
  });

  it('reads --file and prints a readable summary, credential errors apart', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'apply.log');
    const threeDenials = JSON.parse(readFileSync(path.join(CORPUS, 'tofu-json-apply-three-denials.json'), 'utf8')).input;
    await writeFile(file, threeDenials);
    const run = await runCli(['permissions', 'parse-error', '--file', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('denied s3:CreateBucket (inferred)');
    expect(run.stdout).toContain('3 denials, 0 credential problems');
    const expired = JSON.parse(readFileSync(path.join(CORPUS, 'cred-expired-token-cli.json'), 'utf8')).input;
    const creds = await pipeInto(['permissions', 'parse-error'], expired);
    expect(creds.stdout).toContain('credentials ExpiredToken');
    expect(creds.stdout).toContain('not a permission problem');
  });

  it('rejects a missing file and a malformed account id with exit 2', async () => {
    const missing = await runCli(['permissions', 'parse-error', '--file', '/nonexistent/apply.log', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.json.error.code).toBe('E_USAGE_FILE');
    const badAccount = await pipeInto(['permissions', 'parse-error', '--account-id', '12ab', '--json'], 'x');
    expect(badAccount.code).toBe(2);
    expect((await parseEnvelope(badAccount.stdout)).error.code).toBe('E_USAGE');
  });
});
