// Types for scripts/ensure-deps.mjs (plain ESM: it runs before the dependencies are installed).
export function dependencyState(dir?: string): { current: true } | { current: false; reason: string };
