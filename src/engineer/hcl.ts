import { hclStringContent } from '../design/naming.js';

/** A JSON-like value as an HCL literal expression: strings quoted and escaped, null as null. */
export function hclLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `"${hclStringContent(value)}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(hclLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${hclLiteral(k)} = ${hclLiteral(v)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  throw new TypeError(`no HCL literal for ${typeof value}`);
}

/** A logical name as an HCL identifier (resource and local names): '-' becomes '_'. */
export function hclIdentifier(name: string): string {
  return name.replace(/-/g, '_');
}
