// Runs every benchmark in bench/ and prints one line each. Figures go to docs/PERFORMANCE.md.
import { measureConsoleLinks } from './console-links.mjs';
import { measureStartup } from './cli-startup.mjs';
import { measureDebuggerMatch } from './debugger-match.mjs';
import { measureRegistryBuild } from './registry-build.mjs';

const startup = measureStartup(Number(process.env.BENCH_RUNS ?? 21));
console.log(`cli-startup  ratio ${startup.ratio}x  (--help ${startup.help_ms} ms, node -e 0 ${startup.baseline_ms} ms, ${startup.runs} runs)`);

const registry = await measureRegistryBuild(Number(process.env.BENCH_REGISTRY_ROUNDS ?? 15));
console.log(
  `registry-build  ratio ${registry.ratio}x  (ours ${registry.ours_ms} ms, jq ${registry.jq_ms} ms, ${registry.resources} resources, ${registry.rounds} rounds; ` +
    `target <= ${registry.target}x ${registry.met ? 'met' : 'NOT met'})`,
);

const links = await measureConsoleLinks(Number(process.env.BENCH_LINKS_ROUNDS ?? 21));
console.log(`console-links  ratio ${links.ratio}x plain link2aws  (wrapper ${links.wrapper_ms} ms, new ARN() ${links.link2aws_ms} ms, ${links.arns} ARNs, ${links.rounds} rounds)`);

const debug = await measureDebuggerMatch(Number(process.env.BENCH_DEBUGGER_ROUNDS ?? 15));
console.log(
  `debugger-match  ratio ${debug.ratio}x JSON.parse of the log  (match ${debug.match_ms} ms, parse ${debug.parse_ms} ms, ${debug.issues} issues, ${debug.log_mb} MB, ${debug.rounds} rounds, load+validate ${debug.load_and_validate_ms} ms; ` +
    `target < ${debug.target_ms} ms ${debug.met ? 'met' : 'NOT met'})`,
);

const { measureOpsQueryLogs } = await import('./ops-query-logs.mjs');
const ops = await measureOpsQueryLogs(Number(process.env.BENCH_OPS_ROUNDS ?? 7));
console.log(
  `ops-query-logs  ratio ${ops.ratio}x bare FilterLogEvents paging  (query-logs ${ops.ours_ms} ms, SDK paging ${ops.baseline_ms} ms, ${ops.events} events, ${ops.errors} errors, ${ops.rounds} rounds; ` +
    `target < ${ops.target_ms} ms ${ops.met ? 'met' : 'NOT met'})`,
);

const { measurePreflight } = await import('./preflight.mjs');
const pf = await measurePreflight(Number(process.env.BENCH_PREFLIGHT_ROUNDS ?? 15));
console.log(
  `preflight  ratio ${pf.ratio}x JSON.parse of the plan  (preflight ${pf.ours_ms} ms warm, ${pf.cold_ms} ms cold, parse ${pf.parse_ms} ms, ${pf.resources} resources, ${pf.needed} needed, ${pf.rounds} rounds; ` +
    `target < ${pf.target_ms} ms ${pf.met ? 'met' : 'NOT met'})`,
);

// Minutes, and it needs the hashicorp/aws provider from the test-tools manifest: only on request.
if (process.env.BENCH_DEPLOY) {
  const { measureDeployOverhead } = await import('./deploy-overhead.mjs');
  const dep = await measureDeployOverhead(Number(process.env.BENCH_DEPLOY_ROUNDS ?? 5));
  console.log(
    `deploy-overhead  ratio ${dep.ratio}x bare plan -out + apply  (preview + deploy ${dep.ours_ms} ms, bare ${dep.bare_ms} ms, ${dep.resources} resources, ${dep.rounds} rounds; ` +
      `target <= ${dep.target}x ${dep.met ? 'met' : 'NOT met'})`,
  );
} else {
  console.log('deploy-overhead  skipped (BENCH_DEPLOY=1 runs it: minutes, needs the hashicorp/aws provider)');
}
