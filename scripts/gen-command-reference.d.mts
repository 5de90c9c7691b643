// Types for scripts/gen-command-reference.mjs (plain ESM, run without a compiler).
import type { CommandSpec } from '../src/cli/definition.js';
export const REFERENCE_FILE: string;
export const GENERATED_LINE: string;
export function anchorOf(def: CommandSpec): string;
export function schemaFileOf(def: CommandSpec): string;
export function renderCommandReference(commands: readonly CommandSpec[]): string;
