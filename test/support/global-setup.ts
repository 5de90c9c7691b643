import type { TestProject } from 'vitest/node';
import { ensureFreshDist } from '../../scripts/dist-stamp.mjs';
import { startMoto, type MotoServer } from './moto.js';
import { testTools } from './tools.js';

/**
 * Rebuilds dist/ when src/ (or another build input) changed since it was built, since the tests
 * spawn plugin/bin/faber-cloud, which runs plugin/dist/. Then starts one moto server per vitest worker slot
 * (VITEST_POOL_ID 1..N), so test files that run at the same time never see each other's
 * resources, and stops them at the end.
 */
let servers: MotoServer[] = [];

export default async function setup(project: TestProject) {
  await ensureFreshDist();
  const tools = testTools();
  // The resolved worker count (CLI flags included): VITEST_POOL_ID never exceeds it.
  const workers = Math.max(1, project.globalConfig.maxWorkers);
  servers = await Promise.all(Array.from({ length: workers }, () => startMoto(tools)));
  project.provide('motoEndpoints', servers.map((s) => s.endpoint));
  return async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoints: string[];
  }
}
