import type { Colors } from 'picocolors/types.js';
import type { Progress } from './context.js';
import { printErr } from './output.js';

/** Plain progress lines on stderr: safe for CI logs, pipes and --json callers. */
export function createProgress(style: Colors, quiet: boolean): Progress {
  const write = (line: string) => {
    if (!quiet) printErr(`${line}\n`);
  };
  return {
    step: (message) => write(`${style.cyan('›')} ${message}`),
    info: (message) => write(`  ${message}`),
    warn: (message) => printErr(`${style.yellow('warning')} ${message}\n`),
    problem: (message) => write(`  ${style.red('✗')} ${message}`),
  };
}
