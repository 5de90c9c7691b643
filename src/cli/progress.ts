import type { Colors } from 'picocolors/types.js';
import { sanitizeOutput } from '../core/text.js';
import type { Progress } from './context.js';
import { printErr } from './output.js';

/** Plain progress lines on stderr: safe for CI logs, pipes and --json callers. */
export function createProgress(style: Colors, quiet: boolean): Progress {
  // Progress lines echo names from the user and the cloud: control characters made visible.
  const clean = (line: string) => sanitizeOutput(line, { colors: style.isColorSupported });
  const write = (line: string) => {
    if (!quiet) printErr(`${clean(line)}\n`);
  };
  return {
    step: (message) => write(`${style.cyan('›')} ${message}`),
    info: (message) => write(`  ${message}`),
    warn: (message) => printErr(`${clean(`${style.yellow('warning')} ${message}`)}\n`),
    problem: (message) => write(`  ${style.red('✗')} ${message}`),
  };
}
