/**
 * Protocol-buffers wire format, as far as a saved plan's `tfplan` entry needs: each message is
 * read into its fields by number, and the message readers in tfplan.ts take the ones they know.
 */
export type WireValue = { wire: 0; value: bigint } | { wire: 2; value: Buffer } | { wire: 1 | 5; value: Buffer };

export interface WireField {
  field: number;
  value: WireValue;
}

function varint(buf: Buffer, at: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (at >= buf.length) throw new Error('protobuf: truncated varint');
    const byte = buf[at++] as number;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, at];
    shift += 7n;
  }
  throw new Error('protobuf: varint too long');
}

/** Every field of one message, in order (repeated fields appear once per element). */
export function readFields(buf: Buffer): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  while (at < buf.length) {
    const [tag, next] = varint(buf, at);
    at = next;
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (field === 0) throw new Error('protobuf: field number 0');
    if (wire === 0) {
      const [value, after] = varint(buf, at);
      at = after;
      fields.push({ field, value: { wire: 0, value } });
    } else if (wire === 2) {
      const [length, after] = varint(buf, at);
      const end = after + Number(length);
      if (end > buf.length) throw new Error('protobuf: truncated field');
      fields.push({ field, value: { wire: 2, value: buf.subarray(after, end) } });
      at = end;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (at + size > buf.length) throw new Error('protobuf: truncated field');
      fields.push({ field, value: { wire, value: buf.subarray(at, at + size) } });
      at += size;
    } else {
      throw new Error(`protobuf: wire type ${wire}`);
    }
  }
  return fields;
}

export function asVarint(f: WireField): bigint {
  if (f.value.wire !== 0) throw new Error(`protobuf: field ${f.field} is not a varint`);
  return f.value.value;
}

export function asBytes(f: WireField): Buffer {
  if (f.value.wire !== 2) throw new Error(`protobuf: field ${f.field} is not length-delimited`);
  return f.value.value;
}

export function asString(f: WireField): string {
  return asBytes(f).toString('utf8');
}
