import { InterruptedError } from './errors.js';

/**
 * The process-wide record of SIGINT/SIGTERM/SIGHUP. src/cli installs the handlers and calls
 * requestInterrupt; library code asks (throwIfInterrupted at safe points), the IaC runner
 * forwards the signal to its child, and work that must finish to leave artifacts consistent
 * (recording a run) marks itself busy so the CLI waits for it before exiting.
 */

export type InterruptListener = (signal: NodeJS.Signals, count: number) => void;

const received: NodeJS.Signals[] = [];
const listeners = new Set<InterruptListener>();
const busyListeners = new Set<() => void>();
let busy = 0;

export function requestInterrupt(signal: NodeJS.Signals): void {
  received.push(signal);
  for (const listener of [...listeners]) listener(signal, received.length);
}

/** How many signals arrived so far. */
export function interruptCount(): number {
  return received.length;
}

/** The error for the first signal received, if any. */
export function interruption(): InterruptedError | undefined {
  const signal = received[0];
  // No hint: a person who pressed Ctrl-C gets one line.
  return signal ? new InterruptedError(signal, `interrupted by ${signal}`) : undefined;
}

/** At a point where stopping leaves everything consistent: stop if a signal arrived. */
export function throwIfInterrupted(): void {
  const error = interruption();
  if (error) throw error;
}

/** Called for each signal (with the count so far); returns the unsubscribe function. */
export function onInterrupt(listener: InterruptListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Is a child process or a recording step running that the CLI must wait for? */
export function isBusy(): boolean {
  return busy > 0;
}

/** Calls `listener` whenever busy work ends; returns the unsubscribe function. */
export function onBusyEnd(listener: () => void): () => void {
  busyListeners.add(listener);
  return () => busyListeners.delete(listener);
}

/** Run `fn` as work the CLI waits for after a signal (a child process, recording a run). */
export async function busyWhile<T>(fn: () => Promise<T>): Promise<T> {
  busy += 1;
  try {
    return await fn();
  } finally {
    busy -= 1;
    for (const listener of [...busyListeners]) listener();
  }
}
