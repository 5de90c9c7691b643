import { z } from 'zod';
import { validateRecord } from '../core/artifact-content.js';
import { readJsonFile, writeJsonAtomic } from '../core/files/atomic.js';
import { withWaitingLock } from '../core/files/lock.js';
import { checkWritePath } from '../core/files/safe-path.js';
import type { ProjectPaths } from '../core/paths.js';

/**
 * `debugger/learned-permissions.json` (issue 16): each action the auto-fix loop had to grant,
 * recorded against the resource type and change that needed it, so the next preflight
 * includes it; and the map defects seen (a denial for an action the action map already
 * predicted for that type and change). Project-local, beside the debugger's issue log;
 * written atomically under its own lock; a missing file is an empty log.
 */

export const LEARNED_SCHEMA_VERSION = 1;

const LearnedEntrySchema = z.strictObject({
  type: z.string().regex(/^[a-z0-9_]+$/),
  change: z.enum(['create', 'update', 'delete']),
  action: z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/),
  first_seen: z.string(),
  last_seen: z.string(),
  count: z.number().int().positive(),
  environments: z.array(z.string()),
});

const MapDefectSchema = z.strictObject({
  type: z.string(),
  change: z.enum(['create', 'update', 'delete']),
  action: z.string(),
  address: z.string(),
  environment: z.string(),
  seen_at: z.string(),
});

export const LearnedLogSchema = z.strictObject({
  schema_version: z.literal(LEARNED_SCHEMA_VERSION),
  entries: z.array(LearnedEntrySchema),
  map_defects: z.array(MapDefectSchema),
});
export type LearnedLog = z.output<typeof LearnedLogSchema>;
export type LearnedEntry = z.output<typeof LearnedEntrySchema>;
export type MapDefect = z.output<typeof MapDefectSchema>;

/** Keep the defect list bounded: the newest ones matter. */
const MAX_DEFECTS = 200;

export async function readLearned(paths: Pick<ProjectPaths, 'learnedPermissionsFile'>, display: string): Promise<LearnedLog> {
  const data = await readJsonFile(paths.learnedPermissionsFile, display);
  if (data === undefined) return { schema_version: LEARNED_SCHEMA_VERSION, entries: [], map_defects: [] };
  return validateRecord(data, display, { what: 'a learned-permissions log', schema: LearnedLogSchema, schemaVersion: LEARNED_SCHEMA_VERSION }) as LearnedLog;
}

export interface Learning {
  type: string;
  change: 'create' | 'update' | 'delete';
  action: string;
}

/** Add what one auto-fix round granted (and the map defects it showed), in one locked write. */
export async function recordLearned(
  paths: Pick<ProjectPaths, 'root' | 'learnedPermissionsFile' | 'learnedPermissionsLockDir'>,
  display: string,
  env: string,
  learned: readonly Learning[],
  defects: readonly Omit<MapDefect, 'seen_at' | 'environment'>[],
  now = new Date(),
): Promise<void> {
  if (learned.length === 0 && defects.length === 0) return;
  await checkWritePath(paths, paths.learnedPermissionsFile, 'file');
  await withWaitingLock(paths.learnedPermissionsLockDir, 'learned permissions', paths, async () => {
    const log = await readLearned(paths, display);
    const at = now.toISOString();
    for (const l of learned) {
      const found = log.entries.find((e) => e.type === l.type && e.change === l.change && e.action === l.action);
      if (found) {
        found.last_seen = at;
        found.count += 1;
        if (!found.environments.includes(env)) found.environments.push(env);
      } else {
        log.entries.push({ type: l.type, change: l.change, action: l.action, first_seen: at, last_seen: at, count: 1, environments: [env] });
      }
    }
    log.map_defects.push(...defects.map((d) => ({ ...d, environment: env, seen_at: at })));
    log.map_defects = log.map_defects.slice(-MAX_DEFECTS);
    log.entries.sort((a, b) => (a.type + a.change + a.action < b.type + b.change + b.action ? -1 : 1));
    await writeJsonAtomic(paths.learnedPermissionsFile, log, paths);
  });
}

/**
 * What one auto-fix round teaches: each granted action, by the resource type and change of the
 * denials it answered (their addresses in the plan). An action the action map predicts for that
 * type and change is not learned: when preflight ran (and so granted or found it held) its
 * denial is a map defect; when preflight did not run, it was expected.
 */
export function learningOf(
  grants: readonly { action: string; denials: readonly number[] }[],
  denialAddresses: readonly (string | undefined)[],
  changes: readonly { address: string; type: string; action: string }[],
  predicts: (type: string, action: string) => boolean,
  preflightRan: boolean,
): { learned: Learning[]; defects: Omit<MapDefect, 'seen_at' | 'environment'>[] } {
  const changeOf = new Map(changes.map((c) => [c.address, c]));
  const learned: Learning[] = [];
  const defects: Omit<MapDefect, 'seen_at' | 'environment'>[] = [];
  for (const g of grants) {
    for (const index of g.denials) {
      const address = denialAddresses[index];
      const planned = address ? changeOf.get(address) : undefined;
      if (!planned || !address) continue;
      const change = planned.action === 'update' ? 'update' : planned.action === 'delete' ? 'delete' : 'create';
      if (!predicts(planned.type, g.action)) learned.push({ type: planned.type, change, action: g.action });
      else if (preflightRan) defects.push({ type: planned.type, change, action: g.action, address });
    }
  }
  return { learned, defects };
}
