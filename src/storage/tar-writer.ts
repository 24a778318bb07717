// Writing tar archives deterministically: ustar headers, pax records only where ustar cannot
// hold a value (long names, big ids or sizes, xattrs), names sorted byte-wise, no user or group
// names, mtimes truncated to seconds. The same tree always gives the same bytes, so the same
// layer always gets the same diff id.
//
// Trees come from the host (an overlay upperdir for `commit`, a container's merged view for
// `export`/`cp`). An overlay whiteout (char device 0:0) becomes `.wh.NAME` and an opaque
// directory (trusted.overlay.opaque=y) gets a `.wh..wh..opq` entry: the OCI layer form.

import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, renameSync, rmSync, type Stats, writeSync } from "node:fs";
import { InvalidInputError } from "../errors";
import {
  closeFd, lgetxattr, llistxattr, O_DIRECTORY, O_NOFOLLOW, O_RDONLY, openAt, openat2,
  RESOLVE_BENEATH, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS,
} from "../sys/fs";
import { LONG_WORK, longWork } from "../sys/jit";

export type WriteType = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";

export interface WriteEntry {
  path: string;          // relative, "/"-separated, no leading "./"; directories get a trailing "/"
  type: WriteType;
  mode: number;          // permission bits (07777)
  uid: number;
  gid: number;
  size: number;          // data bytes (files only)
  mtime: number;         // seconds
  linkpath?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Record<string, Buffer>;
}

const TYPEFLAG: Record<WriteType, string> = { file: "0", hardlink: "1", symlink: "2", char: "3", block: "4", dir: "5", fifo: "6" };
const BLOCK = 512;

/** Buffers output and hands it to a sink in large pieces (an fd, a hasher, a test's array). */
export class TarWriter {
  private buf = Buffer.alloc(1 << 20);
  private used = 0;
  private pending = 0;   // data bytes the current entry still owes
  private entrySize = 0; // data bytes of the current entry, for its padding
  private entries = 0;

  constructor(private sink: (chunk: Uint8Array) => void) {}

  private emit(b: Uint8Array): void {
    if (b.length >= this.buf.length) {
      this.flush();
      this.sink(b);
      return;
    }
    if (this.used + b.length > this.buf.length) this.flush();
    this.buf.set(b, this.used);
    this.used += b.length;
  }

  flush(): void {
    if (this.used === 0) return;
    this.sink(Buffer.from(this.buf.subarray(0, this.used)));
    this.used = 0;
  }

  add(e: WriteEntry): void {
    if (this.pending > 0) throw new Error("tar writer: previous entry's data is incomplete");
    if (++this.entries === LONG_WORK) longWork();
    const pax: Record<string, string | Buffer> = {};
    const name = e.path;
    const [prefix, short] = splitUstarName(name);
    if (short === null) pax.path = name;
    if (e.linkpath !== undefined && Buffer.byteLength(e.linkpath) > 100) pax.linkpath = e.linkpath;
    if (e.uid > 0o7777777) pax.uid = String(e.uid);
    if (e.gid > 0o7777777) pax.gid = String(e.gid);
    const size = e.type === "file" ? e.size : 0;
    if (size > 0o77777777777) pax.size = String(size);
    for (const [k, v] of Object.entries(e.xattrs ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) pax[`SCHILY.xattr.${k}`] = v;
    if (Object.keys(pax).length) {
      const body = paxBody(pax);
      const paxName = `PaxHeaders.0/${(short ?? name.split("/").filter(Boolean).pop() ?? "x").slice(0, 80)}`;
      this.emit(header({ name: paxName, prefix: "", type: "x", mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 0, linkpath: "", devmajor: 0, devminor: 0 }));
      this.emit(body);
      this.pad(body.length);
    }
    this.emit(header({
      name: short ?? name.slice(0, 100), prefix: short === null ? "" : prefix, type: TYPEFLAG[e.type],
      mode: e.mode & 0o7777, uid: Math.min(e.uid, 0o7777777), gid: Math.min(e.gid, 0o7777777),
      size: Math.min(size, 0o77777777777), mtime: Math.max(0, Math.floor(e.mtime)),
      linkpath: e.linkpath && Buffer.byteLength(e.linkpath) <= 100 ? e.linkpath : (e.linkpath ?? "").slice(0, 100),
      devmajor: e.devmajor ?? 0, devminor: e.devminor ?? 0,
    }));
    this.pending = this.entrySize = size;
  }

  /** Data of the current file entry, in order; exactly `size` bytes in all. */
  data(b: Uint8Array): void {
    if (b.length > this.pending) throw new Error("tar writer: more data than the entry's size");
    this.emit(b);
    this.pending -= b.length;
    if (this.pending === 0) this.pad(this.entrySize);
  }

  private pad(n: number): void {
    const p = (BLOCK - (n % BLOCK)) % BLOCK;
    if (p) this.emit(Buffer.alloc(p));
  }

  /** The end-of-archive marker; flushes. */
  finish(): void {
    if (this.pending > 0) throw new Error("tar writer: last entry's data is incomplete");
    this.emit(Buffer.alloc(BLOCK * 2));
    this.flush();
  }
}

/** ustar splits long names into prefix (155) + name (100) at a "/"; null when it cannot. */
function splitUstarName(name: string): [string, string | null] {
  const bytes = Buffer.byteLength(name);
  if (bytes <= 100) return ["", name];
  if (bytes > 256 || /[^\x00-\x7f]/.test(name)) return ["", null];
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== "/") continue;
    const prefix = name.slice(0, i), rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return [prefix, rest];
    if (prefix.length <= 155) break;
  }
  return ["", null];
}

function paxBody(fields: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    const val = typeof v === "string" ? Buffer.from(v) : v;
    const rest = Buffer.byteLength(` ${k}=`) + val.length + 1;
    let len = rest + 1;
    while (String(len).length + rest !== len) len = String(len).length + rest;
    parts.push(Buffer.from(`${len} ${k}=`), val, Buffer.from("\n"));
  }
  return Buffer.concat(parts);
}

interface RawHeader {
  name: string; prefix: string; type: string; mode: number; uid: number; gid: number; size: number;
  mtime: number; linkpath: string; devmajor: number; devminor: number;
}

function octal(block: Buffer, off: number, len: number, value: number): void {
  block.write(value.toString(8).padStart(len - 1, "0") + "\0", off, len, "latin1");
}

function header(h: RawHeader): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, "utf8");
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, h.uid);
  octal(b, 116, 8, h.gid);
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, h.mtime);
  b.write("        ", 148, 8, "latin1");
  b.write(h.type, 156, 1, "latin1");
  b.write(h.linkpath, 157, 100, "utf8");
  b.write("ustar\0" + "00", 257, 8, "latin1");
  octal(b, 329, 8, h.devmajor);
  octal(b, 337, 8, h.devminor);
  b.write(h.prefix, 345, 155, "utf8");
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "latin1");
  return b;
}

// ---- host trees ----

export function major(rdev: number): number { return ((rdev >> 8) & 0xfff) | ((rdev >>> 32) & ~0xfff); }
export function minor(rdev: number): number { return (rdev & 0xff) | ((rdev >> 12) & ~0xff); }

/** True for an overlayfs whiteout: a character device 0:0. */
export function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

export function isOpaque(path: string): boolean {
  const v = lgetxattr(path, "trusted.overlay.opaque");
  return v !== null && v.toString() === "y";
}

/** xattrs worth carrying into a layer: not overlay's bookkeeping, not SELinux labels. */
function readXattrs(path: string): Record<string, Buffer> | undefined {
  let out: Record<string, Buffer> | undefined;
  for (const k of llistxattr(path)) {
    if (k.startsWith("trusted.overlay.") || k === "security.selinux") continue;
    const v = lgetxattr(path, k);
    if (v !== null) (out ??= {})[k] = v;
  }
  return out;
}

/** Remembers the first archive path of each multiply-linked inode, to emit later ones as hardlinks. */
export type LinkMap = Map<string, string>;

const BENEATH = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

/**
 * A directory opened by fd, read through /proc/self/fd: every walk below goes from fd to child
 * by a single name and never through a symlink, so a tree that changes under us (a running
 * container's) cannot steer a read outside it.
 */
export class DirHandle {
  private constructor(readonly fd: number) {}

  static open(path: string): DirHandle {
    return new DirHandle(openAt(-100, path, O_RDONLY | O_DIRECTORY));
  }

  static fromFd(fd: number): DirHandle {
    return new DirHandle(fd);
  }

  /** The subdirectory name; throws if it is not a directory (or became a symlink). */
  child(name: string): DirHandle {
    return new DirHandle(openat2(this.fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0, BENEATH));
  }

  path(name?: string): string {
    return name === undefined ? `/proc/self/fd/${this.fd}` : `/proc/self/fd/${this.fd}/${name}`;
  }

  names(): string[] {
    return readdirSync(this.path()).sort();
  }

  lstat(name: string): Stats {
    return lstatSync(this.path(name));
  }

  close(): void {
    closeFd(this.fd);
  }
}

/** Adds the object `name` of directory `dir` to the archive as `archiveName`. */
export function addHostEntry(w: TarWriter, dir: DirHandle, name: string, st: Stats, archiveName: string, links: LinkMap): void {
  const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000), size: 0 };
  const hostPath = dir.path(name);
  if (st.isDirectory()) {
    w.add({ ...base, path: archiveName.endsWith("/") ? archiveName : `${archiveName}/`, type: "dir", xattrs: readXattrs(hostPath) });
    return;
  }
  if (st.nlink > 1) {
    const key = `${st.dev}:${st.ino}`;
    const first = links.get(key);
    if (first !== undefined) {
      w.add({ ...base, path: archiveName, type: "hardlink", linkpath: first });
      return;
    }
    links.set(key, archiveName);
  }
  if (st.isSymbolicLink()) {
    w.add({ ...base, path: archiveName, type: "symlink", linkpath: readlinkSync(hostPath) });
  } else if (st.isCharacterDevice() || st.isBlockDevice()) {
    w.add({ ...base, path: archiveName, type: st.isCharacterDevice() ? "char" : "block", devmajor: major(st.rdev), devminor: minor(st.rdev) });
  } else if (st.isFIFO()) {
    w.add({ ...base, path: archiveName, type: "fifo" });
  } else if (st.isFile()) {
    const fd = openat2(dir.fd, name, O_RDONLY | O_NOFOLLOW, 0, BENEATH);
    try {
      w.add({ ...base, path: archiveName, type: "file", size: st.size, xattrs: readXattrs(hostPath) });
      copyFdData(w, fd, st.size);
    } finally { closeFd(fd); }
  }
  // sockets are not archived (Docker skips them too)
}

/** Writes exactly size bytes from fd: a file that shrank meanwhile is padded with zeros. */
function copyFdData(w: TarWriter, fd: number, size: number): void {
  const chunk = Buffer.alloc(Math.min(size, 1 << 20) || 1);
  let left = size;
  while (left > 0) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, left), null);
    if (n === 0) { w.data(Buffer.alloc(left)); return; }
    w.data(chunk.subarray(0, n));
    left -= n;
  }
}

/**
 * Archives the tree under dir (entries named prefix/…; prefix "" = the tree's contents).
 * Directories named in `shallow` (direct children only) are archived without their contents.
 */
export function writeTree(w: TarWriter, dir: DirHandle, prefix: string, links: LinkMap = new Map(), shallow?: ReadonlySet<string>): void {
  for (const name of dir.names()) {
    const st = dir.lstat(name);
    const archiveName = prefix ? `${prefix}/${name}` : name;
    addHostEntry(w, dir, name, st, archiveName, links);
    if (st.isDirectory() && !shallow?.has(name)) {
      const sub = dir.child(name);
      try { writeTree(w, sub, archiveName, links); } finally { sub.close(); }
    }
  }
}

export interface DiffOptions {
  /** Paths (relative, no leading "/") to leave out when they are only empty placeholders (mount targets). */
  placeholders?: Set<string>;
}

/**
 * Archives an overlay upperdir as an OCI layer diff: whiteouts → `.wh.NAME`, opaque directories
 * → `DIR/.wh..wh..opq`. Entries in sorted order; deterministic for a given tree.
 */
export function writeOverlayDiff(w: TarWriter, upper: string, opts: DiffOptions = {}): number {
  const links: LinkMap = new Map();
  let count = 0;
  const walk = (dir: DirHandle, rel: string) => {
    for (const name of dir.names()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = dir.lstat(name);
      if (opts.placeholders?.has(r) && isPlaceholder(dir, name, st)) continue;
      const mtime = Math.floor(st.mtimeMs / 1000);
      if (isWhiteout(st)) {
        w.add({ path: rel ? `${rel}/.wh.${name}` : `.wh.${name}`, type: "file", mode: 0o600, uid: 0, gid: 0, size: 0, mtime });
        count++;
        continue;
      }
      if (name.startsWith(".wh.")) throw new InvalidInputError(`cannot commit /${r}: names starting with .wh. are reserved for whiteouts`);
      addHostEntry(w, dir, name, st, r, links);
      count++;
      if (st.isDirectory()) {
        if (isOpaque(dir.path(name))) w.add({ path: `${r}/.wh..wh..opq`, type: "file", mode: 0o600, uid: 0, gid: 0, size: 0, mtime });
        const sub = dir.child(name);
        try { walk(sub, r); } finally { sub.close(); }
      }
    }
  };
  const root = DirHandle.open(upper);
  try { walk(root, ""); } finally { root.close(); }
  return count;
}

/** An empty file or directory: what _init leaves in the upperdir as a mount target. */
export function isPlaceholder(dir: DirHandle, name: string, st: Stats): boolean {
  if (st.isFile()) return st.size === 0;
  if (st.isDirectory()) return readdirSync(dir.path(name)).length === 0;
  return false;
}

/** A sink writing to an fd (a file, stdout). */
export function fdSink(fd: number): (b: Uint8Array) => void {
  return (b) => {
    let off = 0;
    while (off < b.length) off += writeSync(fd, b, off, b.length - off);
  };
}

/**
 * Writes an archive to output: a path (written to a temp name and renamed, so a failure leaves
 * no half-written file) or an fd (stdout).
 */
export function writeArchive(output: { path?: string; fd?: number }, fill: (w: TarWriter) => void): void {
  const tmp = output.path ? `${output.path}.tmp-${process.pid}` : undefined;
  const fd = tmp ? openSync(tmp, "w", 0o600) : output.fd!;
  try {
    const w = new TarWriter(fdSink(fd));
    fill(w);
    w.finish();
    if (tmp) {
      closeSync(fd);
      renameSync(tmp, output.path!);
    }
  } catch (e) {
    if (tmp) { try { closeSync(fd); } catch { /* closed */ } rmSync(tmp, { force: true }); }
    throw e;
  }
}

