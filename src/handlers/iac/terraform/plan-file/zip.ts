import { inflateRawSync } from 'node:zlib';

/**
 * The entries of a zip archive (a saved plan is one), by name. Only what the tool writes is
 * read: stored or deflated entries, no encryption, no zip64, one disk. Anything else throws,
 * and the caller asks the tool instead (an encrypted OpenTofu plan is not a zip at all).
 */
export function readZipEntries(zip: Buffer, wanted: (name: string) => boolean): Map<string, Buffer> {
  const end = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw new Error('zip: bad central directory');
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (!wanted(name)) continue;
    if (flags & 0x1) throw new Error('zip: encrypted entry');
    if (compressedSize === 0xffffffff || size === 0xffffffff || localHeader === 0xffffffff) throw new Error('zip: zip64 entry');
    if (localHeader + 30 > zip.length || zip.readUInt32LE(localHeader) !== 0x04034b50) throw new Error('zip: bad local header');
    const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    if (dataStart + compressedSize > zip.length) throw new Error('zip: truncated entry');
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    let content: Buffer;
    if (method === 0) content = Buffer.from(data);
    // Never more than the entry says it holds (a crafted archive cannot balloon).
    else if (method === 8) content = inflateRawSync(data, { maxOutputLength: Math.max(size, 1) });
    else throw new Error(`zip: compression method ${method}`);
    if (content.length !== size) throw new Error('zip: size mismatch');
    if (entries.has(name)) throw new Error(`zip: duplicate entry ${name}`);
    entries.set(name, content);
  }
  return entries;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of up to 65,535.
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === 0x06054b50) {
      if (zip.readUInt16LE(at + 4) !== 0 || zip.readUInt16LE(at + 6) !== 0) throw new Error('zip: multi-disk archive');
      return at;
    }
  }
  throw new Error('zip: not a zip archive');
}
