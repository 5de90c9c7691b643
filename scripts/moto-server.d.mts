// Types for scripts/moto-server.mjs (test/support/moto.ts imports it).
import type { ChildProcess } from 'node:child_process';

export interface StartedMoto {
  endpoint: string;
  stop(): Promise<void>;
  child: ChildProcess;
  logFile: string;
}
export declare function startMoto(binary: string, options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<StartedMoto>;
