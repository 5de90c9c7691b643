import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// One moto server per worker slot is started by the integration setup; keep the two in step.
const workers = Math.max(1, Math.min(4, availableParallelism()));

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: workers,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      {
        // Pure logic: no moto, no IaC binary, no build. Runs right after `npm ci`.
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        // The built CLI against moto and the real IaC binary (scripts/setup-test-tools).
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/reliability/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/per-file-setup.ts'],
        },
      },
    ],
  },
});
