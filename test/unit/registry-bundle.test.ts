// What a registry build loads, as scripts/build.mjs bundles it (docs/PERFORMANCE.md, "Registry
// build"): the SDK's partition table and ARN parser come from their own modules, not through
// @aws-sdk/core's barrels (which load the client middleware and @smithy/core), and answer exactly
// as from src/; zod (the registry schema) and the STS identity module stay in lazily loaded chunks.
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { syntheticState } from '../../bench/registry-build.mjs';
// @ts-expect-error plain ESM build script without type declarations
import { build } from '../../scripts/build.mjs';
import { stateResources } from '../../src/handlers/iac/terraform/state.js';
import { readRegistry } from '../../src/registry/registry.js';
import { answers as srcAnswers, partitionAfterSetPartitionInfo as srcPartitionAfter } from '../fixtures/bundle/registry-probe.js';
import { tempDir } from '../support/cli.js';

/** The file and every chunk it imports statically (what loading it evaluates), with their sizes. */
async function staticGraph(file: string): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const visit = async (f: string) => {
    if (seen.has(f)) return;
    const text = await readFile(f, 'utf8');
    seen.set(f, text);
    // Minified static imports: `import"./x.js"` and `import{a as b}from"./x.js"` (never `import(`).
    for (const m of text.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^"'();]*?from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) await visit(path.resolve(path.dirname(f), m[1]!));
  };
  await visit(file);
  return seen;
}

describe('registry build in the bundle', () => {
  it('loads neither the SDK client core nor zod, and links, parses and partitions exactly as src/', async () => {
    const dist = await build(path.join(await tempDir('faber-registry-bundle-'), 'dist'), { entryPoints: { 'registry-probe': 'test/fixtures/bundle/registry-probe.ts' } });
    const entry = path.join(dist, 'registry-probe.js');
    const graph = await staticGraph(entry);
    let bytes = 0;
    for (const f of graph.keys()) bytes += (await stat(f)).size;
    const loaded = [...graph.values()].join('\n');
    // Strings of what must stay lazy: @smithy/core's body-length middleware, the user-agent
    // middleware of @aws-sdk/core's client barrel, zod's error map, STS.
    for (const lazy of ['ReadStream', 'x-amz-user-agent', 'Invalid input', 'GetCallerIdentity']) expect(loaded, lazy).not.toContain(lazy);
    // Console links (link2aws) and the partition table are most of it; the SDK barrels alone were ~300 KB.
    expect(bytes).toBeLessThan(150_000);

    const regions = ['us-east-1', 'cn-north-1', 'us-gov-west-1', 'us-iso-east-1', 'eu-west-3', 'xx-nowhere-9', 'eusc-de-east-1', ''];
    const arns = ['arn:aws:s3:::b', 'arn:aws-cn:lambda:cn-north-1:123456789012:function:f:1', 'arn:aws:iam::123456789012:role/a/b', 'arn::s3:::b', 'arn:aws:s3:::', 'nope', 'arn:aws:a:b:c'];
    const resources = stateResources(syntheticState(400));
    const bundled = await import(pathToFileURL(entry).href);
    expect(bundled.answers(regions, arns, resources)).toEqual(srcAnswers(regions, arns, resources));
    // A registry read from disk: the structural check takes a valid one; zod, loaded then, rejects the rest as from src/.
    const dir = await tempDir('faber-registry-bundle-read-');
    const good = { schema_version: 1, env: 'test', project: 'p', account: null, region: 'us-east-1', updated_at: 'now', resources: [] };
    const bad = { ...good, resources: [{ address: 'a' }] };
    const outcome = (p: Promise<unknown>) => p.then((v) => ({ ok: v }), (e: Error & { code?: string }) => ({ code: e.code, message: e.message }));
    for (const [name, value] of [['good', good], ['bad', bad], ['version', { ...good, schema_version: 2 }]] as const) {
      const file = path.join(dir, `${name}.json`);
      await writeFile(file, JSON.stringify(value));
      const fromBundle = await outcome(bundled.readRegistry(file, 'registry.json'));
      expect(fromBundle).toEqual(await outcome(readRegistry(file, 'registry.json')));
      expect('ok' in fromBundle).toBe(name === 'good');
    }
    // One partition table: setPartitionInfo through the SDK's barrel (a lazily loaded chunk) reaches the deep import.
    expect(await bundled.partitionAfterSetPartitionInfo('probe-1')).toBe('aws-probe');
    expect(await srcPartitionAfter('probe-1')).toBe('aws-probe');
  }, 120_000);
});
