import type { CommandDefinition } from '../context.js';

/** Commands of one area, spread into the registry in src/cli/commands.ts (same rules: one definition each, actions loaded lazily). */
export const commands: readonly CommandDefinition[] = [];
