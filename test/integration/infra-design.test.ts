import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, snapshotTree, tempDir } from '../support/cli.js';

/**
 * `infra architect` and `infra engineer` through the built CLI: designs, naming, refusals,
 * and re-runs that never clobber hand edits. No cloud and no IaC binary are needed.
 */

const DESIGNS = '.fractary/plugins/faber-cloud/designs';
const TF = 'infrastructure/terraform';

async function project(name = 'shop'): Promise<{ dir: string; cli: (args: string[]) => ReturnType<typeof runCli>; read: (file: string) => Promise<string> }> {
  const dir = await tempDir('faber-design-');
  const cli = (args: string[]) => runCli(args, { cwd: dir });
  const init = await cli(['init', '--project', name, '--account-id', '123456789012', '--json']);
  if (init.code !== 0) throw new Error(init.stdout + init.stderr);
  return { dir, cli, read: (file) => readFile(path.join(dir, file), 'utf8') };
}

function frontMatter(text: string): any {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!match) throw new Error('no front matter');
  return JSON.parse(match[1]!);
}

async function editFrontMatter(dir: string, slug: string, edit: (fm: any) => void): Promise<void> {
  const file = path.join(dir, DESIGNS, `${slug}.md`);
  const text = await readFile(file, 'utf8');
  const fm = frontMatter(text);
  edit(fm);
  await writeFile(file, text.replace(/^---\n[\s\S]*?\n---\n/, `---\n${JSON.stringify(fm, null, 2)}\n---\n`));
}

describe('infra architect', () => {
  it('writes a design from the feature text: resources from keywords, names per environment, every section', async () => {
    const p = await project();
    const run = await p.cli(['infra', 'architect', '--feature', 'User uploads and background jobs', '--json']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json.data).toMatchObject({ slug: 'user-uploads-and-background-jobs', source: 'keywords', file: `${DESIGNS}/user-uploads-and-background-jobs.md` });
    const text = await p.read(`${DESIGNS}/user-uploads-and-background-jobs.md`);
    const fm = frontMatter(text);
    expect(fm.resources.map((r: any) => `${r.kind}:${r.name}`)).toEqual(['s3_bucket:uploads', 'sqs_queue:jobs', 'lambda_function:worker']);
    // The queue feeds the worker: the keyword table wires them, and the data flow says so.
    expect(fm.resources[2].settings).toMatchObject({ sqs_trigger: 'jobs', runtime: 'python3.12', package: 'lambda/worker.zip' });
    expect(text).toContain('`jobs` delivers its messages to `worker`');
    expect(run.json.data.resources[0].names).toEqual({ test: 'shop-core-test-uploads', prod: 'shop-core-prod-uploads' });
    expect(text).toContain('| `uploads` | s3_bucket | `shop-core-test-uploads` | `shop-core-prod-uploads` |');
    for (const heading of ['## Requirements', '## AWS services and why', '## Resources', '## Data flow', '## Security', '### Encryption', '### IAM', '### Network', '## Cost estimate', '## Open questions']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('<!-- agent:');
  });

  it('takes requirements from a file, resources from --resource and settings from --set, named by a custom pattern', async () => {
    const p = await project();
    const config = JSON.parse(await p.read('.fractary/plugins/faber-cloud/config/devops.json'));
    config.resource_naming.pattern = '{environment}-{project}-{resource}';
    await writeFile(path.join(p.dir, '.fractary/plugins/faber-cloud/config/devops.json'), JSON.stringify(config));
    await writeFile(path.join(p.dir, 'req.md'), '# Order history\n\nCustomers see their past orders within 200 ms.\n');
    const run = await p.cli(['infra', 'architect', '--from-file', 'req.md', '--resource', 'dynamodb:orders', '--resource', 'sns_topic:order-events', '--set', 'orders.range_key=placed_at', '--set', 'order-events.encrypted=false', '--json']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json.data).toMatchObject({ slug: 'order-history', title: 'Order history', source: 'explicit' });
    const text = await p.read(`${DESIGNS}/order-history.md`);
    expect(text).toContain('Customers see their past orders within 200 ms.');
    const fm = frontMatter(text);
    expect(fm.resources).toEqual([
      { kind: 'dynamodb_table', name: 'orders', settings: { hash_key: 'id', hash_key_type: 'S', range_key: 'placed_at', range_key_type: 'S', point_in_time_recovery: true } },
      { kind: 'sns_topic', name: 'order-events', settings: { encrypted: false } },
    ]);
    expect(run.json.data.resources[1].names).toEqual({ test: 'test-shop-order-events', prod: 'prod-shop-order-events' });
  });

  it('refuses to overwrite a design without --force (exit 3, file untouched) and replaces it with --force', async () => {
    const p = await project();
    expect((await p.cli(['infra', 'architect', '--feature', 'user uploads'])).code).toBe(0);
    const before = await snapshotTree(path.join(p.dir, DESIGNS));
    const again = await p.cli(['infra', 'architect', '--feature', 'user uploads', '--resource', 'sns:events', '--json']);
    expect(again.code).toBe(3);
    expect(again.json.error).toMatchObject({ code: 'E_GUARD_DESIGN_EXISTS' });
    expect(again.json.error.message).toContain(`${DESIGNS}/user-uploads.md already exists`);
    expect(again.json.error.hint).toContain('--force');
    expect(await snapshotTree(path.join(p.dir, DESIGNS))).toEqual(before);
    const forced = await p.cli(['infra', 'architect', '--feature', 'user uploads', '--resource', 'sns:events', '--force', '--json']);
    expect(forced.code).toBe(0);
    expect(forced.json.data.replaced).toBe(true);
    expect(frontMatter(await p.read(`${DESIGNS}/user-uploads.md`)).resources.map((r: any) => r.kind)).toEqual(['sns_topic']);
  });

  it('rejects bad input with exit 2 and a message naming it, writing nothing', async () => {
    const p = await project('a-rather-long-project-name');
    const cases: [string[], string, RegExp][] = [
      [['--feature', 'the quarterly reconciliation'], 'E_DESIGN_NO_RESOURCES', /no resource kinds recognised/],
      [['--feature', 'x', '--resource', 'mainframe:big'], 'E_USAGE', /--resource mainframe:big: unknown kind 'mainframe'/],
      [['--feature', 'x', '--resource', 'uploads'], 'E_USAGE', /expected kind:name/],
      [['--feature', 'x', '--resource', 's3:files', '--set', 'files.colour=blue'], 'E_USAGE', /a s3_bucket has no setting 'colour'/],
      [['--feature', 'x', '--resource', 's3:files', '--set', 'files.versioning=maybe'], 'E_DESIGN_INVALID', /resources\[0\]\.settings\.versioning: expected boolean/],
      [['--feature', 'x', '--resource', 'lambda:fn', '--set', 'fn.sqs_trigger=jobs'], 'E_DESIGN_INVALID', /resources\[0\]\.settings\.sqs_trigger: 'jobs' is not a sqs_queue in this design/],
      [['--feature', 'x', '--resource', 's3:files', '--resource', 'sns:files'], 'E_DESIGN_INVALID', /resources\[1\]\.name: 'files' is already the name of resources\[0\]/],
      [['--feature', 'x', '--resource', 's3:customer-uploads-archive-bucket'], 'E_DESIGN_INVALID', /resources\[0\]\.name: gives 'a-rather-long-project-name-core-test-customer-uploads-archive-bucket' in environment test: 68 characters, a s3_bucket allows 63/],
      [['--feature', 'x', '--resource', 's3:Files'], 'E_DESIGN_INVALID', /resources\[0\]\.name: must be lowercase/],
      [['--from-file', 'missing.md'], 'E_USAGE', /--from-file missing.md: no such file/],
      [['--list', '--feature', 'x'], 'E_USAGE', /--list and --feature cannot be combined/],
      [['--kinds', '--resource', 's3:files'], 'E_USAGE', /--kinds and --resource cannot be combined/],
      [['--list', '--kinds'], 'E_USAGE', /--list and --kinds cannot be combined/],
      [[], 'E_USAGE', /--feature/],
    ];
    for (const [args, code, message] of cases) {
      const run = await p.cli(['infra', 'architect', ...args, '--json']);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.json.error.code, args.join(' ')).toBe(code);
      expect(run.json.error.message, args.join(' ')).toMatch(message);
    }
    expect(existsSync(path.join(p.dir, DESIGNS))).toBe(false);
  });

  it('lists designs with slug, title, resource count and modified time, and flags an invalid one', async () => {
    const p = await project();
    expect((await p.cli(['infra', 'architect', '--list'])).stdout).toContain('No designs');
    await p.cli(['infra', 'architect', '--feature', 'user uploads']);
    await p.cli(['infra', 'architect', '--feature', 'an api with a table']);
    await editFrontMatter(p.dir, 'user-uploads', (fm) => {
      fm.resources[0].settings.versioning = 'yes';
    });
    const list = await p.cli(['infra', 'architect', '--list', '--json']);
    expect(list.code).toBe(0);
    const bySlug = Object.fromEntries(list.json.data.designs.map((d: any) => [d.slug, d]));
    expect(bySlug['an-api-with-a-table']).toMatchObject({ title: 'An api with a table', resources: 3 });
    expect(bySlug['an-api-with-a-table'].modified).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(bySlug['user-uploads'].error.message).toMatch(/resources\[0\]\.settings\.versioning: expected boolean/);
    const human = await p.cli(['infra', 'architect', '--list']);
    expect(human.stdout).toMatch(/an-api-with-a-table\s.*An api with a table\s.*3/);
    expect(human.stdout).toContain('2 designs');
  });

  it('lists the catalogue kinds with their settings', async () => {
    const p = await project();
    const kinds = await p.cli(['infra', 'architect', '--kinds', '--json']);
    expect(kinds.json.data.kinds.map((k: any) => k.kind)).toEqual(['s3_bucket', 'lambda_function', 'dynamodb_table', 'sqs_queue', 'sns_topic', 'http_api', 'cloudfront_distribution', 'ecs_service', 'rds_instance', 'iam_role']);
    expect(kinds.json.data.kinds[0].settings.find((s: any) => s.name === 'versioning')).toMatchObject({ type: 'boolean', default: true });
  });
});

describe('infra engineer', () => {
  it('generates one file per resource plus the shared files, each marked as generated, and a placeholder package', async () => {
    const p = await project();
    await p.cli(['infra', 'architect', '--feature', 'api', '--resource', 'lambda:handler', '--resource', 'http_api:api', '--set', 'api.target_function=handler']);
    const run = await p.cli(['infra', 'engineer', '--design', 'api', '--json']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json.data.files).toEqual([
      { file: `${TF}/faber-cloud.tf`, status: 'created' },
      { file: `${TF}/faber-cloud.provider.tf`, status: 'created' },
      { file: `${TF}/lambda_function.handler.tf`, status: 'created' },
      { file: `${TF}/http_api.api.tf`, status: 'created' },
    ]);
    expect(run.json.data.packages).toEqual([{ file: `${TF}/lambda/handler.zip`, status: 'created', function: 'handler' }]);
    const fn = await p.read(`${TF}/lambda_function.handler.tf`);
    expect(fn.split('\n')[0]).toMatch(/^# Generated by faber-cloud from designs\/api\.md and rewritten by `faber-cloud infra engineer --design api`/);
    expect(fn.split('\n')[1]).toMatch(/^# faber-cloud-sha256: [0-9a-f]{64}$/);
    expect(fn).toContain('handler_name = replace(local.name_pattern, "{resource}", "handler")');
    expect(fn).toContain('tags             = local.tags');
    expect(await p.read(`${TF}/http_api.api.tf`)).toContain('integration_uri        = aws_lambda_function.handler.invoke_arn');
    const shared = await p.read(`${TF}/faber-cloud.tf`);
    expect(shared).toContain('name_pattern = "${var.project}-${var.subsystem}-${local.environment}-{resource}"');
    expect(shared).toContain('workspace_environments = { "test" = "test", "prod" = "prod" }');
    expect(shared).toMatch(/ManagedBy\s+= "faber-cloud"/);
  });

  it('re-runs report unchanged and touch nothing', async () => {
    const p = await project();
    await p.cli(['infra', 'architect', '--feature', 'user uploads']);
    await p.cli(['infra', 'engineer', '--design', 'user-uploads']);
    const before = await snapshotTree(path.join(p.dir, TF));
    const again = await p.cli(['infra', 'engineer', '--design', 'user-uploads', '--json']);
    expect(again.code).toBe(0);
    expect(again.json.data.changed).toBe(false);
    expect(again.json.data.files.map((f: any) => f.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(await snapshotTree(path.join(p.dir, TF))).toEqual(before);
    expect((await p.cli(['infra', 'engineer', '--design', 'user-uploads'])).stdout).toContain('Nothing changed.');
  });

  it('refuses to overwrite a hand-edited generated file (exit 3, names it, writes nothing); --force overwrites it', async () => {
    const p = await project();
    await p.cli(['infra', 'architect', '--feature', 'user uploads and events']);
    await p.cli(['infra', 'engineer', '--design', 'user-uploads-and-events']);
    const bucketFile = path.join(p.dir, TF, 's3_bucket.uploads.tf');
    const generated = await readFile(bucketFile, 'utf8');
    await writeFile(bucketFile, generated.replace('force_destroy = false', 'force_destroy = true'));
    // A design change that would rewrite another file must not be half-applied.
    await editFrontMatter(p.dir, 'user-uploads-and-events', (fm) => {
      fm.resources[1].settings.encrypted = false;
    });
    const before = await snapshotTree(path.join(p.dir, TF));
    const refused = await p.cli(['infra', 'engineer', '--design', 'user-uploads-and-events', '--json']);
    expect(refused.code).toBe(3);
    expect(refused.json.error.code).toBe('E_GUARD_HAND_EDITED');
    expect(refused.json.error.message).toContain(`${TF}/s3_bucket.uploads.tf`);
    expect(refused.json.error.hint).toMatch(/--force/);
    expect(await snapshotTree(path.join(p.dir, TF))).toEqual(before);

    const forced = await p.cli(['infra', 'engineer', '--design', 'user-uploads-and-events', '--force', '--json']);
    expect(forced.code).toBe(0);
    const statuses = Object.fromEntries(forced.json.data.files.map((f: any) => [path.basename(f.file), f.status]));
    expect(statuses).toMatchObject({ 's3_bucket.uploads.tf': 'overwritten', 'sns_topic.events.tf': 'updated', 'faber-cloud.tf': 'unchanged' });
    expect(await readFile(bucketFile, 'utf8')).toBe(generated);
  });

  it('leaves a file alone once its header is removed (it is yours), and says so', async () => {
    const p = await project();
    await p.cli(['infra', 'architect', '--feature', 'user uploads']);
    await p.cli(['infra', 'engineer', '--design', 'user-uploads']);
    const bucketFile = path.join(p.dir, TF, 's3_bucket.uploads.tf');
    const mine = `${(await readFile(bucketFile, 'utf8')).split('\n').slice(2).join('\n')}# my note\n`;
    await writeFile(bucketFile, mine);
    const run = await p.cli(['infra', 'engineer', '--design', 'user-uploads', '--force', '--json']);
    expect(run.code).toBe(0);
    expect(run.json.data.files.find((f: any) => f.file.endsWith('s3_bucket.uploads.tf'))).toMatchObject({ status: 'kept', reason: expect.stringContaining('no faber-cloud header') });
    expect(await readFile(bucketFile, 'utf8')).toBe(mine);
  });

  it('follows design changes: a changed setting rewrites its file, a removed resource loses its file', async () => {
    const p = await project();
    await p.cli(['infra', 'architect', '--feature', 'user uploads and events']);
    await p.cli(['infra', 'engineer', '--design', 'user-uploads-and-events']);
    await editFrontMatter(p.dir, 'user-uploads-and-events', (fm) => {
      fm.resources = fm.resources.filter((r: any) => r.kind !== 'sns_topic');
      fm.resources[0].settings.versioning = false;
    });
    const run = await p.cli(['infra', 'engineer', '--design', 'user-uploads-and-events', '--json']);
    expect(run.code, run.stdout).toBe(0);
    const statuses = Object.fromEntries(run.json.data.files.map((f: any) => [path.basename(f.file), f.status]));
    expect(statuses).toEqual({ 'faber-cloud.tf': 'unchanged', 'faber-cloud.provider.tf': 'unchanged', 's3_bucket.uploads.tf': 'updated', 'sns_topic.events.tf': 'removed' });
    expect(existsSync(path.join(p.dir, TF, 'sns_topic.events.tf'))).toBe(false);
    expect(await p.read(`${TF}/s3_bucket.uploads.tf`)).not.toContain('aws_s3_bucket_versioning');
  });

  it('reports an invalid design by the failing field (exit 2) and a missing one, writing nothing', async () => {
    const p = await project();
    await p.cli(['infra', 'architect', '--feature', 'background jobs']);
    await editFrontMatter(p.dir, 'background-jobs', (fm) => {
      fm.resources[1].settings.memory_mb = 'lots';
      fm.resources[0].kind = 'sqs_queu';
    });
    const run = await p.cli(['infra', 'engineer', '--design', 'background-jobs', '--json']);
    expect(run.code).toBe(2);
    expect(run.json.error.code).toBe('E_DESIGN_INVALID');
    expect(run.json.error.message).toMatch(/^\.fractary\/plugins\/faber-cloud\/designs\/background-jobs\.md: front matter resources\[0\]\.kind: unknown kind 'sqs_queu', did you mean 'sqs_queue'\?/);
    expect(run.json.error.details.problems).toContainEqual({ path: 'resources[1].settings.memory_mb', message: 'expected number, got a string' });
    const human = await p.cli(['infra', 'engineer', '--design', 'background-jobs']);
    expect(human.stderr).toContain('resources[1].settings.memory_mb: expected number, got a string');
    // Broken JSON is located by line.
    const file = path.join(p.dir, DESIGNS, 'background-jobs.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"faber_cloud_design": 1,', '"faber_cloud_design": 1'));
    expect((await p.cli(['infra', 'engineer', '--design', 'background-jobs', '--json'])).json.error.message).toMatch(/invalid JSON at line 4/);
    const missing = await p.cli(['infra', 'engineer', '--design', 'nothing-here', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.json.error.code).toBe('E_DESIGN_NOT_FOUND');
    expect(existsSync(path.join(p.dir, TF))).toBe(false);
  });

  it('refuses a resource another design already generates, and declarations that clash with your files (exit 2)', async () => {
    const p = await project();
    await p.cli(['infra', 'architect', '--feature', 'user uploads']);
    await p.cli(['infra', 'architect', '--feature', 'media library', '--resource', 's3:uploads']);
    expect((await p.cli(['infra', 'engineer', '--design', 'user-uploads'])).code).toBe(0);
    const clash = await p.cli(['infra', 'engineer', '--design', 'media-library', '--json']);
    expect(clash.code).toBe(2);
    expect(clash.json.error.code).toBe('E_ENGINEER_CONFLICT');
    expect(clash.json.error.message).toContain(`${TF}/s3_bucket.uploads.tf is generated from designs/user-uploads.md`);

    // The same logical name in another kind clashes on its local name.
    await p.cli(['infra', 'architect', '--feature', 'notices', '--resource', 'sns:uploads']);
    const local = await p.cli(['infra', 'engineer', '--design', 'notices', '--json']);
    expect(local.json.error.message).toMatch(/local\.uploads_name is declared in both/);

    await writeFile(path.join(p.dir, TF, 'main.tf'), 'variable "project" {\n  type = string\n}\n');
    await rm(path.join(p.dir, TF, 'faber-cloud.tf'));
    const mine = await p.cli(['infra', 'engineer', '--design', 'user-uploads', '--json']);
    expect(mine.code).toBe(2);
    expect(mine.json.error.message).toMatch(/var\.project is declared in both infrastructure\/terraform\/faber-cloud\.tf and infrastructure\/terraform\/main\.tf/);
    expect(existsSync(path.join(p.dir, TF, 'faber-cloud.tf'))).toBe(false);
  });

  it('skips its provider file when your own files configure provider "aws"', async () => {
    const p = await project();
    await p.cli(['infra', 'architect', '--feature', 'user uploads']);
    await mkdir(path.join(p.dir, TF), { recursive: true });
    await writeFile(path.join(p.dir, TF, 'providers.tf'), 'provider "aws" {\n  region = "eu-west-1"\n}\n');
    const run = await p.cli(['infra', 'engineer', '--design', 'user-uploads', '--json']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json.data.files).toContainEqual({ file: `${TF}/faber-cloud.provider.tf`, status: 'skipped', reason: `provider "aws" is configured in ${TF}/providers.tf` });
    expect(existsSync(path.join(p.dir, TF, 'faber-cloud.provider.tf'))).toBe(false);
  });
});
