// Runs every benchmark in bench/ and prints one line each. Figures go to docs/PERFORMANCE.md.
import { measureStartup } from './cli-startup.mjs';

const startup = measureStartup(Number(process.env.BENCH_RUNS ?? 21));
console.log(`cli-startup  ratio ${startup.ratio}x  (--help ${startup.help_ms} ms, node -e 0 ${startup.baseline_ms} ms, ${startup.runs} runs)`);
