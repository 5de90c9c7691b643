import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// The `unit` project of vitest.config.ts as a stand-alone config, for StrykerJS
// (`npm run test:mutation`): its vitest runner cannot select a project, and mutants must never
// reach the integration project (moto, IaC binary, dist/).
const { projects: _projects, ...shared } = base.test ?? {};

// Left out under mutation: generated-files compares dist/ with a rebuild of src/, which an
// instrumented sandbox never matches; grant-plan-bundle and registry-bundle bundle with esbuild; the
// others test the CLI surface, director, design and registry, import nearly all of src/ and
// take most of the unit run's time, so each mutant of the security core would pay for them;
// dist-stamp spawns node processes to test the integration setup's build check.
export const NOT_UNDER_MUTATION = [
  'test/unit/generated-files.test.ts',
  'test/unit/grant-plan-bundle.test.ts',
  'test/unit/registry-bundle.test.ts',
  'test/unit/director-routing.test.ts',
  'test/unit/director-contract.test.ts',
  'test/unit/plugin-contract.test.ts',
  'test/unit/design-engineer.test.ts',
  'test/unit/registry-perf-equivalence.test.ts',
  'test/unit/console-urls.test.ts',
  'test/unit/terraform-json.test.ts',
  'test/unit/dist-stamp.test.ts',
];

export default mergeConfig(defineConfig({ test: shared }), defineConfig({ test: { include: ['test/unit/**/*.test.ts'], exclude: NOT_UNDER_MUTATION, setupFiles: ['test/support/mutation-preload.ts'] } }));
