#!/usr/bin/env node
// Reads StrykerJS's JSON report and fails (exit 1) when a mutated file scores below its threshold.
// Score as Stryker computes it: (killed + timeout) / (killed + timeout + survived + no coverage);
// compile and runtime errors and ignored mutants do not count.
// Usage: node scripts/mutation-check.mjs [report.json] [--survivors]
import { readFileSync } from 'node:fs';

// First matching entry wins. Every mutated file must match one: a new module added to
// stryker.config.mjs's `mutate` needs its threshold here too.
export const THRESHOLDS = [
  { pattern: /^src\/core\/guard\.ts$/, min: 90 },
  { pattern: /^src\/permissions\/grant-plan\.ts$/, min: 90 },
  { pattern: /^src\/handlers\/hosting\/aws\/policy-document\.ts$/, min: 90 },
  { pattern: /^src\/core\/redaction\/.+\.ts$/, min: 90 },
  { pattern: /^src\/handlers\/iac\/terraform\/sensitive\.ts$/, min: 90 },
  { pattern: /^src\/core\/files\/(safe-path|atomic)\.ts$/, min: 90 },
  { pattern: /^src\/handlers\/hosting\/aws\/denials\.ts$/, min: 85 },
  { pattern: /^src\/core\/config\/schema\.ts$/, min: 85 },
  { pattern: /^src\/debugger\/normalise\.ts$/, min: 75 },
];

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

export function scoreFiles(report) {
  return Object.entries(report.files ?? {})
    .map(([file, { mutants = [] }]) => {
      const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
      const undetected = mutants.filter((m) => UNDETECTED.has(m.status));
      const valid = detected + undetected.length;
      const threshold = THRESHOLDS.find((t) => t.pattern.test(file))?.min;
      return { file, total: mutants.length, detected, undetected, score: valid ? (100 * detected) / valid : 100, threshold };
    })
    .sort((a, b) => (a.file < b.file ? -1 : 1));
}

function main() {
  const args = process.argv.slice(2);
  const reportPath = args.find((a) => !a.startsWith('--')) ?? 'reports/mutation/mutation.json';
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const rows = scoreFiles(report);
  if (rows.length === 0) {
    console.error(`mutation check: ${reportPath} lists no mutated files`);
    process.exit(1);
  }
  let failed = 0;
  console.log('mutation score per file (killed+timeout / valid mutants):');
  for (const r of rows) {
    const verdict = r.threshold === undefined ? 'NO THRESHOLD' : r.score >= r.threshold ? 'ok' : 'BELOW';
    if (verdict !== 'ok') failed += 1;
    const need = r.threshold === undefined ? '   -' : `>=${r.threshold}`;
    console.log(`  ${r.score.toFixed(1).padStart(5)}%  ${need}  ${verdict.padEnd(12)} ${r.file}  (${r.detected}/${r.detected + r.undetected.length}, ${r.undetected.length} undetected)`);
    if (args.includes('--survivors')) {
      for (const m of r.undetected) {
        const at = `${m.location.start.line}:${m.location.start.column}`;
        console.log(`      ${m.status.padEnd(10)} ${at.padEnd(8)} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '').slice(0, 100)}`);
      }
    }
  }
  if (failed) {
    console.error(`mutation check: ${failed} file(s) below threshold or without one (thresholds: scripts/mutation-check.mjs)`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
