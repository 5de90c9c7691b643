// Runs every benchmark in bench/ and prints one line each. Figures go to docs/PERFORMANCE.md.
import { measureStartup } from './cli-startup.mjs';
import { measureRegistryBuild } from './registry-build.mjs';

const startup = measureStartup(Number(process.env.BENCH_RUNS ?? 21));
console.log(`cli-startup  ratio ${startup.ratio}x  (--help ${startup.help_ms} ms, node -e 0 ${startup.baseline_ms} ms, ${startup.runs} runs)`);

const registry = await measureRegistryBuild(Number(process.env.BENCH_REGISTRY_ROUNDS ?? 15));
console.log(
  `registry-build  ratio ${registry.ratio}x  (ours ${registry.ours_ms} ms, jq ${registry.jq_ms} ms, ${registry.resources} resources, ${registry.rounds} rounds; ` +
    `target <= ${registry.target}x ${registry.met ? 'met' : 'NOT met'})`,
);
