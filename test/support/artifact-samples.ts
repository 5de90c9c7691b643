import type { ArtifactName, ArtifactSpec } from '../../src/artifacts/catalogue.js';

/**
 * A valid file of every artifact in the catalogue (as this CLI writes them), and the ways to
 * damage one: truncated, wrong types, valid JSON that is not a record, a newer schema_version.
 * Shared by the unit tests of the validators and the reliability suite (artifact-corruption).
 */

const T = '2026-01-02T03:04:05.000Z';

export const historyEntry = (n: number) => ({
  id: `d-2026010203040${n}-abc12${n}`,
  operation: 'deploy',
  env: 'test',
  started_at: T,
  finished_at: T,
  duration_ms: 1500,
  outcome: 'success',
  profile: 'life-test-deploy',
  account: '123456789012',
  caller_arn: 'arn:aws:iam::123456789012:user/life-test-deploy',
  plan_id: 'abcdefabcdef',
  add: 1,
  change: 0,
  destroy: 0,
  auto_fix_rounds: 0,
  error_codes: [],
});

export const auditEntry = {
  id: 'g-20260102T030405-abc123',
  timestamp: T,
  updated_at: T,
  status: 'refused',
  environment: 'test',
  account: '123456789012',
  region: 'us-east-1',
  actions: ['iam:PassRole'],
  resources: ['*'],
  target_principal: { arn: 'arn:aws:iam::123456789012:user/life-test-deploy' },
  policy_name: 'life-test-faber-cloud-deploy',
  policy_version: null,
  policies: [],
  reason: { text: 'cells', denials: [{ kind: 'denial', action: 'iam:PassRole', actionInferred: false, resourceArn: '*', resourceInferred: false, reason: 'no-identity-policy', code: 'AccessDenied' }] },
  source: 'cli',
  granted_by_profile: 'life-discover-deploy',
  granted_by_arn: 'arn:aws:iam::123456789012:user/life-discover-deploy',
  refusal: { reason: 'escalation', message: 'iam:PassRole on * is privilege escalation' },
};

const design = {
  faber_cloud_design: 1,
  slug: 'user-uploads',
  title: 'User uploads',
  feature: 'user uploads',
  created_at: T,
  resources: [{ kind: 's3_bucket', name: 'uploads', settings: {} }],
};

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** A valid file of each artifact that has a validator, with the name it takes in its directory (collections). */
export const SAMPLES: Partial<Record<ArtifactName, { member?: string; text: string }>> = {
  registry: {
    text: json({
      schema_version: 1,
      env: 'test',
      project: 'life',
      account: '123456789012',
      region: 'us-east-1',
      updated_at: T,
      resources: [{ address: 'terraform_data.one', type: 'terraform_data', name: 'one', id: 'x-1', arn: null, region: 'us-east-1', console_url: null, tags: {}, created_at: T, updated_at: T, deployment_id: 'd-1', fingerprint: '01234567' }],
    }),
  },
  history: { text: `${JSON.stringify(historyEntry(1))}\n${JSON.stringify({ ...historyEntry(2), outcome: 'failed', error_codes: ['E_APPLY_FAILED'], error_message: 'boom', issue_ids: ['s3-bucket-exists'] })}\n` },
  'iam-audit': { text: json({ schema_version: 1, entries: [auditEntry] }) },
  'issue-log': { text: json({ schema_version: 1, updated_at: T, knowledge_base_version: null, issues: [], pending: [], recent_failures: [] }) },
  'learned-permissions': {
    text: json({
      schema_version: 1,
      entries: [{ type: 'aws_s3_bucket', change: 'create', action: 's3:PutBucketOwnershipControls', first_seen: T, last_seen: T, count: 1, environments: ['test'] }],
      map_defects: [],
    }),
  },
  'running-record': { text: json({ id: 'd-20260102T030405-abc123', operation: 'deploy', env: 'test', started_at: T, profile: 'life-test-deploy', account: '123456789012', caller_arn: 'arn:aws:iam::123456789012:user/life-test-deploy', plan_id: 'abcdefabcdef', pid: 2147483 }) },
  // A dead holder (no such pid) on another host: never taken for a live one.
  'lock-holder': { text: `${JSON.stringify({ pid: 2147483, host: 'elsewhere', command: 'infra deploy', started_at: T })}\n` },
  plans: {
    member: 'abcdefabcdef.json',
    text: json({ plan_id: 'abcdefabcdef', env: 'test', destroy: false, created_at: T, account: '123456789012', profile: 'life-test-deploy', digest: { planId: 'abcdefabcdef', counts: { create: 1, update: 0, replace: 0, delete: 0 }, changes: [], outputs: [], hasChanges: true }, plan: {} }),
  },
  designs: { member: 'user-uploads.md', text: `---\n${JSON.stringify(design, null, 2)}\n---\n\n# User uploads\n` },
  incidents: { member: '20260102T030405Z-500-errors.json', text: json({ schema_version: 1, id: 'i-1', created_at: T, env: 'test', issue: '500 errors', summary: 'nothing found' }) },
  'test-results': {
    member: '20260102T030405000Z-post.json',
    text: json({ schema_version: 1, phase: 'post', env: 'test', ran_at: T, passed: true, account: '123456789012', registry: { updated_at: T, resources: 1 }, counts: { ok: 1 }, checks: [] }),
  },
};

export interface Damaged {
  /** truncated | wrong-types | not-a-record:<json>[@line N] | newer-schema-version */
  corruption: string;
  text: string;
}

export const NOT_RECORDS = ['null', '[1,2]', '{"id":5}'] as const;

/** Another type for a JSON value: what "wrong types" puts in a field. */
function otherType(value: unknown): unknown {
  if (typeof value === 'string') return 5;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return 'x';
  return 5;
}

/** The record with its first field (after the version field) given another type. */
function wrongTypes(record: Record<string, unknown>, versionField: string): Record<string, unknown> {
  const key = Object.keys(record).find((k) => k !== versionField && !k.startsWith('$'));
  if (!key) throw new Error('a record with no field to damage');
  return { ...record, [key]: otherType(record[key]) };
}

/** Split a design file into front matter record and the text around it. */
function designParts(text: string): { record: Record<string, unknown>; wrap: (front: string) => string } {
  const lines = text.split('\n');
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  const record = JSON.parse(lines.slice(1, end).join('\n')) as Record<string, unknown>;
  const rest = lines.slice(end).join('\n');
  return { record, wrap: (front) => `---\n${front}\n${rest}` };
}

/** Every damaged version of a valid file of `spec`; the corruptions that cannot apply are absent (see `notApplicable`). */
export function damaged(spec: ArtifactSpec, valid: string): Damaged[] {
  const versionField = spec.name === 'designs' ? 'faber_cloud_design' : 'schema_version';
  const out: Damaged[] = [];
  if (spec.format === 'jsonl') {
    const lines = valid.split('\n').filter((l) => l.trim() !== '');
    const last = lines.at(-1) as string;
    out.push({ corruption: 'truncated', text: [...lines.slice(0, -1), last.slice(0, Math.floor(last.length / 2))].join('\n') });
    out.push({ corruption: 'wrong-types', text: [JSON.stringify(wrongTypes(JSON.parse(lines[0] as string), versionField)), ...lines.slice(1)].map((l) => `${l}\n`).join('') });
    lines.forEach((_, i) => {
      for (const bad of NOT_RECORDS) out.push({ corruption: `not-a-record:${bad}@line ${i + 1}`, text: lines.map((l, j) => `${j === i ? bad : l}\n`).join('') });
    });
    return out;
  }
  if (spec.format === 'markdown+json') {
    const { record, wrap } = designParts(valid);
    const front = JSON.stringify(record, null, 2);
    out.push({ corruption: 'truncated', text: `---\n${front.slice(0, Math.floor(front.length / 2))}` });
    out.push({ corruption: 'wrong-types', text: wrap(JSON.stringify(wrongTypes(record, versionField), null, 2)) });
    for (const bad of NOT_RECORDS) out.push({ corruption: `not-a-record:${bad}`, text: wrap(bad) });
    out.push({ corruption: 'newer-schema-version', text: wrap(JSON.stringify({ ...record, [versionField]: (record[versionField] as number) + 1 }, null, 2)) });
    return out;
  }
  const record = JSON.parse(valid) as Record<string, unknown>;
  out.push({ corruption: 'truncated', text: valid.slice(0, Math.floor(valid.trimEnd().length / 2)) });
  out.push({ corruption: 'wrong-types', text: `${JSON.stringify(wrongTypes(record, versionField), null, 2)}\n` });
  for (const bad of NOT_RECORDS) out.push({ corruption: `not-a-record:${bad}`, text: `${bad}\n` });
  if (spec.schemaVersion !== undefined) out.push({ corruption: 'newer-schema-version', text: `${JSON.stringify({ ...record, schema_version: spec.schemaVersion + 1 }, null, 2)}\n` });
  return out;
}

/** Why a corruption class has no cell for an artifact. */
export function notApplicable(spec: ArtifactSpec): Record<string, string> {
  if (!spec.validate) return { all: 'generated from other artifacts and replaced whole, never read back' };
  if (spec.schemaVersion === undefined && spec.name !== 'designs') return { 'newer-schema-version': 'the record carries no schema_version' };
  return {};
}
