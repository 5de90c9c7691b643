// Cold start of `faber-cloud --help` as a ratio to `node -e 0`, measured interleaved in the
// same run so machine noise hits both alike. Usage: node bench/cli-startup.mjs [runs]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function timeOnce(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

export function measureStartup(runs = 21) {
  const baseline = [];
  const help = [];
  timeOnce(['-e', '0']); // warm the file cache for both
  timeOnce([path.join(root, 'plugin', 'bin', 'faber-cloud'), '--help']);
  for (let i = 0; i < runs; i++) {
    baseline.push(timeOnce(['-e', '0']));
    help.push(timeOnce([path.join(root, 'plugin', 'bin', 'faber-cloud'), '--help']));
  }
  const b = median(baseline);
  const h = median(help);
  return { runs, baseline_ms: Number(b.toFixed(1)), help_ms: Number(h.toFixed(1)), ratio: Number((h / b).toFixed(2)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = measureStartup(Number(process.argv[2] ?? 21));
  console.log(`faber-cloud --help: median ${result.help_ms} ms vs node -e 0: ${result.baseline_ms} ms -> ratio ${result.ratio} (${result.runs} interleaved runs)`);
}
