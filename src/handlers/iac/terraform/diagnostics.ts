import type { ApplyEvent, Diagnostic } from '../types.js';

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
export function parseStreamLine(line: string): ApplyEvent | undefined {
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
