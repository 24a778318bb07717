// Decoding one 512-byte tar header block (ustar, GNU base-256 numbers, the ustar prefix field) with
// the meaning the `tar` package's Header gives it, but by reading bytes in place: its decoder turns
// every field into a string and runs a regular expression over it, ~10–20 µs a header in a cold
// process, which for the 287 headers of a busybox layer was the larger part of unpacking it.
// pax and GNU long-name records are applied by the callers (tar-reader.ts, tar-index.ts).

export const BLOCK = 512;

/** The typeflag's name, as the `tar` package spells it ("File", "Link", "Directory", …). */
const TYPE_NAMES: Record<string, string> = {
  "0": "File", "1": "Link", "2": "SymbolicLink", "3": "CharacterDevice", "4": "BlockDevice",
  "5": "Directory", "6": "FIFO", "7": "ContiguousFile", g: "GlobalExtendedHeader", x: "ExtendedHeader",
  A: "SolarisACL", D: "GNUDumpDir", I: "Inode", K: "NextFileHasLongLinkpath", L: "NextFileHasLongPath",
  M: "ContinuationFile", N: "OldGnuLongPath", S: "SparseFile", V: "TapeVolumeHeader", X: "OldExtendedHeader",
};

export interface TarHeader {
  path: string;
  linkpath: string;
  /** The typeflag character ("0" for a NUL flag): "x", "g", "L", "K" mark pax and GNU records. */
  flag: string;
  /** Its name ("File", "Directory", …) or "Unsupported". */
  type: string;
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of data after the header (0 for directories, whatever the header says). */
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  devmajor: number;
  devminor: number;
  cksumValid: boolean;
}

/** Buffer's UTF-8 decoder, called on any Uint8Array: no Buffer view is made per field. */
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice(this: Uint8Array, start: number, end: number): string }).utf8Slice;

/** A NUL-terminated field as UTF-8 (empty when it starts with NUL). */
function field(b: Uint8Array, off: number, len: number): string {
  let end = off;
  const max = off + len;
  while (end < max && b[end] !== 0) end++;
  return end === off ? "" : utf8Slice.call(b, off, end);
}

/** A numeric field: octal text (leading spaces, ends at the first non-octal byte) or base-256. */
function number(b: Uint8Array, off: number, len: number): number | undefined {
  const first = b[off];
  if (first & 0x80) {
    // GNU base-256: 0x80 positive, 0xff negative (two's complement)
    const negative = first === 0xff;
    if (!negative && first !== 0x80) throw new Error("invalid base256 encoding");
    let v = 0;
    for (let i = off + 1; i < off + len; i++) v = v * 256 + (negative ? 0xff - b[i] : b[i]);
    if (!Number.isSafeInteger(v)) throw new Error("parsed number outside of javascript safe integer range");
    return negative ? -(v + 1) : v;
  }
  let i = off;
  const end = off + len;
  while (i < end && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a)) i++;
  let v = 0, digits = 0;
  for (; i < end; i++) {
    const c = b[i];
    if (c < 0x30 || c > 0x37) break;
    v = v * 8 + (c - 0x30);
    digits++;
  }
  return digits > 0 ? v : undefined;
}

function isUstar(b: Uint8Array, off: number): boolean {
  // "ustar\0" "00": POSIX ustar (GNU's "ustar  \0" has no prefix field)
  return b[off + 257] === 0x75 && b[off + 258] === 0x73 && b[off + 259] === 0x74 && b[off + 260] === 0x61 &&
    b[off + 261] === 0x72 && b[off + 262] === 0 && b[off + 263] === 0x30 && b[off + 264] === 0x30;
}

/**
 * The header's checksum: the sum of its bytes with the checksum field read as spaces. Summed a
 * 32-bit word at a time when the block is aligned (two 16-bit lanes per word): a quarter of the
 * loop iterations, which is what a cold process pays for, in the interpreter, per header.
 */
function checksum(b: Uint8Array, off: number): number {
  const at = b.byteOffset + off;
  if ((at & 3) !== 0) return checksumBytes(b, off);
  const w = words(b.buffer);
  const first = at >>> 2;
  if (first + 128 > w.length) return checksumBytes(b, off);
  // 128 words of at most 2×255 per lane: no lane overflows 16 bits
  let lanes = 2 * 0x00400040; // words 37 and 38, bytes 148..155: the checksum field, as spaces
  for (let i = first; i < first + 37; i++) lanes += (w[i] & 0x00ff00ff) + ((w[i] >>> 8) & 0x00ff00ff);
  for (let i = first + 39; i < first + 128; i++) lanes += (w[i] & 0x00ff00ff) + ((w[i] >>> 8) & 0x00ff00ff);
  return (lanes & 0xffff) + (lanes >>> 16);
}

function checksumBytes(b: Uint8Array, off: number): number {
  let sum = 8 * 0x20;
  for (let i = off; i < off + 148; i++) sum += b[i];
  for (let i = off + 156; i < off + BLOCK; i++) sum += b[i];
  return sum;
}

/** A 32-bit view of the last buffer read: one per buffer, not one per header. */
let wordsOf: ArrayBufferLike | undefined;
let wordsView = new Uint32Array(0);
function words(buf: ArrayBufferLike): Uint32Array {
  if (buf !== wordsOf) {
    wordsView = new Uint32Array(buf, 0, buf.byteLength >>> 2);
    wordsOf = buf;
  }
  return wordsView;
}

/** Decodes the header block at off (512 bytes must be there). */
export function decodeHeader(b: Uint8Array, off = 0): TarHeader {
  const raw = b[off + 156];
  let flag = raw === 0 ? "0" : String.fromCharCode(raw);
  let path = field(b, off, 100);
  if (flag === "0" && path.endsWith("/")) flag = "5"; // old tars mark directories so
  let devmajor = 0, devminor = 0;
  if (isUstar(b, off)) {
    devmajor = number(b, off + 329, 8) ?? 0;
    devminor = number(b, off + 337, 8) ?? 0;
    const prefix = b[off + 475] !== 0 ? field(b, off + 345, 155) : field(b, off + 345, 130);
    if (prefix) path = `${prefix}/${path}`;
  }
  const size = number(b, off + 124, 12);
  const sum = checksum(b, off);
  return {
    path,
    linkpath: field(b, off + 157, 100),
    flag,
    type: TYPE_NAMES[flag] ?? "Unsupported",
    mode: number(b, off + 100, 8) ?? 0o644,
    uid: number(b, off + 108, 8) ?? 0,
    gid: number(b, off + 116, 8) ?? 0,
    size: flag === "5" || size === undefined || size < 0 ? 0 : size,
    mtime: number(b, off + 136, 12) ?? 0,
    devmajor,
    devminor,
    cksumValid: sum === number(b, off + 148, 12),
  };
}

/** Whether the block at off is all zero bytes (the end-of-archive marker), compared natively. */
const ZERO = new Uint8Array(BLOCK);
export function isZeroBlock(b: Uint8Array, off = 0): boolean {
  // a header names something and has a checksum: most blocks are told apart by two bytes
  if (b[off] !== 0 || b[off + 148] !== 0) return false;
  return Buffer.compare(Buffer.from(b.buffer, b.byteOffset + off, BLOCK), ZERO) === 0;
}
