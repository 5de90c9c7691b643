// Console links: console-urls.ts's link2aws wrapper (one template table) against plain
// `new ARN(arn).consoleLink` (link2aws builds its ~1,000-closure table per ARN), in the same
// process, over the ARNs of the registry bench's 5,000-resource state. Interleaved rounds,
// alternating who goes first, medians; only the ratio means anything. Decides whether the
// wrapper is still worth having (docs/DECISIONS.md, "Issue 14: AWS facts").
//
// Usage: node bench/console-links.mjs [rounds]    (default 21; also part of `npm run bench`)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { syntheticState } from './registry-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const ENTRY = `
import link2aws from 'link2aws';
import { stateResources } from './src/handlers/iac/terraform/state.ts';
import { consoleLinkFor, link2awsLink } from './src/handlers/hosting/aws/console-urls.ts';
export { link2aws, stateResources, consoleLinkFor, link2awsLink };
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const outcome = (f) => {
  try {
    return JSON.stringify({ value: f() });
  } catch (error) {
    return JSON.stringify({ threw: error.message });
  }
};

export async function measureConsoleLinks(rounds = 21) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faber-bench-links-'));
  try {
    await esbuild.build({
      absWorkingDir: root,
      stdin: { contents: ENTRY, resolveDir: root, sourcefile: 'bench-links-entry.ts', loader: 'ts' },
      outfile: path.join(dir, 'links.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      target: 'node20',
      banner: { js: "import{createRequire as __c}from'node:module';const require=__c(import.meta.url);" },
      logLevel: 'warning',
    });
    const m = await import(pathToFileURL(path.join(dir, 'links.mjs')).href);
    const { ARN } = m.link2aws;
    const arns = m.stateResources(syntheticState())
      .map((r) => m.consoleLinkFor(r, { region: 'us-east-1', accountId: '123456789012' }).arn)
      .filter((a) => a !== undefined);
    // What is timed gives the same answers (values and errors) both ways.
    for (const arn of arns) {
      if (outcome(() => m.link2awsLink(arn)) !== outcome(() => new ARN(arn).consoleLink)) throw new Error(`console-links bench: wrapper and link2aws differ on ${arn}`);
    }
    const sides = {
      wrapper: (arn) => m.link2awsLink(arn),
      link2aws: (arn) => new ARN(arn).consoleLink,
    };
    const time = (f) => {
      const start = performance.now();
      for (const arn of arns) {
        try {
          f(arn);
        } catch {
          // link2aws throws for types it has no page for; both sides do the same
        }
      }
      return performance.now() - start;
    };
    for (const f of Object.values(sides)) time(f);
    const t = { wrapper: [], link2aws: [] };
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? ['wrapper', 'link2aws'] : ['link2aws', 'wrapper'];
      for (const side of order) t[side].push(time(sides[side]));
    }
    const wrapperMs = median(t.wrapper);
    const plainMs = median(t.link2aws);
    return { rounds, arns: arns.length, wrapper_ms: Number(wrapperMs.toFixed(1)), link2aws_ms: Number(plainMs.toFixed(1)), ratio: Number((wrapperMs / plainMs).toFixed(2)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await measureConsoleLinks(Number(process.argv[2] ?? 21));
  console.log(`console-links  ratio ${r.ratio}x plain link2aws  (wrapper ${r.wrapper_ms} ms, new ARN() ${r.link2aws_ms} ms, ${r.arns} ARNs, ${r.rounds} rounds)`);
}
