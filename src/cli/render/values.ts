/** A setting's value as a person reads it: null as none, objects as key=value pairs. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (typeof v === 'object' && !Array.isArray(v)) {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${x === null ? 'none' : typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
      .join(' ');
  }
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
