import { defineCommand } from '../definition.js';
import { ARTIFACT_ERRORS, IAC_ERRORS, PROFILE_GUARDS, failed, failingReport, needsHuman, refused, usage } from '../exits.js';
import { CONFIRM, ENV, PLAN, PROFILE, described } from '../options.js';

/** Definitions of one area (existing projects: drift): data only; src/cli/commands.ts binds each to its lazily loaded action. */

export const infraDrift = defineCommand({
  path: ['infra', 'drift'],
  summary: 'Find what changed outside Terraform (refresh-only plan), apart from pending code changes; --accept records it in state',
  exits: [
    { code: 0, when: 'no drift, or the drift was accepted into state' },
    failingReport('drift found (data lists each drifted or deleted resource)'),
    failed('the refresh-only plan or its apply failed', ['E_APPLY_FAILED', 'E_IAC_FAILED', 'E_AWS_STS']),
    usage(['E_USAGE_UNKNOWN_ENV', 'E_USAGE_PLAN_NOT_FOUND', 'E_CONFIG_IAC_UNSUPPORTED', ...IAC_ERRORS, ...ARTIFACT_ERRORS]),
    refused('--accept in prod without the drift id or --confirm prod, wrong profile or account, drift changed since it was shown, lock held, or the backend would migrate state', [
      ...PROFILE_GUARDS,
      'E_GUARD_PLAN_REQUIRED',
      'E_GUARD_CONFIRMATION_REQUIRED',
      'E_GUARD_CONFIRMATION_MISMATCH',
      'E_GUARD_PLAN_MISMATCH',
      'E_GUARD_STATE_MIGRATION',
      'E_LOCKED',
    ]),
    needsHuman('credentials, or a permission the refresh needs', ['E_AWS_CREDENTIALS', 'E_PERMISSION_DENIED']),
  ],
  description:
    'Runs a refresh-only plan (state untouched) and lists, per resource, the attributes changed outside Terraform (before -> after,\n' +
    'sensitive values redacted) and the resources deleted outside it; the code changes pending against the recorded state are\n' +
    'listed apart (infra deploy applies those). Drifted registry entries are marked with when it was seen, and the history gets a\n' +
    'line. Exit 1 when drift is found.\n' +
    '--accept applies the refresh-only plan (state takes the real values; nothing in the cloud changes) under the deploy guards:\n' +
    'production needs the reviewed drift id (--plan) and --confirm prod.',
  options: [
    ENV,
    { flags: '--accept', description: 'record the drift in state (refresh-only apply); guarded like a deploy' },
    described(PLAN, 'with --accept: the drift id printed by `infra drift` (required for prod)'),
    CONFIRM,
    PROFILE,
  ],
  examples: ['faber-cloud infra drift --env test', 'faber-cloud infra drift --env test --json', 'faber-cloud infra drift --env test --accept', 'faber-cloud infra drift --env prod --accept --plan 3f9a1c2b7d4e --confirm prod'],
  output: () => import('../output-schemas/infra-real-projects.js').then((m) => m.infraDrift),
});
