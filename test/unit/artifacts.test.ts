import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';
import { ARTIFACTS, artifactsCheckedBefore, validateArtifact, validateBeforeMutation, type ArtifactSpec } from '../../src/artifacts/catalogue.js';
import { FaberError } from '../../src/core/errors.js';
import { projectPaths } from '../../src/core/paths.js';
import { readHistory } from '../../src/infra/history.js';
import { filterAudit, readAuditLog } from '../../src/permissions/audit.js';
import { damaged, notApplicable, SAMPLES } from '../support/artifact-samples.js';
import { tempDir } from '../support/cli.js';

/** Where a sample of `spec` goes in a project at `root` (env `test`). */
function fileOf(root: string, spec: ArtifactSpec): string {
  const where = spec.path(projectPaths(root), 'test');
  return spec.kind === 'collection' ? path.join(where, SAMPLES[spec.name]?.member ?? 'x') : where;
}

async function place(root: string, spec: ArtifactSpec, text: string): Promise<string> {
  const file = fileOf(root, spec);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

const judged = ARTIFACTS.filter((a) => a.validate);

describe('the artifact catalogue', () => {
  it('names only commands the CLI has, and every artifact a mutating command writes is checked before it', () => {
    const names = new Set(commands.map((c) => c.path.join(' ')));
    for (const spec of ARTIFACTS) for (const command of Object.keys(spec.usedBy)) expect(names, `${spec.name}: ${command}`).toContain(command);
    expect(artifactsCheckedBefore('infra deploy').sort()).toEqual(['iam-audit', 'history', 'issue-log', 'learned-permissions', 'lock-holder', 'registry', 'running-record', 'test-results'].sort());
    expect(artifactsCheckedBefore('permissions grant')).toEqual(['iam-audit']);
    expect(artifactsCheckedBefore('ops remediate').sort()).toEqual(['history', 'lock-holder', 'registry']);
  });

  it('has a valid sample of every judged artifact, accepted by its validator', async () => {
    const root = await tempDir('faber-artifacts-');
    for (const spec of judged) {
      const sample = SAMPLES[spec.name];
      expect(sample, spec.name).toBeDefined();
      await place(root, spec, sample!.text);
      await expect(validateArtifact(projectPaths(root), spec.name, 'test'), spec.name).resolves.toBeUndefined();
    }
  });

  it('accepts a project with no artifacts yet', async () => {
    const root = await tempDir('faber-artifacts-');
    await expect(validateBeforeMutation('infra deploy', projectPaths(root), 'test')).resolves.toBeUndefined();
  });

  describe.each(judged.map((spec) => [spec.name, spec] as const))('%s', (_name, spec) => {
    const cases = damaged(spec, SAMPLES[spec.name]!.text);
    it('is damaged in every applicable way', () => {
      const kinds = new Set(cases.map((c) => c.corruption.replace(/[:@].*$/, '')));
      const expected = ['truncated', 'wrong-types', 'not-a-record', 'newer-schema-version'].filter((k) => !(k in notApplicable(spec)));
      expect([...kinds].sort()).toEqual(expected.sort());
    });

    it.each(cases.map((c) => [c.corruption, c.text] as const))('%s: a typed exit-2 error naming the file, the file untouched', async (corruption, text) => {
      const root = await tempDir('faber-artifacts-');
      const file = await place(root, spec, text);
      const display = path.relative(root, file);
      const error = await validateArtifact(projectPaths(root), spec.name, 'test').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, corruption).toBeInstanceOf(FaberError);
      const e = error as FaberError;
      expect(e.code).toBe(spec.errorCode);
      expect(e.exitCode).toBe(2);
      expect(e.message).toContain(display);
      const line = /@line (\d+)/.exec(corruption)?.[1];
      if (line) expect(e.message).toContain(`${display}:${line}`);
      if (corruption === 'newer-schema-version' && spec.errorCode === 'E_ARTIFACT_CORRUPT') expect(e.hint).toMatch(/upgrade faber-cloud/);
      else expect(e.hint).toBeTruthy();
      expect(await readFile(file, 'utf8')).toBe(text);
    });
  });
});

describe('readers of bad content (issue 13, defect 6)', () => {
  it('an audit entry with a wrong type is E_ARTIFACT_CORRUPT naming the entry, not a crash in the filter', async () => {
    const root = await tempDir('faber-artifacts-');
    const file = projectPaths(root).iamAuditFile;
    const { auditEntry } = await import('../support/artifact-samples.js');
    for (const bad of [{ timestamp: 5 }, { actions: 'iam:PassRole' }, { target_principal: null }, { status: 'granted?' }]) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify({ schema_version: 1, entries: [{ ...auditEntry, ...bad }] }));
      const error = await readAuditLog(file, 'iam-audit.json').then(
        (log) => filterAudit(log, { since: new Date(0) }),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FaberError);
      expect((error as FaberError).code).toBe('E_ARTIFACT_CORRUPT');
      expect((error as FaberError).message).toMatch(/^iam-audit\.json: entries\[0\]\./);
    }
  });

  it.each(['null', '[1,2]', '{"id":5}', '"text"', '7'])('a history line %s is E_ARTIFACT_CORRUPT with its line number', async (line) => {
    const file = path.join(await tempDir('faber-artifacts-'), 'history.jsonl');
    await writeFile(file, `${SAMPLES.history!.text}${line}\n`);
    const error = await readHistory(file, 'history.jsonl').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FaberError);
    expect((error as FaberError).code).toBe('E_ARTIFACT_CORRUPT');
    expect((error as FaberError).message).toMatch(/^history\.jsonl:3: /);
  });
});
