import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeTextAtomic } from '../files/atomic.js';

/**
 * Saved plans can hold secrets, locks and running records are per machine, and incident
 * reports quote operational data (log lines, which may hold secrets): none belongs in git.
 */
export const GITIGNORE_ENTRIES = [
  '.fractary/plugins/faber-cloud/deployments/*/plans/',
  '.fractary/plugins/faber-cloud/deployments/*/.lock*',
  '.fractary/plugins/faber-cloud/deployments/*/.running.json',
  '.fractary/plugins/faber-cloud/incidents/',
  '*.tfplan',
  '.terraform/',
];

/** The lines of GITIGNORE_ENTRIES missing from `existing`. */
export function missingGitignoreEntries(existing: string): string[] {
  const present = new Set(existing.split(/\r?\n/).map((line) => line.trim()));
  return GITIGNORE_ENTRIES.filter((entry) => !present.has(entry) && !present.has(`/${entry}`));
}

/** Append the missing entries to <root>/.gitignore (created when absent). Returns what was added. */
export function gitignoreFile(root: string): string {
  return path.join(root, '.gitignore');
}

export async function ensureGitignore(root: string): Promise<string[]> {
  const file = gitignoreFile(root);
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const missing = missingGitignoreEntries(existing);
  if (missing.length === 0) return [];
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  const block = `${existing === '' ? '' : '\n'}# faber-cloud: saved plans, locks, incident reports and Terraform working files\n${missing.join('\n')}\n`;
  await writeTextAtomic(file, `${existing}${separator}${block}`, { root });
  return missing;
}
