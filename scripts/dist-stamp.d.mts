// Types for scripts/dist-stamp.mjs (plain ESM so scripts/build.mjs can run without a compiler).
export const REPO_ROOT: string;
export const STAMP_FILE: string;
export function buildInputsHash(root?: string): Promise<string>;
export function stampText(hash: string): string;
export function readStamp(distDir: string): Promise<string | undefined>;
export function distDir(root?: string): string;
export function distIsFresh(root?: string): Promise<boolean>;
export function ensureFreshDist(root?: string, options?: { command?: string[]; log?: (line: string) => void }): Promise<boolean>;
