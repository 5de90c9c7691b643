// Types for scripts/moto-server.mjs (test/support/moto.ts imports it).
import type { ChildProcess } from 'node:child_process';

export interface StartedMoto {
  endpoint: string;
  stop(): Promise<void>;
  child: ChildProcess;
  logFile: string;
}
/** The manifest fields these read (test/support/tools.ts TestTools). */
export interface MotoTools {
  moto_server: string;
  moto_python?: string;
  moto_origin?: string;
}
export declare const SCOPED_LAUNCHER: string;
export declare function motoPython(tools: MotoTools): string;
export declare function motoCommand(tools: MotoTools, options?: { scoped?: boolean }): string[];
export declare function startMoto(
  command: string | string[],
  options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number; version?: string },
): Promise<StartedMoto>;
