// A synchronous, streaming tar reader: feed it bytes as they arrive, it calls the sink for each
// entry and its data. Header blocks are decoded by tar-header.ts (ustar, GNU base-256 numbers,
// prefix field); pax extended headers (including SCHILY.xattr.*) and GNU long names are handled
// here, because extraction needs the xattrs that the `tar` package's own Pax class drops.

import { InvalidInputError } from "../errors";
import { BLOCK, decodeHeader, isZeroBlock } from "./tar-header";
import { LONG_WORK, longWork } from "../sys/jit";

export type EntryType = "File" | "OldFile" | "ContiguousFile" | "Link" | "SymbolicLink" |
  "CharacterDevice" | "BlockDevice" | "Directory" | "FIFO" | string;

export interface TarEntry {
  path: string;
  linkpath: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number; // seconds since the epoch (fractions kept for pax times)
  devmajor: number;
  devminor: number;
  xattrs: Record<string, Buffer>;
}

export interface TarSink {
  entry(e: TarEntry): void;
  data(chunk: Uint8Array): void;
  entryEnd(): void;
}

type PaxValues = Record<string, string | Buffer>;
/** No pax records (shared, never written to). */
const NO_PAX: PaxValues = Object.freeze({}) as PaxValues;

/** Parses a pax extended header body: records "LEN key=value\n". Values stay bytes for xattrs. */
export function parsePax(body: Buffer): PaxValues {
  const out: PaxValues = {};
  let off = 0;
  while (off < body.length) {
    const sp = body.indexOf(0x20, off);
    if (sp < 0) break;
    const len = Number(body.subarray(off, sp).toString("latin1"));
    if (!Number.isInteger(len) || len <= 0 || off + len > body.length) throw new InvalidInputError("invalid pax header in archive");
    const rec = body.subarray(sp + 1, off + len - 1); // without trailing \n
    const eq = rec.indexOf(0x3d);
    if (eq > 0) {
      const key = rec.subarray(0, eq).toString("utf8");
      const val = rec.subarray(eq + 1);
      out[key] = key.startsWith("SCHILY.xattr.") ? Buffer.from(val) : val.toString("utf8");
    }
    off += len;
  }
  return out;
}

export class TarReader {
  private buf: Buffer = Buffer.alloc(0);
  private remaining = 0; // data bytes left in the current entry
  private padding = 0;   // zero bytes after the data, up to a block boundary
  private meta: { kind: string; chunks: Buffer[]; size: number } | null = null;
  private pax: PaxValues = NO_PAX;
  private globalPax: PaxValues = NO_PAX;
  private longPath: string | null = null;
  private longLink: string | null = null;
  private inEntry = false;
  private ended = false;
  private zeroBlocks = 0;
  private headers = 0;

  constructor(private sink: TarSink) {}

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let off = 0;
    while (off < this.buf.length && !this.ended) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, this.buf.length - off);
        const piece = this.buf.subarray(off, off + n);
        if (this.meta) { if (this.meta.kind !== "skip") this.meta.chunks.push(Buffer.from(piece)); }
        else this.sink.data(piece);
        this.remaining -= n;
        off += n;
        if (this.remaining === 0) this.finishData();
        continue;
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, this.buf.length - off);
        this.padding -= n;
        off += n;
        continue;
      }
      if (this.buf.length - off < BLOCK) break;
      this.header(this.buf, off);
      off += BLOCK;
    }
    this.buf = off >= this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(off));
  }

  /** Call at the end of input; throws if the archive stopped inside an entry. */
  end(): void {
    if (this.remaining > 0 || this.meta || (this.buf.length > 0 && !this.ended && this.buf.some((b) => b !== 0)))
      throw new InvalidInputError("archive is truncated");
  }

  private finishData(): void {
    this.padding = (BLOCK - (this.lastSize % BLOCK)) % BLOCK;
    if (this.meta) {
      const body = Buffer.concat(this.meta.chunks);
      const kind = this.meta.kind;
      this.meta = null;
      if (kind === "x") this.pax = { ...this.pax, ...parsePax(body) };
      else if (kind === "g") this.globalPax = { ...this.globalPax, ...parsePax(body) };
      else if (kind === "L") this.longPath = body.toString("utf8").replace(/\0.*$/s, "");
      else if (kind === "K") this.longLink = body.toString("utf8").replace(/\0.*$/s, "");
    } else if (this.inEntry) {
      this.inEntry = false;
      this.sink.entryEnd();
    }
  }

  private lastSize = 0;

  /** The header block at off in buf (read in place: a view per header costs more than the header). */
  private header(buf: Buffer, off: number): void {
    if (isZeroBlock(buf, off)) {
      if (++this.zeroBlocks >= 2) this.ended = true;
      return;
    }
    this.zeroBlocks = 0;
    if (++this.headers === LONG_WORK) longWork();
    const h = decodeHeader(buf, off);
    if (!h.cksumValid) throw new InvalidInputError("archive has an invalid tar header (bad checksum)");
    let size = h.size;
    if (h.flag === "x" || h.flag === "g" || h.flag === "L" || h.flag === "K") {
      this.meta = { kind: h.flag, chunks: [], size };
      this.lastSize = size;
      this.remaining = size;
      if (size === 0) this.finishData();
      return;
    }
    // most archives have no pax records at all: skip the merging then
    const pax = this.pax === NO_PAX && this.globalPax === NO_PAX ? NO_PAX : { ...this.globalPax, ...this.pax };
    if (typeof pax.size === "string") size = Number(pax.size);
    const xattrs: Record<string, Buffer> = {};
    if (pax !== NO_PAX) for (const [k, v] of Object.entries(pax)) if (k.startsWith("SCHILY.xattr.")) xattrs[k.slice(13)] = v as Buffer;
    const num = (k: string, d: number) => (typeof pax[k] === "string" ? Number(pax[k]) : d);
    const entry: TarEntry = {
      path: this.longPath ?? (typeof pax.path === "string" ? pax.path : h.path),
      linkpath: this.longLink ?? (typeof pax.linkpath === "string" ? pax.linkpath : h.linkpath),
      type: h.type,
      mode: h.mode & 0o7777,
      uid: num("uid", h.uid),
      gid: num("gid", h.gid),
      size,
      mtime: num("mtime", h.mtime),
      devmajor: h.devmajor,
      devminor: h.devminor,
      xattrs,
    };
    this.pax = NO_PAX;
    this.longPath = this.longLink = null;
    // Only regular files carry data in a layer; a size on anything else is skipped, not written.
    const carriesData = entry.type === "File" || entry.type === "OldFile" || entry.type === "ContiguousFile";
    this.lastSize = size;
    this.inEntry = true;
    this.sink.entry(entry);
    if (size > 0) {
      if (!carriesData) {
        this.meta = { kind: "skip", chunks: [], size };
        this.inEntry = false;
        this.sink.entryEnd();
      }
      this.remaining = size;
    } else {
      this.finishData();
    }
  }
}
