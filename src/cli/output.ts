import { FaberError, isFaberError, ExitCode } from '../core/errors.js';
import { redactText, redactValue } from '../core/redaction/index.js';
import type { Colors } from 'picocolors/types.js';
import type { KnownIssueSummary } from '../debugger/summary.js';
import { mapStrings, sanitizeOutput } from '../core/text.js';
import { renderKnownIssue } from './render/debug.js';

/** Error text echoes user input: control characters made visible, the CLI's own line breaks kept. */
const clean = (text: string): string => sanitizeOutput(text);

/**
 * The version of the `--json` contract (docs/JSON-OUTPUT.md), in every envelope. Bumped when a
 * published schema (docs/schemas/) changes in a way a consumer can notice: a key renamed, removed
 * or added, a type or an allowed value changed. A new command's schema does not bump it.
 * Here, not beside the schemas, so that printing an envelope never loads zod.
 */
export const OUTPUT_SCHEMA_VERSION = 1;

/** The one shape stdout carries under --json (DESIGN §2); its schema is src/cli/output-schemas/common.ts. */
export type Envelope =
  | { ok: true; schema_version: typeof OUTPUT_SCHEMA_VERSION; command: string; data: unknown }
  | { ok: false; schema_version: typeof OUTPUT_SCHEMA_VERSION; command?: string; error: { code: string; message: string; hint?: string; details?: unknown } };

export function successEnvelope(command: string, data: unknown): Envelope {
  return { ok: true, schema_version: OUTPUT_SCHEMA_VERSION, command, data };
}

export function errorEnvelope(error: FaberError, command?: string): Envelope {
  const body: { code: string; message: string; hint?: string; details?: unknown } = { code: error.code, message: clean(error.message) };
  if (error.hint) body.hint = clean(error.hint);
  if (error.details !== undefined) body.details = mapStrings(error.details, clean);
  return command ? { ok: false, schema_version: OUTPUT_SCHEMA_VERSION, command, error: body } : { ok: false, schema_version: OUTPUT_SCHEMA_VERSION, error: body };
}

/** Anything thrown that is not a FaberError is a bug: report it as E_INTERNAL. */
export function toFaberError(error: unknown): FaberError {
  if (isFaberError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new FaberError('E_INTERNAL', `internal error: ${message}`, ExitCode.failed, {
    hint: 'run again with --verbose for the stack trace, and report it',
    cause: error,
  });
}

/**
 * Everything the CLI prints goes through printOut / printErr / writeJson: the one redaction
 * module sees it first (DESIGN §4), so no secret reaches a terminal, a CI log or an agent.
 */
export function printOut(text: string): void {
  process.stdout.write(redactText(text));
}

export function printErr(text: string): void {
  process.stderr.write(redactText(text));
}

/** Calls `done` once stdout has taken everything written so far (before a forced exit). */
export function afterStdoutDrains(done: () => void): void {
  process.stdout.write('', done);
}

/** Strings are redacted before serialisation, so the envelope stays valid JSON. */
export function writeJson(envelope: Envelope): void {
  process.stdout.write(`${JSON.stringify(redactValue(envelope), null, 2)}\n`);
}

export function renderHumanError(error: FaberError, style: Colors, verbose: boolean): string {
  const details = mapStrings(error.details, clean);
  const lines = [`${style.red(style.bold('error'))} ${style.dim(`[${error.code}]`)} ${clean(error.message)}`];
  const problems = (details as { problems?: { path: string; message: string }[] } | undefined)?.problems;
  if (problems && problems.length > 1) {
    for (const p of problems) lines.push(`  ${style.yellow(p.path)}: ${p.message}`);
  }
  if (error.hint) lines.push(`${style.cyan('hint')} ${clean(error.hint)}`);
  const known = (details as { debugger?: KnownIssueSummary } | undefined)?.debugger;
  if (known) lines.push(...renderKnownIssue(known, style));
  if (verbose && error.code === 'E_INTERNAL' && error.cause instanceof Error && error.cause.stack) lines.push(style.dim(clean(error.cause.stack)));
  if (verbose) lines.push(...toolOutput(details));
  return `${lines.join('\n')}\n`;
}

/** With --verbose: what the IaC tool itself printed, and the full text of its diagnostics. */
function toolOutput(details: unknown): string[] {
  const d = details as { argv?: string[]; stdout?: string; stderr?: string; diagnostics?: { summary: string; detail?: string; address?: string }[] } | undefined;
  if (!d) return [];
  const lines: string[] = [];
  if (d.argv) lines.push('', `$ ${d.argv.join(' ')}`);
  for (const [name, text] of [['stderr', d.stderr], ['stdout', d.stdout]] as const) {
    if (text?.trim()) lines.push(`--- ${name}`, text.trimEnd());
  }
  for (const diagnostic of d.diagnostics ?? []) {
    lines.push('', `${diagnostic.summary}${diagnostic.address ? ` (${diagnostic.address})` : ''}`);
    if (diagnostic.detail) lines.push(diagnostic.detail);
  }
  return lines;
}
