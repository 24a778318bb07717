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

/** A NUL-terminated field as UTF-8 (empty when it starts with NUL). */
function field(b: Uint8Array, off: number, len: number): string {
  let end = off;
  const max = off + len;
  while (end < max && b[end] !== 0) end++;
  return end === off ? "" : Buffer.from(b.buffer, b.byteOffset + off, end - off).toString("utf8");
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
  let sum = 8 * 0x20;
  for (let i = off; i < off + 148; i++) sum += b[i];
  for (let i = off + 156; i < off + BLOCK; i++) sum += b[i];
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
  return Buffer.compare(Buffer.from(b.buffer, b.byteOffset + off, BLOCK), ZERO) === 0;
}
