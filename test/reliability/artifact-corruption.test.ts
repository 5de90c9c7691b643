import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { IAMClient, ListPoliciesCommand } from '@aws-sdk/client-iam';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';
import { ARTIFACTS, type ArtifactAccess, type ArtifactName, type ArtifactSpec } from '../../src/artifacts/catalogue.js';
import { projectPaths } from '../../src/core/paths.js';
import { auditEntry, damaged, notApplicable, SAMPLES } from '../support/artifact-samples.js';
import { REPO_ROOT, tempDir } from '../support/cli.js';
import { MOTO_REGION, resetMoto } from '../support/moto.js';
import { createProject, historyLines, type TestProject } from '../support/project.js';
import { CellTally, exampleArgv } from './support/cells.js';

/**
 * Reliability class `artifact-corruption` (issue 13, defect 4 and 6): every artifact of the
 * catalogue (src/artifacts/catalogue.ts) x every way to damage it (truncated, wrong types, valid
 * JSON that is not a record, a newer schema_version) x every command that reads or writes it
 * -> exit 2 with the artifact's code under --json, the damaged file byte-for-byte untouched,
 * nothing else in the project changed, and for deploy, destroy and grant nothing changed in
 * the cloud (moto).
 *
 * One real project is deployed once (an S3 bucket that stays) and given a pending change
 * (a second bucket): a deploy that got past the check would create that bucket, a destroy
 * would delete the first. The damaged artifact is restored between cells. The last test is
 * the control: with every artifact intact, the same deploy does apply.
 */

const tally = new CellTally('artifact-corruption');

const KEPT = 'life-core-test-kept';
const PENDING = 'life-core-test-cells';

/** Buckets that pass the pre-deploy gate (public access block, encryption), as in the tested-app fixture. */
const MAIN_TF = (withPending: boolean) => `
locals {
  buckets = toset(${JSON.stringify(withPending ? [KEPT, PENDING] : [KEPT])})
  tags    = { Project = "life", Environment = terraform.workspace, ManagedBy = "faber-cloud" }
}
resource "aws_s3_bucket" "b" {
  for_each      = local.buckets
  bucket        = each.key
  force_destroy = true
  tags          = local.tags
}
resource "aws_s3_bucket_public_access_block" "b" {
  for_each                = aws_s3_bucket.b
  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  for_each = aws_s3_bucket.b
  bucket   = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
`;

/** Which commands exist, and the command line that makes each reach the artifact (env `test`). */
const byName = new Map(commands.map((c) => [c.path.join(' '), c]));
const PLAN_PLACEHOLDER = '{plan}';

function invocation(command: string, artifactName: ArtifactName, access: ArtifactAccess): string[] {
  const def = byName.get(command);
  if (!def) throw new Error(`no command ${command}`);
  const special: Record<string, string[]> = {
    // the learning mode that writes the issue log; diagnosing --env reads the history
    'infra debug/issue-log': ['infra', 'debug', '--record-outcome', 's3-bucket-rename', 'success'],
    'infra test/registry': ['infra', 'test', '--env', 'test', '--phase', 'post'],
    'ops remediate/*': ['ops', 'remediate', '--env', 'test', '--action', 'restart-service', '--target', 'life-core-test-api', '--apply'],
    'ops investigate/*': ['ops', 'investigate', '--env', 'test', '--issue', '500 errors'],
    'permissions grant/*': ['permissions', 'grant', '--env', 'test', '--action', 's3:CreateBucket', '--resource', `arn:aws:s3:::${PENDING}`, '--reason', 'cells'],
  };
  const argv = special[`${command}/${artifactName}`] ?? special[`${command}/*`] ?? exampleArgv(def, def.options?.some((o) => o.flags.startsWith('--env')) ? { '--env': 'test' } : {});
  if (access === 'read-named' && artifactName === 'plans') argv.push('--plan', PLAN_PLACEHOLDER);
  return [...argv, '--json'];
}

/** The cells of one artifact: each command that reads or writes it (from the catalogue's usedBy). */
function commandsOf(spec: ArtifactSpec): { command: string; access: ArtifactAccess }[] {
  return Object.entries(spec.usedBy)
    .filter(([, access]) => access === 'read' || access === 'write' || access === 'read-named')
    .map(([command, access]) => ({ command, access }));
}

/** Artifacts with no cell, and why (asserted: everything else in the catalogue has cells). */
const NO_CELLS: Partial<Record<ArtifactName, string>> = {
  'deployed-md': 'generated from the registry and history and replaced whole; never read back',
  incidents: 'each investigation writes new files; none is read back (validator covered by unit tests)',
};

const TABLE = ARTIFACTS.filter((a) => !(a.name in NO_CELLS)).map((spec) => ({ spec, commands: commandsOf(spec) }));

/** Every file under the project except the IaC tool's provider cache: content and mtime. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(d: string): Promise<void> {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (entry.name === '.terraform') continue;
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out[path.relative(dir, full)] = `${(await stat(full)).mtimeMs}:${await readFile(full, 'utf8')}`;
    }
  }
  await walk(dir);
  return out;
}

describe('artifact corruption: every artifact x corruption x command -> exit 2 before any change', () => {
  let p: TestProject;
  let s3: S3Client;
  let iam: IAMClient;
  let planId: string;
  /** The valid content each damaged file is made from: the deployed project's own, else a sample. */
  const base = new Map<ArtifactName, { file: string; text: string; genuine: boolean }>();

  const bucketExists = (bucket: string) => s3.send(new HeadBucketCommand({ Bucket: bucket })).then(() => true, () => false);
  const customerPolicies = async () => (await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies?.length ?? 0;

  beforeAll(async () => {
    await resetMoto();
    const fixture = await tempDir('faber-corruption-fixture-');
    await cp(path.join(REPO_ROOT, 'test', 'fixtures', 'terraform', 'autofix-s3', 'provider.tf'), path.join(fixture, 'provider.tf'));
    await writeFile(path.join(fixture, 'main.tf'), MAIN_TF(false));
    p = await createProject(fixture);
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    s3 = new S3Client({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, forcePathStyle: true, credentials });
    iam = new IAMClient({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials });

    // Two real deploys: the bucket that stays, then a second run (a second history line).
    for (let i = 0; i < 2; i++) {
      const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
      expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    }
    expect(await bucketExists(KEPT)).toBe(true);
    // The pending change, previewed: its saved plan is what `--plan` cells name.
    await writeFile(path.join(p.terraformDir, 'main.tf'), MAIN_TF(true));
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json']);
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
    planId = preview.json.data.plan_id;

    const paths = projectPaths(p.dir);
    for (const { spec } of TABLE) {
      const where = spec.path(paths, 'test');
      let file = where;
      if (spec.kind === 'collection') {
        const names = (await readdir(where).catch(() => [] as string[])).filter((n) => spec.member?.test(n));
        const genuine = spec.name === 'plans' ? `${planId}.json` : names[0];
        file = path.join(where, genuine ?? SAMPLES[spec.name]!.member!);
      }
      const text = await readFile(file, 'utf8').catch(() => undefined);
      base.set(spec.name, text !== undefined ? { file, text, genuine: true } : { file, text: SAMPLES[spec.name]!.text, genuine: false });
    }
    // The deployed project really has these: the cells damage what the CLI itself wrote.
    for (const name of ['registry', 'history', 'plans', 'test-results'] as const) expect(base.get(name)?.genuine, name).toBe(true);
    expect((await historyLines(p)).length).toBe(2);
  }, 600_000);

  it('covers the whole catalogue: every artifact has cells or a stated reason, every use a command line', () => {
    for (const spec of ARTIFACTS) {
      const row = TABLE.find((r) => r.spec.name === spec.name);
      if (!row) {
        expect(NO_CELLS[spec.name], spec.name).toBeTruthy();
        continue;
      }
      expect(row.commands.length, spec.name).toBeGreaterThan(0);
      for (const { command, access } of row.commands) expect(() => invocation(command, spec.name, access)).not.toThrow();
    }
  });

  for (const { spec, commands: uses } of TABLE) {
    const cases = damaged(spec, SAMPLES[spec.name]!.text).map((c) => c.corruption);
    describe(spec.name, () => {
      for (const { command, access } of uses) {
        // The damaged versions are made from the project's own file (known only after beforeAll).
        it.each(cases)(`${command}: %s`, async (corruption) => {
          const { file, text: valid, genuine } = base.get(spec.name)!;
          const text = damaged(spec, valid).find((d) => d.corruption === corruption)?.text;
          expect(text, `${corruption} of the project's ${spec.name}`).toBeDefined();
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, text!);
          const argv = invocation(command, spec.name, access).map((a) => (a === PLAN_PLACEHOLDER ? (spec.name === 'plans' ? planId : a) : a));
          const before = await snapshot(p.dir);
          const policies = await customerPolicies();
          const cell = `${spec.name} x ${corruption} x ${command}`;
          try {
            const run = await p.cli(argv);
            const display = path.relative(p.dir, file);
            expect(run.code, `${cell}: ${run.stdout}${run.stderr}`).toBe(2);
            expect(run.json?.ok).toBe(false);
            expect(run.json.error.code).toBe(spec.errorCode);
            expect(run.json.error.message).toContain(display);
            expect(run.json.error.hint).toBeTruthy();
            expect(await readFile(file, 'utf8')).toBe(text);
            expect(await snapshot(p.dir)).toEqual(before);
            if (command === 'infra deploy' || command === 'infra destroy') {
              expect(await bucketExists(PENDING)).toBe(false);
              expect(await bucketExists(KEPT)).toBe(true);
            }
            if (command === 'permissions grant' || command === 'infra deploy') expect(await customerPolicies()).toBe(policies);
            tally.record(cell, true);
          } catch (error) {
            tally.record(cell, false, (error as Error).message.slice(0, 300));
            throw error;
          } finally {
            if (genuine) await writeFile(file, valid);
            else await rm(file, { force: true });
          }
        });
      }
    });
  }

  describe('regressions (issue 13)', () => {
    it('defect 4: a deploy with a truncated registry or a bad history line applies nothing, and the next deploy records no interrupted run', async () => {
      const paths = projectPaths(p.dir).env('test');
      const registry = await readFile(paths.registryFile, 'utf8');
      const history = await readFile(paths.historyFile, 'utf8');
      try {
        await writeFile(paths.registryFile, registry.slice(0, 40));
        let run = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
        expect(run.code).toBe(2);
        expect(run.json.error.code).toBe('E_ARTIFACT_CORRUPT');
        expect(await bucketExists(PENDING)).toBe(false);
        await writeFile(paths.registryFile, registry);
        await writeFile(paths.historyFile, `{"id":5}\n${history}`);
        run = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
        expect(run.code).toBe(2);
        expect(run.json.error.message).toContain('history.jsonl:1');
        expect(await bucketExists(PENDING)).toBe(false);
        expect(await readFile(paths.registryFile, 'utf8')).toBe(registry);
      } finally {
        await writeFile(paths.registryFile, registry);
        await writeFile(paths.historyFile, history);
      }
      expect(await readFile(paths.runFile, 'utf8').catch(() => 'none')).toBe('none');
    });

    it('defect 6: an audit entry of a wrong type is exit 2 for audit and grant, and grant appends nothing', async () => {
      const file = projectPaths(p.dir).iamAuditFile;
      const text = `${JSON.stringify({ schema_version: 1, entries: [{ ...auditEntry, timestamp: 5 }] }, null, 2)}\n`;
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      try {
        const audit = await p.cli(['permissions', 'audit', '--json']);
        expect(audit.code, audit.stdout + audit.stderr).toBe(2);
        expect(audit.json.error.code).toBe('E_ARTIFACT_CORRUPT');
        expect(audit.json.error.message).toContain('entries[0].timestamp');
        const grant = await p.cli(['permissions', 'grant', '--env', 'test', '--action', 's3:CreateBucket', '--resource', `arn:aws:s3:::${PENDING}`, '--reason', 'x', '--json']);
        expect(grant.code, grant.stdout + grant.stderr).toBe(2);
        expect(grant.json.error.code).toBe('E_ARTIFACT_CORRUPT');
        expect(await readFile(file, 'utf8')).toBe(text);
        expect(await customerPolicies()).toBe(0);
      } finally {
        await rm(file, { force: true });
      }
    });

    it.each(['null', '[1,2]', '{"id":5}'])('defect 6: a history line %s is exit 2 (E_ARTIFACT_CORRUPT) for infra history', async (line) => {
      const file = projectPaths(p.dir).env('test').historyFile;
      const history = await readFile(file, 'utf8');
      await writeFile(file, `${history}${line}\n`);
      try {
        const run = await p.cli(['infra', 'history', '--env', 'test', '--json']);
        expect(run.code, run.stdout + run.stderr).toBe(2);
        expect(run.json.error.code).toBe('E_ARTIFACT_CORRUPT');
        expect(run.json.error.message).toContain('history.jsonl:3');
      } finally {
        await writeFile(file, history);
      }
    });
  });

  it('control: with every artifact intact, the same plan applies (so each cell above would have changed the cloud)', async () => {
    expect(await bucketExists(PENDING)).toBe(false);
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', planId, '--json']);
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(await bucketExists(PENDING)).toBe(true);
    const lines = await historyLines(p);
    // The two setup runs, then this one: nothing the refused cells did was recorded, no interrupted run.
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.outcome)).not.toContain('interrupted');
    expect(lines.at(-1)).toMatchObject({ outcome: 'success', plan_id: planId });
  });

  afterAll(async () => {
    if (p) await rm(p.dir, { recursive: true, force: true });
  });
});
