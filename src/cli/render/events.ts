import type { Colors } from 'picocolors/types.js';
import type { EventSink, FaberEvent } from '../../core/events.js';
import { sanitizeOutput } from '../../core/text.js';
import { printErr } from '../output.js';

/**
 * The one place events (src/core/events.ts) become lines for a person. Always stderr, so
 * stdout stays exactly one JSON object under --json; the level decides whether a line shows
 * (debug only with --verbose), the code decides how it reads.
 */
export function createEventRenderer(style: Colors, options: { verbose: boolean; write?: (text: string) => void }): EventSink {
  const write = options.write ?? printErr;
  // Events echo names from the user and the cloud: control characters made visible.
  const clean = (line: string) => sanitizeOutput(line, { colors: style.isColorSupported });
  return (event) => {
    for (const line of eventLines(event, style, options.verbose)) write(`${clean(line)}\n`);
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** The lines one event shows as: none for debug detail without --verbose. */
export function eventLines(event: FaberEvent, s: Colors, verbose: boolean): string[] {
  if (event.level === 'debug' && !verbose) return [];
  const stepLine = (text: string) => `${s.cyan('›')} ${text}`;
  const detail = (text: string) => `  ${text}`;
  switch (event.code) {
    case 'IDENTITY': {
      const d = event.data;
      const note = d.operation === 'ops-read' ? ', read-only' : '';
      return [stepLine(`account ${s.bold(d.account)} · region ${d.region} · profile ${d.profile} (${d.role}${note})`), detail(`caller ${d.arn}`)];
    }
    case 'APPLY_RESOURCE': {
      const { phase, address, action, elapsed_seconds: seconds = 0 } = event.data;
      if (phase === 'complete') return [detail(`${s.green('✓')} ${address} ${s.dim(`${action} ${seconds}s`)}`)];
      if (phase === 'errored') return [detail(`${s.red('✗')} ${address} ${s.dim(`${action} failed after ${seconds}s`)}`)];
      if (phase === 'progress') return [detail(`${s.dim('…')} ${address} ${s.dim(`${action}, ${seconds}s so far`)}`)];
      return [detail(`${s.dim('…')} ${address} ${s.dim(action)}`)];
    }
    case 'APPLY_DIAGNOSTIC': {
      const { severity, summary, address } = event.data;
      return byLevel(severity === 'error' ? 'error' : 'warn', `${summary}${address ? ` (${address})` : ''}`, s);
    }
    case 'LOGS_PROGRESS': {
      const d = event.data;
      return [stepLine(`read ${count(d.events_read)} events so far (${d.log_group}: ${count(d.log_group_events)})`)];
    }
    default:
      // Steps and warnings are their message; a code this renderer does not know still shows.
      return byLevel(event.level, (event as { message?: string }).message ?? event.code, s);
  }
}

/** A message-only event by its level; an unknown level reads as info (never dropped, never a crash). */
function byLevel(level: string, message: string, s: Colors): string[] {
  switch (level) {
    case 'warn':
      return [`${s.yellow('warning')} ${message}`];
    case 'error':
      return [`  ${s.red('✗')} ${message}`];
    case 'debug':
      return [`  ${s.dim(message)}`];
    case 'result':
      return [message];
    default:
      return [`${s.cyan('›')} ${message}`];
  }
}
