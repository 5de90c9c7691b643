/**
 * Values as the tool stores them in a saved plan: cty's msgpack encoding, read into the JSON
 * shapes `show -json` would print (objects and maps as objects, lists, sets and tuples as
 * arrays), with values known only after apply as `UNKNOWN`.
 *
 * cty writes a number as an integer or a float64 only when exact; any other number (0.1, an
 * integer beyond 64 bits) is a string of its decimal digits, which only the type can tell from
 * a string. Where the type is in the data (a `dynamic` value is `[type JSON as bin, value]`)
 * this converts; elsewhere the caller does, from the schema digest's number paths.
 */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type CtyValue = null | boolean | number | string | typeof UNKNOWN | CtyValue[] | { [key: string]: CtyValue };

/** cty's extension codes: 0 an unknown value, 12 an unknown value with refinements (cty 1.13+). */
const EXT_UNKNOWN = 0;
const EXT_UNKNOWN_REFINED = 12;
const MAX_DEPTH = 256;

export function setKey(object: Record<string, unknown>, key: string, value: unknown): void {
  // JSON.parse makes `__proto__` an own key; so must we.
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

export function decodeCtyMsgpack(buf: Buffer): CtyValue {
  const reader = new Reader(buf);
  const value = reader.value(0);
  if (reader.at !== buf.length) throw new Error('msgpack: trailing bytes');
  return value;
}

class Reader {
  at = 0;
  constructor(private readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new Error('msgpack: truncated');
  }
  private u8(): number {
    this.need(1);
    return this.buf[this.at++] as number;
  }
  private u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }
  private u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  private bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }

  /** A bin header's length, or undefined (not moving) when the next value is not bin. */
  private binLength(): number | undefined {
    const b = this.buf[this.at];
    if (b === 0xc4) return (this.at++, this.u8());
    if (b === 0xc5) return (this.at++, this.u16());
    if (b === 0xc6) return (this.at++, this.u32());
    return undefined;
  }

  value(depth: number): CtyValue {
    if (depth > MAX_DEPTH) throw new Error('msgpack: nested too deep');
    const b = this.u8();
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b >= 0x80 && b <= 0x8f) return this.map(b & 0x0f, depth);
    if (b >= 0x90 && b <= 0x9f) return this.array(b & 0x0f, depth);
    if (b >= 0xa0 && b <= 0xbf) return this.bytes(b & 0x1f).toString('utf8');
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xca: {
        this.need(4);
        const v = this.buf.readFloatBE(this.at);
        this.at += 4;
        return v;
      }
      case 0xcb: {
        this.need(8);
        const v = this.buf.readDoubleBE(this.at);
        this.at += 8;
        return v;
      }
      case 0xcc:
        return this.u8();
      case 0xcd:
        return this.u16();
      case 0xce:
        return this.u32();
      case 0xcf: {
        this.need(8);
        const v = this.buf.readBigUInt64BE(this.at);
        this.at += 8;
        return Number(v);
      }
      case 0xd0: {
        this.need(1);
        return this.buf.readInt8(this.at++);
      }
      case 0xd1: {
        this.need(2);
        const v = this.buf.readInt16BE(this.at);
        this.at += 2;
        return v;
      }
      case 0xd2: {
        this.need(4);
        const v = this.buf.readInt32BE(this.at);
        this.at += 4;
        return v;
      }
      case 0xd3: {
        this.need(8);
        const v = this.buf.readBigInt64BE(this.at);
        this.at += 8;
        return Number(v);
      }
      case 0xd9:
        return this.bytes(this.u8()).toString('utf8');
      case 0xda:
        return this.bytes(this.u16()).toString('utf8');
      case 0xdb:
        return this.bytes(this.u32()).toString('utf8');
      case 0xdc:
        return this.array(this.u16(), depth);
      case 0xdd:
        return this.array(this.u32(), depth);
      case 0xde:
        return this.map(this.u16(), depth);
      case 0xdf:
        return this.map(this.u32(), depth);
      case 0xd4:
        return this.ext(1);
      case 0xd5:
        return this.ext(2);
      case 0xd6:
        return this.ext(4);
      case 0xd7:
        return this.ext(8);
      case 0xd8:
        return this.ext(16);
      case 0xc7:
        return this.ext(this.u8());
      case 0xc8:
        return this.ext(this.u16());
      case 0xc9:
        return this.ext(this.u32());
      default:
        // bin outside a dynamic value's type, or a reserved byte: not something cty writes.
        throw new Error(`msgpack: unexpected byte 0x${b.toString(16)}`);
    }
  }

  private ext(length: number): CtyValue {
    this.need(1);
    const type = this.buf.readInt8(this.at++);
    this.bytes(length);
    if (type === EXT_UNKNOWN || type === EXT_UNKNOWN_REFINED) return UNKNOWN;
    throw new Error(`msgpack: extension type ${type}`);
  }

  private array(length: number, depth: number): CtyValue {
    // `[type JSON (bin), value]`: a value whose type is only known at run time.
    if (length === 2) {
      const bin = this.binLength();
      if (bin !== undefined) {
        const type = JSON.parse(this.bytes(bin).toString('utf8')) as unknown;
        return withNumbers(this.value(depth + 1), type, 0);
      }
    }
    const out: CtyValue[] = [];
    for (let i = 0; i < length; i++) out.push(this.value(depth + 1));
    return out;
  }

  private map(length: number, depth: number): CtyValue {
    const out: Record<string, CtyValue> = {};
    for (let i = 0; i < length; i++) {
      const key = this.value(depth + 1);
      if (typeof key !== 'string') throw new Error('msgpack: a map key that is not a string');
      setKey(out, key, this.value(depth + 1));
    }
    return out;
  }
}

/** A number cty wrote as its digits (see above), as the number `show -json` prints. */
export function numberFromDigits(value: CtyValue): CtyValue {
  if (typeof value !== 'string') return value;
  if (!/^-?\d+(?:\.\d+)?$/.test(value)) throw new Error(`msgpack: a number written as ${JSON.stringify(value)}`);
  return Number(value);
}

/** Numbers written as digits, converted where `type` (cty's type JSON) says number. */
function withNumbers(value: CtyValue, type: unknown, depth: number): CtyValue {
  if (value === null || value === UNKNOWN || depth > MAX_DEPTH) return value;
  if (type === 'number') return numberFromDigits(value);
  if (!Array.isArray(type)) return value;
  const [kind, inner] = type as [unknown, unknown];
  if ((kind === 'list' || kind === 'set') && Array.isArray(value)) return value.map((v) => withNumbers(v, inner, depth + 1));
  if (kind === 'tuple' && Array.isArray(value) && Array.isArray(inner)) return value.map((v, i) => withNumbers(v, inner[i], depth + 1));
  if ((kind === 'map' || kind === 'object') && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, CtyValue> = {};
    for (const [k, v] of Object.entries(value)) setKey(out, k, withNumbers(v, kind === 'map' ? inner : (inner as Record<string, unknown> | undefined)?.[k], depth + 1));
    return out;
  }
  return value;
}
