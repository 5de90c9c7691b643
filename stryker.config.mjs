// Mutation testing of the security core (issue 19): `npm run test:mutation`.
// Only the unit project runs against mutants; thresholds per file live in scripts/mutation-check.mjs.
import { homedir } from 'node:os';
import path from 'node:path';

// The incremental file survives between runs on the same machine (CI runs in a fresh clone each
// time, so it is keyed by nothing path-dependent) but stays out of the tree.
const cacheRoot = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');

// Static mutants (module-level constants: the zod schema chain, regex tables, the escalation
// floor) cannot be traced to tests, so each one runs every related test file: 28% of the
// mutants (734 of 2,644), most of the time. `npm run test:mutation` (CI) skips them; FABER_MUTATION_STATIC=1
// (`npm run test:mutation:full`) measures them too. Separate incremental files: a result
// recorded as ignored must not stand in for a measured one.
const includeStatic = process.env.FABER_MUTATION_STATIC === '1';
const incrementalFile =
  process.env.FABER_MUTATION_INCREMENTAL_FILE ||
  path.join(cacheRoot, 'faber-cloud', `stryker-incremental${includeStatic ? '-full' : ''}.json`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/core/guard.ts',
    'src/permissions/grant-plan.ts',
    'src/handlers/hosting/aws/denials.ts',
    'src/handlers/hosting/aws/policy-document.ts',
    'src/core/config/schema.ts',
    'src/debugger/normalise.ts',
    'src/core/redaction/**/*.ts',
    'src/handlers/iac/terraform/sensitive.ts',
    'src/core/files/safe-path.ts',
    'src/core/files/atomic.ts',
  ],
  ignoreStatic: !includeStatic,
  incremental: true,
  incrementalFile,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  timeoutMS: 10_000,
  // The per-file thresholds are enforced by scripts/mutation-check.mjs; Stryker's own break is global.
  thresholds: { high: 90, low: 75, break: null },
};
