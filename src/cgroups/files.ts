// The file operations every cgroup writer goes through. The real one is plain node:fs on
// cgroupfs; unit tests pass a fake that behaves like the kernel on a temp dir (files appear on
// mkdir, subtree_control gates v2 controllers, cpuset refuses tasks until cpus/mems are set).
// Errors become SyscallError naming the file, as every other host error in mydocker.

import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmdirSync, writeSync } from "node:fs";
import { SyscallError } from "../errors";
import { errnoName, errnoText } from "../sys/errno";

export interface CgroupFs {
  /** Creates one directory; false when it already existed. */
  mkdir(path: string): boolean;
  /** Removes one directory (a cgroup); throws with the errno (EBUSY, ENOTEMPTY, ENOENT). */
  rmdir(path: string): void;
  read(path: string): string;
  /** read(), or null when the file does not exist. */
  readOptional(path: string): string | null;
  write(path: string, value: string): void;
  exists(path: string): boolean;
}

function toSyscallError(op: string, path: string, e: unknown): SyscallError {
  const errno = Math.abs((e as NodeJS.ErrnoException)?.errno ?? 5);
  return new SyscallError(op, errno, errnoName(errno), errnoText(errno), path);
}

export const realCgroupFs: CgroupFs = {
  mkdir(path) {
    try {
      mkdirSync(path, 0o755);
      return true;
    } catch (e: any) {
      if (e?.code === "EEXIST") return false;
      throw toSyscallError("mkdir", path, e);
    }
  },
  rmdir(path) {
    try { rmdirSync(path); } catch (e) { throw toSyscallError("rmdir", path, e); }
  },
  read(path) {
    try { return readFileSync(path, "latin1"); } catch (e) { throw toSyscallError("read", path, e); }
  },
  readOptional(path) {
    try { return readFileSync(path, "latin1"); } catch (e: any) {
      if (e?.code === "ENOENT") return null;
      throw toSyscallError("read", path, e);
    }
  },
  write(path, value) {
    let fd: number;
    try { fd = openSync(path, constants.O_WRONLY); } catch (e) { throw toSyscallError("open", path, e); }
    try {
      // one write(2): the kernel parses each write as one value
      writeSync(fd, value);
    } catch (e) {
      throw toSyscallError(`write ${JSON.stringify(value.trim())} to`, path, e);
    } finally {
      closeSync(fd);
    }
  },
  exists(path) {
    return existsSync(path);
  },
};

/** The errno name of a SyscallError (or node error), "" otherwise. */
export function errnoOf(e: unknown): string {
  if (e instanceof SyscallError) return e.errnoName;
  return (e as NodeJS.ErrnoException)?.code ?? "";
}

/** First line of a file, trimmed; "" when missing. */
export function readLine(fs: CgroupFs, path: string): string {
  return (fs.readOptional(path) ?? "").trim();
}

/** Reads "key value" lines (memory.stat, memory.events, cpu.stat) into a map. */
export function readFlatKeyed(fs: CgroupFs, path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of (fs.readOptional(path) ?? "").split("\n")) {
    const sp = line.indexOf(" ");
    if (sp > 0) out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return out;
}

/** A number from a single-value file; null when missing, empty or "max". */
export function readNumber(fs: CgroupFs, path: string): number | null {
  const v = readLine(fs, path);
  if (v === "" || v === "max") return null;
  const n = Number(v.split(" ")[0]);
  return Number.isFinite(n) ? n : null;
}

/** Pids listed in a cgroup.procs file. */
export function readPids(fs: CgroupFs, path: string): number[] {
  return (fs.readOptional(path) ?? "").split("\n").filter(Boolean).map(Number);
}

const BUSY_RETRY_MS = [5, 10, 20, 50, 100, 200, 400, 800];

/**
 * Removes a cgroup directory. A cgroup whose last process has just been reaped can still read
 * as busy for a moment, so EBUSY is retried (~1.6 s in all) before it is reported. A directory
 * already gone counts as removed.
 */
export function removeCgroupDir(fs: CgroupFs, path: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      fs.rmdir(path);
      return;
    } catch (e) {
      const code = errnoOf(e);
      if (code === "ENOENT") return;
      if (code !== "EBUSY" || attempt >= BUSY_RETRY_MS.length) throw e;
      Bun.sleepSync(BUSY_RETRY_MS[attempt]);
    }
  }
}

/**
 * Removes a parent directory if it is empty. Other containers (and other --root instances) may
 * be creating or removing siblings at the same time: a parent that is busy, not empty or
 * already gone is simply left to them.
 */
export function pruneCgroupDir(fs: CgroupFs, path: string): void {
  try {
    fs.rmdir(path);
  } catch (e) {
    const code = errnoOf(e);
    if (code !== "ENOENT" && code !== "EBUSY" && code !== "ENOTEMPTY") throw e;
  }
}
