import type { Colors } from 'picocolors/types.js';
import type { Progress } from './context.js';

/** Plain progress lines on stderr: safe for CI logs, pipes and --json callers. */
export function createProgress(style: Colors, quiet: boolean): Progress {
  const write = (line: string) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
  return {
    step: (message) => write(`${style.cyan('›')} ${message}`),
    info: (message) => write(`  ${message}`),
    warn: (message) => process.stderr.write(`${style.yellow('warning')} ${message}\n`),
    problem: (message) => write(`  ${style.red('✗')} ${message}`),
  };
}
