import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { onInterrupt } from './interrupt.js';

/**
 * The one wrapper around external programs (the IaC binary, the optional scanners): every
 * child runs non-interactively (stdin ignored), in its own process group, with faber-cloud's
 * signals forwarded to it, so a terminal's Ctrl-C reaches it once, through us.
 */

export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ProcessOptions {
  cwd?: string;
  /** The whole environment of the child (nothing else is inherited). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Called with each stdout line as it arrives. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  /**
   * How many of our signals the child is spared: 0 forwards the first and second as SIGINT
   * (tofu stops gracefully on one, at once on a second); 2 lets a short read finish. The third
   * always kills it.
   */
  spareSignals?: 0 | 2;
}

export async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** The first executable called `name` on the PATH of `env`. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && (await isExecutable(path.join(dir, name)))) return path.join(dir, name);
  }
  return undefined;
}

export async function runProcess(file: string, argv: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  const subprocess = execa(file, argv, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: options.env ?? process.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    detached: true,
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  const spare = options.spareSignals ?? 0;
  const unsubscribe = onInterrupt((_signal, count) => {
    if (count <= spare && count < 3) return;
    try {
      subprocess.kill(count >= 3 ? 'SIGKILL' : 'SIGINT');
    } catch {
      // already gone
    }
  });
  if (options.onLine) {
    const onLine = options.onLine;
    let buffered = '';
    subprocess.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    subprocess.stdout?.on('end', () => {
      if (buffered) onLine(buffered);
    });
  }
  try {
    const result = await subprocess;
    return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), timedOut: Boolean(result.timedOut) };
  } finally {
    unsubscribe();
  }
}
