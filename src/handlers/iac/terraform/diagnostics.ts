import type { FaberEvent } from '../../../core/events.js';
import type { Diagnostic } from '../types.js';

/** One line of the tool's machine output that matters here: a resource step or a diagnostic. */
export type StreamEvent =
  | { kind: 'start'; address: string; action: string }
  | { kind: 'progress'; address: string; action: string; elapsedSeconds: number }
  | { kind: 'complete'; address: string; action: string; elapsedSeconds: number }
  | { kind: 'errored'; address: string; action: string; elapsedSeconds: number }
  | { kind: 'diagnostic'; diagnostic: Diagnostic };

interface JsonDiagnostic {
  severity?: string;
  summary?: string;
  detail?: string;
  address?: string;
  range?: { filename?: string; start?: { line?: number; column?: number } };
}

export function fromJsonDiagnostic(d: JsonDiagnostic): Diagnostic {
  const out: Diagnostic = { severity: d.severity === 'warning' ? 'warning' : 'error', summary: d.summary ?? '(no summary)' };
  if (d.detail) out.detail = d.detail;
  if (d.address) out.address = d.address;
  if (d.range?.filename) out.file = d.range.filename;
  if (d.range?.start?.line !== undefined) out.line = d.range.start.line;
  if (d.range?.start?.column !== undefined) out.column = d.range.start.column;
  return out;
}

/** One line of `plan -json` / `apply -json` machine output, as an event (or nothing). */
export function parseStreamLine(line: string): StreamEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  let message: { type?: string; hook?: { resource?: { addr?: string }; action?: string; elapsed_seconds?: number }; diagnostic?: JsonDiagnostic };
  try {
    message = JSON.parse(line);
  } catch {
    return undefined;
  }
  const hook = message.hook;
  const address = hook?.resource?.addr ?? '';
  const action = hook?.action ?? '';
  const elapsedSeconds = hook?.elapsed_seconds ?? 0;
  switch (message.type) {
    case 'apply_start':
      return { kind: 'start', address, action };
    case 'apply_progress':
      return { kind: 'progress', address, action, elapsedSeconds };
    case 'apply_complete':
      return { kind: 'complete', address, action, elapsedSeconds };
    case 'apply_errored':
      return { kind: 'errored', address, action, elapsedSeconds };
    case 'diagnostic':
      return message.diagnostic ? { kind: 'diagnostic', diagnostic: fromJsonDiagnostic(message.diagnostic) } : undefined;
    default:
      return undefined;
  }
}

/** A stream event as the one event type the CLI renders: a still-running resource is debug detail. */
export function toEvent(event: StreamEvent): FaberEvent {
  if (event.kind === 'diagnostic') {
    const { severity, summary, address } = event.diagnostic;
    return { level: severity === 'error' ? 'error' : 'warn', code: 'APPLY_DIAGNOSTIC', data: { severity, summary, ...(address ? { address } : {}) } };
  }
  const level = event.kind === 'errored' ? 'error' : event.kind === 'progress' ? 'debug' : 'info';
  return { level, code: 'APPLY_RESOURCE', data: { phase: event.kind, address: event.address, action: event.action, ...(event.kind === 'start' ? {} : { elapsed_seconds: event.elapsedSeconds }) } };
}

/**
 * Diagnostics from the tool's human output (commands without -json, e.g. init):
 * blocks that start with "Error: " or "Warning: ", optionally framed with box characters,
 * with an " on FILE line N" locator.
 */
export function parseTextDiagnostics(text: string): Diagnostic[] {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/^[│╷╵]\s?/, ''));
  const out: Diagnostic[] = [];
  let current: Diagnostic | undefined;
  let detail: string[] = [];
  const finish = () => {
    if (!current) return;
    const body = detail.join('\n').trim();
    if (body) current.detail = body;
    out.push(current);
    current = undefined;
    detail = [];
  };
  for (const line of lines) {
    const head = /^(Error|Warning): (.*)$/.exec(line);
    if (head) {
      finish();
      current = { severity: head[1] === 'Warning' ? 'warning' : 'error', summary: (head[2] ?? '').trim() };
      continue;
    }
    if (!current) continue;
    const where = /^\s*(?:with|on) (\S+) line (\d+)(?:, in (.+?):?)?$/.exec(line);
    if (where && current.file === undefined) {
      current.file = where[1] as string;
      current.line = Number(where[2]);
      const inWhat = where[3]?.replace(/:$/, '');
      const resource = inWhat && /^resource "([^"]+)" "([^"]+)"/.exec(inWhat);
      if (resource) current.address = `${resource[1]}.${resource[2]}`;
      continue;
    }
    detail.push(line);
  }
  finish();
  return out;
}
