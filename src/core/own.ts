/**
 * Lookups keyed by user text (environment names, setting names, ids from files) read own keys
 * only: `record[name]` on a plain object also finds `constructor`, `toString`, `__proto__` and
 * the rest of Object.prototype, which once let `--env constructor` pass the environment check.
 */

/** The record's own value at `key`, never an inherited one. */
export function ownValue<V>(record: Readonly<Record<string, V>> | null | undefined, key: string): V | undefined {
  return record != null && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** True when `key` is one of the record's own keys. */
export function hasOwnKey(record: object | null | undefined, key: string): boolean {
  return record != null && Object.hasOwn(record, key);
}

/** A record with no prototype: safe to fill with user-named keys (`__proto__` is a plain key in it). */
export function nullRecord<V>(entries: Iterable<readonly [string, V]> = []): Record<string, V> {
  const record = Object.create(null) as Record<string, V>;
  for (const [key, value] of entries) record[key] = value;
  return record;
}
