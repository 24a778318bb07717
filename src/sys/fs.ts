// File-level primitives every module needs: JSON written by rename, flock-based locks, and the
// *at() calls that safe extraction and mount-target resolution are built on.

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { SyscallError } from "../errors";
import { errnoName, errnoText } from "./errno";
import { check, cpath, cstr, sym, tryCall } from "./libc";

/** Writes data to path atomically: a temp file in the same directory, then rename. */
export function atomicWrite(path: string, data: string | Uint8Array, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function atomicWriteJson(path: string, value: unknown): void {
  atomicWrite(path, JSON.stringify(value, null, 2) + "\n");
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** readJson, or undefined when the file does not exist. */
export function readJsonIfExists<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (e: any) {
    if (e?.code === "ENOENT") return undefined;
    throw e;
  }
}

const LOCK_SH = 1, LOCK_EX = 2, LOCK_UN = 8;

/**
 * Runs fn while holding an exclusive flock on lockPath (created if missing). Every
 * read-modify-write of shared state (names, address pools, tags) goes through here.
 */
export function withLock<T>(lockPath: string, fn: () => T, shared = false): T {
  const fd = openSync(lockPath, "a", 0o600);
  try {
    check("flock", lockPath, () => sym.flock(fd, shared ? LOCK_SH : LOCK_EX));
    return fn();
  } finally {
    sym.flock(fd, LOCK_UN);
    closeSync(fd);
  }
}

export async function withLockAsync<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const fd = openSync(lockPath, "a", 0o600);
  try {
    check("flock", lockPath, () => sym.flock(fd, LOCK_EX));
    return await fn();
  } finally {
    sym.flock(fd, LOCK_UN);
    closeSync(fd);
  }
}

export function mkdirp(path: string, mode = 0o755): void {
  mkdirSync(path, { recursive: true, mode });
}

export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200,
  O_NOCTTY = 0o400, O_TRUNC = 0o1000, O_APPEND = 0o2000, O_NONBLOCK = 0o4000,
  O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000, O_CLOEXEC = 0o2000000, O_PATH = 0o10000000;
export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200,
  AT_EMPTY_PATH = 0x1000;

export function openAt(dirfd: number, name: string, flags: number, mode = 0): number {
  const n = cpath(name);
  return check("open", name, () => sym.openat(dirfd, n, flags | O_CLOEXEC, mode));
}

export function closeFd(fd: number): void {
  sym.close(fd);
}

const SYS_openat2 = 437;
export const RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04,
  RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10;

/** struct open_how { u64 flags, mode, resolve }, as little-endian 32-bit halves; reused by every call. */
const HOW = new Uint32Array(6);
function openHow(flags: number, mode: number, resolve: number): Uint32Array {
  HOW[0] = (flags | O_CLOEXEC) >>> 0; HOW[2] = mode; HOW[4] = resolve;
  return HOW;
}

/**
 * openat2(2): resolves `name` relative to dirfd under `resolve` rules enforced by the kernel.
 * With RESOLVE_IN_ROOT, ".." and absolute symlinks cannot leave dirfd: the way to find a path
 * inside an untrusted tree (a layer being unpacked, a container's rootfs).
 */
export function openat2(dirfd: number, name: string, flags: number, mode: number, resolve: number): number {
  const how = openHow(flags, mode, resolve);
  const n = cpath(name);
  return check("openat2", name, () => sym.syscall(SYS_openat2, dirfd as any, n, how, 24 as any, null));
}

export function tryOpenat2(dirfd: number, name: string, flags: number, mode: number, resolve: number): number {
  const how = openHow(flags, mode, resolve);
  const n = cpath(name);
  return tryCall(() => sym.syscall(SYS_openat2, dirfd as any, n, how, 24 as any, null));
}

export function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

export { writeFileSync };

export const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFCHR = 0o020000, S_IFBLK = 0o060000,
  S_IFREG = 0o100000, S_IFIFO = 0o010000, S_IFLNK = 0o120000;

export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major), mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

export function mknodAt(dirfd: number, name: string, mode: number, dev: bigint): void {
  const n = cpath(name);
  check("mknod", name, () => sym.mknodat(dirfd, n, mode, dev));
}

export function mkdirAt(dirfd: number, name: string, mode: number): number {
  const n = cpath(name);
  return tryCall(() => sym.mkdirat(dirfd, n, mode));
}

export function symlinkAt(target: string, dirfd: number, name: string): void {
  const t = cpath(target, 0), n = cpath(name, 1);
  check("symlink", name, () => sym.symlinkat(t, dirfd, n));
}

export function linkAt(olddirfd: number, oldname: string, newdirfd: number, newname: string): void {
  const o = cpath(oldname, 0), n = cpath(newname, 1);
  const rc = tryCall(() => sym.linkat(olddirfd, o, newdirfd, n, 0));
  if (rc < 0) throw new SyscallError("link", -rc, errnoName(-rc), errnoText(-rc), `${newname} to ${oldname}`);
}

export function unlinkAt(dirfd: number, name: string, isDir: boolean): number {
  const n = cpath(name);
  return tryCall(() => sym.unlinkat(dirfd, n, isDir ? AT_REMOVEDIR : 0));
}

export function fchownAt(dirfd: number, name: string, uid: number, gid: number): void {
  const n = cpath(name);
  check("chown", name, () => sym.fchownat(dirfd, n, uid, gid, AT_SYMLINK_NOFOLLOW));
}

export function fchmodAt(dirfd: number, name: string, mode: number): void {
  const n = cpath(name);
  check("chmod", name, () => sym.fchmodat(dirfd, n, mode, 0));
}

export function fchmodFd(fd: number, mode: number, what: string): void {
  check("chmod", what, () => sym.fchmod(fd, mode));
}

export function fchownFd(fd: number, uid: number, gid: number, what: string): void {
  check("chown", what, () => sym.fchown(fd, uid, gid));
}

/** struct timespec[2] { i64 sec, i64 nsec }, as little-endian 32-bit halves; reused by every call. */
const TS = new Int32Array(8);
function timespecs(atime: number, mtime: number): Int32Array {
  setTimespec(0, atime);
  setTimespec(4, mtime);
  return TS;
}
function setTimespec(i: number, t: number): void {
  let sec = Math.floor(t);
  let nsec = Math.round((t - sec) * 1e9);
  if (nsec >= 1e9) { sec++; nsec -= 1e9; }
  TS[i] = sec | 0; TS[i + 1] = Math.floor(sec / 4294967296); TS[i + 2] = nsec; TS[i + 3] = 0;
}

/** Sets atime and mtime (seconds, fractional) of name in dirfd, not following a symlink. */
export function utimesAt(dirfd: number, name: string | null, atime: number, mtime: number): void {
  const ts = timespecs(atime, mtime);
  if (name === null) {
    check("futimens", String(dirfd), () => sym.futimens(dirfd, ts));
    return;
  }
  const n = cpath(name);
  check("utimensat", name, () => sym.utimensat(dirfd, n, ts, AT_SYMLINK_NOFOLLOW));
}

export function fsetxattr(fd: number, key: string, value: Uint8Array, what: string): void {
  const k = cstr(key);
  check(`setxattr ${key}`, what, () => sym.fsetxattr(fd, k, value.length ? value : null, value.length, 0));
}

export function lsetxattr(path: string, key: string, value: Uint8Array): void {
  const p = cstr(path), k = cstr(key);
  check(`setxattr ${key}`, path, () => sym.lsetxattr(p, k, value.length ? value : null, value.length, 0));
}

/** Value of xattr key on path (not following symlinks), or null when absent. */
export function lgetxattr(path: string, key: string): Buffer | null {
  const p = cstr(path), k = cstr(key);
  const buf = Buffer.alloc(4096);
  const n = tryCall(() => sym.lgetxattr(p, k, buf, buf.length));
  return n < 0 ? null : Buffer.from(buf.subarray(0, n));
}

/** Names of the xattrs on path (not following symlinks); [] when none or unsupported. */
export function llistxattr(path: string): string[] {
  const p = cstr(path);
  let buf = Buffer.alloc(1024);
  for (;;) {
    const n = tryCall(() => sym.llistxattr(p, buf, buf.length));
    if (n === -34 /* ERANGE */) { buf = Buffer.alloc(buf.length * 4); continue; }
    if (n <= 0) return [];
    return buf.toString("utf8", 0, n).split("\0").filter(Boolean);
  }
}
