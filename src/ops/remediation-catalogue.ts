import data from '../../plugin/templates/ops/remediation-catalogue.json' with { type: 'json' };
import type { FaberConfig } from '../core/config/schema.js';

/** One action of templates/ops/remediation-catalogue.json. */
export interface CatalogueAction {
  id: string;
  /** Other names accepted for --action (e.g. restart, as the director routes it). */
  aliases: string[];
  summary: string;
  /** IaC resource types the action may change. */
  target_types: string[];
  /** The setting it changes, as recorded in the history. */
  setting: string;
  api: string;
  changes: string;
  parameters: CatalogueParameter[];
  /** With {env}, {target}, {before}; null when the change cannot be undone. */
  undo_command: string | null;
  undo_note: string;
}

export interface CatalogueParameter {
  name: string;
  flag: string;
  type: 'integer' | 'integer-or-none' | 'resource';
  min?: number;
  /** Key under `remediation` in devops.json holding the upper bound. */
  max_setting?: RemediationBound;
  description: string;
}

/** The bounds under `remediation` in devops.json. */
export type RemediationBound = Exclude<keyof FaberConfig['remediation'], '$comment'>;

/** The ids the code implements (src/ops/remediate.ts); the catalogue must list exactly these. */
export const IMPLEMENTED_ACTIONS = ['restart-service', 'scale-service', 'set-concurrency', 'redrive-dlq'] as const;
export type RemediationActionId = (typeof IMPLEMENTED_ACTIONS)[number];

export const catalogue: readonly CatalogueAction[] = (data as { actions: CatalogueAction[] }).actions;

export function catalogueAction(id: string): CatalogueAction | undefined {
  return catalogue.find((a) => a.id === id || a.aliases.includes(id));
}

/** Fill {env}, {target}, {before}, {after} into a catalogue text. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
