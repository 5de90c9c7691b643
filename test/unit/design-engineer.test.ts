import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { slugify } from '../../src/design/architect.js';
import { loadCatalogue, resolveKind, withDefaults } from '../../src/design/catalogue.js';
import { parseDesign, validateDesign, type NamingContext } from '../../src/design/design-file.js';
import { inferResources, loadKeywordTable } from '../../src/design/keywords.js';
import { hclNamePattern, resourceName } from '../../src/design/naming.js';
import { renderTemplate, textValues } from '../../src/design/text-template.js';
import { declarations } from '../../src/engineer/declarations.js';
import { inspectGenerated, withHeader } from '../../src/engineer/generated-file.js';
import { hclLiteral } from '../../src/engineer/hcl.js';
import { placeholderPackage, storedZip } from '../../src/engineer/placeholder-zip.js';
import { tempDir } from '../support/cli.js';

const naming: NamingContext = { pattern: '{project}-{subsystem}-{environment}-{resource}', project: 'shop', subsystem: 'core', environments: ['test', 'prod'] };

describe('slugs and names', () => {
  it('slugifies feature text at word boundaries', () => {
    expect(slugify('User uploads!')).toBe('user-uploads');
    expect(slugify('  3 APIs for the Checkout/Payments flow ')).toBe('apis-for-the-checkout-payments-flow');
    expect(slugify('a very long feature description that keeps going well past the limit of a slug')).toBe('a-very-long-feature-description-that-keeps-going');
    expect(slugify('123 !!!')).toBeUndefined();
  });

  it('names resources by the pattern, and writes the pattern as HCL with {resource} left for each file', () => {
    expect(resourceName(naming.pattern, { project: 'shop', subsystem: 'core', environment: 'test', resource: 'uploads' })).toBe('shop-core-test-uploads');
    expect(resourceName('{resource}.{environment}', { project: 'p', subsystem: 's', environment: 'prod', resource: 'db' })).toBe('db.prod');
    expect(hclNamePattern(naming.pattern)).toBe('"${var.project}-${var.subsystem}-${local.environment}-{resource}"');
    expect(hclNamePattern('{environment}_"x"_${y}_{resource}')).toBe('"${local.environment}_\\"x\\"_$${y}_{resource}"');
  });

  it('renders values as HCL literals', () => {
    expect(hclLiteral('a"b${c}\\')).toBe('"a\\"b$${c}\\\\"');
    expect(hclLiteral(null)).toBe('null');
    expect(hclLiteral([1, 'x', true])).toBe('[1, "x", true]');
    expect(hclLiteral({ test: 'test', 'my-env': 'e' })).toBe('{ "test" = "test", "my-env" = "e" }');
  });
});

describe('keyword table', () => {
  it('starts a design with the documented defaults', async () => {
    const table = await loadKeywordTable(await loadCatalogue());
    const kinds = (text: string) => inferResources(table, text).map((r) => `${r.kind}:${r.name}`);
    expect(kinds('user uploads')).toEqual(['s3_bucket:uploads']);
    expect(kinds('A public API')).toEqual(['lambda_function:api-handler', 'http_api:api']);
    expect(kinds('nightly jobs')).toEqual(['sqs_queue:jobs', 'lambda_function:worker']);
    expect(kinds('a table of orders')).toEqual(['dynamodb_table:items']);
    expect(kinds('marketing website')).toEqual(['s3_bucket:site', 'cloudfront_distribution:cdn']);
    expect(kinds('Postgres reporting')).toEqual(['rds_instance:db']);
    // The director hands a build request over as the feature ("set up a bucket for avatars").
    expect(kinds('bucket for avatars')).toEqual(['s3_bucket:uploads']);
    expect(kinds('sns topic for deployment notices')).toEqual(['sns_topic:events']);
    expect(kinds('quarterly reconciliation')).toEqual([]);
    // Whole words only: "rapid" holds "api", "restore" holds "rest" and "store".
    expect(kinds('rapid restore')).toEqual([]);
    const jobs = inferResources(table, 'queue the jobs');
    expect(jobs[1]).toMatchObject({ settings: { sqs_trigger: 'jobs' }, matched: ['queue', 'jobs'] });
  });

  it('only names kinds of the catalogue, and every wired reference points inside its own rule', async () => {
    const catalogue = await loadCatalogue();
    const table = await loadKeywordTable(catalogue);
    for (const rule of table.rules) {
      const names = new Map(rule.resources.map((r) => [r.name, r.kind]));
      for (const r of rule.resources) {
        const design = { faber_cloud_design: 1, slug: 'x', title: 'x', feature: 'x', created_at: 'now', resources: rule.resources.map((x) => ({ ...x, settings: x.settings ?? {} })) };
        expect(() => validateDesign(design, 'rule', catalogue, naming), rule.keywords[0]).not.toThrow();
        for (const [key, value] of Object.entries(r.settings ?? {})) {
          if (catalogue.kinds[r.kind]?.settings[key]?.type === 'ref') expect(names.has(String(value)), `${r.name}.${key}`).toBe(true);
        }
      }
    }
  });
});

describe('design front matter', () => {
  const text = (fm: unknown) => `---\n${JSON.stringify(fm, null, 2)}\n---\n\n# body\n`;
  const base = { faber_cloud_design: 1, slug: 'x', title: 'X', feature: 'x', created_at: '2026-01-01T00:00:00Z' };

  it('parses a valid design and keeps the body', async () => {
    const { design, body } = parseDesign(text({ ...base, resources: [{ kind: 's3_bucket', name: 'files', settings: { versioning: false } }] }), 'd.md', await loadCatalogue(), naming);
    expect(design.resources).toEqual([{ kind: 's3_bucket', name: 'files', settings: { versioning: false } }]);
    expect(body).toBe('\n# body\n');
  });

  it('names every failing field', async () => {
    const catalogue = await loadCatalogue();
    const problems = (fm: unknown): { path: string; message: string }[] => {
      try {
        parseDesign(text(fm), 'd.md', catalogue, naming);
      } catch (error) {
        return (error as { details: { problems: { path: string; message: string }[] } }).details.problems;
      }
      throw new Error('expected a problem');
    };
    expect(problems({ ...base, resources: [{ kind: 's3_bucket', name: 'files', settings: { versoning: true } }] })).toEqual([
      { path: 'resources[0].settings.versoning', message: "unknown key, did you mean 'versioning'?" },
    ]);
    expect(problems({ ...base, resources: [{ kind: 'lambda_function', name: 'fn', settings: { memory_mb: 64, runtime: 'ruby' } }] }).map((p) => p.path)).toEqual([
      'resources[0].settings.runtime',
      'resources[0].settings.memory_mb',
    ]);
    expect(problems({ ...base, resources: [{ kind: 'cloudfront_distribution', name: 'cdn', settings: {} }] })).toEqual([
      { path: 'resources[0].settings.origin_bucket', message: 'is required (string)' },
    ]);
    expect(problems({ ...base, resourcess: [] }).map((p) => p.path)).toEqual(['resourcess', 'resources']);
    expect(problems({ ...base, slug: 'Bad Slug', resources: [] })[0]?.path).toBe('slug');
    expect(() => parseDesign('# no front matter\n', 'd.md', catalogue, naming)).toThrow(/d\.md: front matter \(front matter\): the file must start with a '---' line/);
    expect(() => parseDesign('---\n{}\n', 'd.md', catalogue, naming)).toThrow(/no closing '---' line/);
  });

  it('fills catalogue defaults, including templated ones, and keeps explicit nulls off', async () => {
    const catalogue = await loadCatalogue();
    expect(withDefaults(catalogue.kinds.lambda_function!, 'worker', {})).toMatchObject({ package: 'lambda/worker.zip', memory_mb: 256, sqs_trigger: null });
    expect(withDefaults(catalogue.kinds.s3_bucket!, 'b', { noncurrent_expiration_days: null })).toMatchObject({ noncurrent_expiration_days: null, versioning: true });
    expect(resolveKind(catalogue, 'Lambda')).toBe('lambda_function');
    expect(resolveKind(catalogue, 'api-gateway')).toBe('http_api');
    expect(resolveKind(catalogue, 'mainframe')).toBeUndefined();
  });
});

describe('template language', () => {
  it('replaces keys, keeps or drops nested sections, and refuses unknown keys', () => {
    const values = textValues({ a: 'A', on: 'yes', off: '' });
    const template = ['x {{a}}', '{{#if on}}', 'on', '{{#if off}}', 'on-off', '{{/if}}', '{{#unless off}}', 'on-not-off', '{{/unless}}', '{{/if}}', 'end'].join('\n');
    expect(renderTemplate(template, values, 't')).toBe(['x A', 'on', 'on-not-off', 'end'].join('\n'));
    expect(() => renderTemplate('{{b}}', values, 't')).toThrow("t:1: unknown key 'b'");
    expect(() => renderTemplate('{{#if on}}\nx', values, 't')).toThrow('t:1: section never closed');
    expect(() => renderTemplate('{{/if}}', values, 't')).toThrow('without its');
  });
});

describe('generated files', () => {
  it('carry their origin and a hash; an edit or a removed header is detected', () => {
    const text = withHeader({ kind: 'design', slug: 'user-uploads' }, 'resource "x" "y" {}\n');
    expect(inspectGenerated(text)).toMatchObject({ generated: true, origin: { kind: 'design', slug: 'user-uploads' }, edited: false });
    expect(inspectGenerated(text.replace('"y"', '"z"'))).toMatchObject({ generated: true, edited: true });
    expect(inspectGenerated(text.split('\n').slice(2).join('\n'))).toEqual({ generated: false });
    expect(inspectGenerated(withHeader({ kind: 'shared' }, 'locals {}\n'))).toMatchObject({ generated: true, origin: { kind: 'shared' }, edited: false });
  });

  it('lists top-level declarations of formatted HCL', () => {
    const hcl = [
      'variable "project" {',
      '  default = "{"',
      '}',
      'locals {',
      '  a = 1',
      '  b = {',
      '    nested = 2',
      '  }',
      '}',
      'resource "aws_s3_bucket" "b" {',
      '  policy = <<EOT',
      'resource "fake" "inside" {}',
      'EOT',
      '}',
      'data "aws_vpc" "v" {}',
      'provider "aws" {}',
      'output "o" { value = 1 }',
      '# resource "commented" "out" {}',
    ].join('\n');
    expect([...declarations(hcl)].sort()).toEqual(['aws_s3_bucket.b', 'data.aws_vpc.v', 'local.a', 'local.b', 'output.o', 'provider.aws', 'var.project']);
  });
});

describe('placeholder Lambda package', () => {
  it('is a valid, deterministic zip holding the handler file', async () => {
    const zip = placeholderPackage('python3.12', 'index.handler', 'worker');
    expect(placeholderPackage('python3.12', 'index.handler', 'worker').equals(zip)).toBe(true);
    const file = path.join(await tempDir('faber-zip-'), 'p.zip');
    await writeFile(file, zip);
    // Checked by Python's zipfile (CRC included), not by the code that wrote it.
    const listing = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; [print(n, z.read(n).decode()) for n in z.namelist()]', file], { encoding: 'utf8' });
    expect(listing).toMatch(/^index\.py # placeholder for worker/);
    expect(listing).toContain('def handler(event, context):');
    const node = storedZip([{ name: 'a.txt', content: 'x' }, { name: 'dir/b.txt', content: 'yy' }]);
    await writeFile(file, node);
    expect(execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(z.namelist())', file], { encoding: 'utf8' }).trim()).toBe("['a.txt', 'dir/b.txt']");
    expect(placeholderPackage('nodejs22.x', 'app.main', 'api').toString('utf8')).toContain('export const main = async');
  });

  it('has the same bytes whatever the clock and time zone: entries dated 1980-01-01 00:00, mode 0644, stored', async () => {
    const zipAt = (tz: string, now: string) => {
      const saved = process.env.TZ;
      process.env.TZ = tz;
      vi.useFakeTimers({ now: new Date(now), toFake: ['Date'] });
      try {
        return placeholderPackage('nodejs22.x', 'index.handler', 'api');
      } finally {
        vi.useRealTimers();
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    };
    const zip = zipAt('UTC', '2026-01-01T00:00:00Z');
    expect(zipAt('Pacific/Kiritimati', '2031-06-15T12:34:56Z').equals(zip)).toBe(true);
    expect(zipAt('America/Los_Angeles', '2026-01-01T00:00:00Z').equals(zip)).toBe(true);
    const file = path.join(await tempDir('faber-zip-'), 'p.zip');
    await writeFile(file, zip);
    const info = execFileSync('python3', ['-c', 'import sys, zipfile; i = zipfile.ZipFile(sys.argv[1]).infolist()[0]; print(i.filename, i.date_time, oct(i.external_attr >> 16), i.create_system, i.compress_type)', file], { encoding: 'utf8' });
    expect(info.trim()).toBe('index.mjs (1980, 1, 1, 0, 0, 0) 0o100644 3 0');
  });
});
