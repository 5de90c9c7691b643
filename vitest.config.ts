import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// One moto server per worker slot is started by the global setup; keep the two in step.
const workers = Math.max(1, Math.min(4, availableParallelism()));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/per-file-setup.ts'],
    pool: 'forks',
    maxWorkers: workers,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
