// `cp` between a container and the host, with Docker's rules for where things land (a directory
// destination receives SRC by its base name; "SRC/." copies the contents; a missing destination
// takes SRC's place).
//
// Inside the container every path is resolved without leaving its root:
//   running  through /proc/PID/root (the live view, volumes included) with openat2 RESOLVE_IN_ROOT
//   stopped  reading: the merged view composed from the layer dirs (storage/union.ts);
//            writing: into the upperdir, after copying up the destination's parent directories,
//            under the container's lock so it cannot start meanwhile
// Data moves as a tar stream from a TarWriter straight into a SafeExtractor, in memory.

import { chmodSync, existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync, statSync, type Stats } from "node:fs";
import { basename, dirname } from "node:path";
import type { Globals } from "../commands/_define";
import { InvalidInputError, NotFoundError, SyscallError } from "../errors";
import { SafeExtractor } from "../storage/safe-extract";
import { TarReader, type TarEntry, type TarSink } from "../storage/tar-reader";
import { addHostEntry, DirHandle, fdSink, isWhiteout, TarWriter, writeTree } from "../storage/tar-writer";
import { openUnionPath, resolveInUnion, UnionDir, writeUnionTree } from "../storage/union";
import { closeFd, fchownAt, lsetxattr, O_DIRECTORY, O_PATH, O_RDONLY, openAt, openat2, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, utimesAt } from "../sys/fs";
import type { ContainerConfig } from "./record";
import { observe } from "./status";
import { ContainerStore } from "./store";

const IN_ROOT = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

export interface CopyOptions { archive: boolean; followLink: boolean }

/** "C:/path" → ["C", "/path"]; a host path (or "-") → [undefined, path]. */
export function splitCpArg(arg: string): [string | undefined, string] {
  if (arg.startsWith("/") || arg.startsWith(".") || arg === "-") return [undefined, arg];
  const i = arg.indexOf(":");
  if (i <= 0) return [undefined, arg];
  return [arg.slice(0, i), arg.slice(i + 1)];
}

function splitParts(path: string): string[] {
  return path.split("/").filter((p) => p !== "" && p !== ".");
}

/** Writes SRC (a file or a tree) into a TarWriter under rootName ("" = a directory's contents). */
type Producer = (w: TarWriter, rootName: string) => void;

interface Located { isDir: boolean; produce: Producer }

/**
 * A running container's root seen through /proc/PID/root holds its /proc, /sys and /dev mounts:
 * like Docker, which copies from the container's filesystem, they come out as empty directories.
 */
const KERNEL_MOUNTS: ReadonlySet<string> = new Set(["proc", "sys", "dev"]);

/**
 * Archives a whole directory as `name` (or just its contents when name is ""), and closes it.
 * The directory's own entry comes from stat, not lstat: its /proc/self/fd path is a magic link.
 */
function writeDirFrom(w: TarWriter, d: DirHandle, name: string, shallow?: ReadonlySet<string>): void {
  try {
    if (name) addHostEntry(w, d, ".", statSync(d.path()), name, new Map());
    writeTree(w, d, name, new Map(), shallow);
  } finally {
    d.close();
  }
}

/** Finds path in a running container's root (fd of /proc/PID/root). */
function locateLive(rootFd: number, path: string, follow: boolean): Located {
  let parts = splitParts(path);
  for (let hops = 0; ; hops++) {
    if (parts.length === 0) {
      const fd = openat2(rootFd, ".", O_RDONLY | O_DIRECTORY, 0, IN_ROOT);
      return { isDir: true, produce: (w, name) => writeDirFrom(w, DirHandle.fromFd(fd), name, KERNEL_MOUNTS) };
    }
    const parentFd = openat2(rootFd, parts.slice(0, -1).join("/") || ".", O_RDONLY | O_DIRECTORY, 0, IN_ROOT);
    const parent = DirHandle.fromFd(parentFd);
    const name = parts[parts.length - 1];
    let st: Stats;
    try { st = parent.lstat(name); } catch {
      parent.close();
      throw new NotFoundError(`Could not find the file ${path} in container`);
    }
    if (st.isSymbolicLink() && follow && hops < 40) {
      const target = readlinkSync(parent.path(name));
      parent.close();
      parts = target.startsWith("/") ? splitParts(target) : [...parts.slice(0, -1), ...splitParts(target)];
      continue;
    }
    return { isDir: st.isDirectory(), produce: (w, rootName) => producer(w, parent, name, st, rootName) };
  }
}

function producer(w: TarWriter, parent: DirHandle, name: string, st: Stats, rootName: string): void {
  try {
    const links = new Map<string, string>();
    if (rootName) addHostEntry(w, parent, name, st, rootName, links);
    if (st.isDirectory()) {
      const d = parent.child(name);
      try { writeTree(w, d, rootName, links); } finally { d.close(); }
    }
  } finally { parent.close(); }
}

/** Finds path in a stopped container's merged layers. */
function locateLayers(root: UnionDir, path: string, follow: boolean): Located {
  const r = resolveInUnion(root, path, follow);
  if (!r || !r.exists) throw new NotFoundError(`Could not find the file ${path} in container`);
  if (r.parts.length === 0) return { isDir: true, produce: (w, name) => { if (name) w.add({ path: `${name}/`, type: "dir", mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 }); writeUnionTree(w, root, name); } };
  const parent = openUnionPath(root, r.parts.slice(0, -1));
  const name = r.parts[r.parts.length - 1];
  const e = parent.entry(name)!;
  return {
    isDir: e.st.isDirectory(),
    produce: (w, rootName) => {
      try {
        const links = new Map<string, string>();
        if (rootName) addHostEntry(w, e.dir, name, e.st, rootName, links);
        if (e.st.isDirectory()) {
          const sub = parent.child(name);
          try { writeUnionTree(w, sub, rootName, links); } finally { sub.close(); }
        }
      } finally { if (parent !== root) parent.close(); }
    },
  };
}

/** Passes entries on, with owners replaced unless -a, and opaque marks for dirs over whiteouts. */
class CopySink implements TarSink {
  constructor(private inner: SafeExtractor, private owner: { uid: number; gid: number } | null, private upperRoot?: string) {}
  entry(e: TarEntry): void {
    if (this.owner) { e.uid = this.owner.uid; e.gid = this.owner.gid; }
    let overWhiteout = false;
    if (this.upperRoot && e.type === "Directory") {
      try { overWhiteout = isWhiteout(lstatSync(`${this.upperRoot}/${e.path.replace(/\/+$/, "")}`)); } catch { /* absent */ }
    }
    this.inner.entry(e);
    // a directory made where a whiteout was must not show the deleted lower directory again
    if (overWhiteout) lsetxattr(`${this.upperRoot}/${e.path.replace(/\/+$/, "")}`, "trusted.overlay.opaque", Buffer.from("y"));
  }
  data(c: Uint8Array): void { this.inner.data(c); }
  entryEnd(): void { this.inner.entryEnd(); }
}

function pipeInto(produce: Producer, rootName: string, extractRoot: string, owner: { uid: number; gid: number } | null, upperRoot?: string): void {
  const extractor = new SafeExtractor(extractRoot, { overlayWhiteouts: false });
  try {
    const reader = new TarReader(new CopySink(extractor, owner, upperRoot));
    const w = new TarWriter((chunk) => reader.push(chunk));
    produce(w, rootName);
    w.finish();
    reader.end();
    extractor.finish();
  } catch (e) {
    extractor.close();
    throw e;
  }
}

/** Where SRC lands under Docker's rules: the directory to extract into and SRC's new name. */
function placement(srcPath: string, srcIsDir: boolean, dest: { exists: boolean; isDir: boolean }, destPath: string): { into: "dest" | "parent"; rootName: string } {
  const contentsOnly = /(^|\/)\.$/.test(srcPath);
  if (dest.exists && dest.isDir) return { into: "dest", rootName: contentsOnly ? "" : basename(srcPath.replace(/\/+$/, "")) || "root" };
  if (dest.exists && srcIsDir) throw new InvalidInputError(`cannot copy a directory to a file: ${destPath}`);
  if (!dest.exists && destPath.endsWith("/") && !srcIsDir) throw new NotFoundError(`destination directory ${destPath} does not exist`);
  return { into: "parent", rootName: basename(destPath.replace(/\/+$/, "")) };
}

function containerState(globals: Globals, ref: string): { store: ContainerStore; config: ContainerConfig; pid: number } {
  const store = new ContainerStore(globals.root);
  const id = store.resolve(ref);
  const config = store.readConfig(id);
  const state = observe(store, id);
  const running = state && (state.Status === "running" || state.Status === "paused") ? state.Pid : 0;
  return { store, config, pid: running };
}

function layersOf(config: ContainerConfig): string[] {
  return [config.Runtime.rootfs.upper, ...config.Runtime.rootfs.lower];
}

function openProcRoot(pid: number): number {
  return openAt(-100, `/proc/${pid}/root`, O_PATH | O_DIRECTORY);
}

export async function copyFromContainer(globals: Globals, ref: string, srcPath: string, dest: string, opts: CopyOptions): Promise<void> {
  const { config, pid } = containerState(globals, ref);
  let rootFd = -1;
  let union: UnionDir | undefined;
  try {
    let located: Located;
    if (pid) { rootFd = openProcRoot(pid); located = locateLive(rootFd, srcPath, opts.followLink); }
    else { union = UnionDir.open(layersOf(config)); located = locateLayers(union, srcPath, opts.followLink); }
    if (dest === "-") {
      const w = new TarWriter(fdSink(1));
      located.produce(w, basename(srcPath.replace(/\/+$/, "")) || ".");
      w.finish();
      return;
    }
    const exists = existsSync(dest);
    const place = placement(srcPath, located.isDir, { exists, isDir: exists && statSync(dest).isDirectory() }, dest);
    const extractRoot = place.into === "dest" ? dest : dirname(dest.replace(/\/+$/, "")) || "/";
    if (!existsSync(extractRoot)) throw new NotFoundError(`destination directory ${extractRoot} does not exist`);
    const owner = opts.archive ? null : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    pipeInto(located.produce, place.rootName, extractRoot, owner);
  } finally {
    if (rootFd >= 0) closeFd(rootFd);
    union?.close();
  }
}

function hostProducer(src: string, follow: boolean): Located {
  const st = follow ? statSync(src) : lstatSync(src);
  const clean = src.replace(/\/+$/, "").replace(/\/\.$/, "") || "/";
  if (clean === "/" || /(^|\/)\.$/.test(src)) {
    const dirPath = clean;
    return { isDir: true, produce: (w, name) => writeDirFrom(w, DirHandle.open(dirPath), name) };
  }
  const parent = dirname(clean), name = basename(clean);
  if (follow && lstatSync(clean).isSymbolicLink()) {
    // -L: archive what the link points to, under the link's name
    const real = realpathSync(clean);
    return hostProducer(real, false);
  }
  return { isDir: st.isDirectory(), produce: (w, rootName) => producer(w, DirHandle.open(parent), name, st, rootName) };
}

export async function copyToContainer(globals: Globals, src: string, ref: string, destPath: string, opts: CopyOptions): Promise<void> {
  if (!existsSync(src)) throw new NotFoundError(`could not find the file ${src} on the host`);
  const located = hostProducer(src, opts.followLink);
  const owner = opts.archive ? null : { uid: 0, gid: 0 };
  const { store, config, pid } = containerState(globals, ref);
  if (pid) {
    const rootFd = openProcRoot(pid);
    try {
      const parts = splitParts(destPath);
      const full = tryOpen(rootFd, parts.join("/") || ".");
      let dest = { exists: full !== undefined, isDir: false };
      if (full !== undefined) { dest.isDir = statSync(`/proc/self/fd/${full}`).isDirectory(); closeFd(full); }
      const place = placement(src, located.isDir, dest, destPath);
      const dir = place.into === "dest" ? parts : parts.slice(0, -1);
      const fd = tryOpen(rootFd, dir.join("/") || ".", true);
      if (fd === undefined) throw new NotFoundError(`destination directory /${dir.join("/")} does not exist in the container`);
      try { pipeInto(located.produce, place.rootName, `/proc/self/fd/${fd}`, owner); } finally { closeFd(fd); }
    } finally { closeFd(rootFd); }
    return;
  }
  await store.lockedAsync(config.Id, async () => {
    const state = observe(store, config.Id);
    if (state && (state.Status === "running" || state.Status === "paused")) throw new InvalidInputError(`container ${config.Name} started during the copy; try again`);
    const union = UnionDir.open(layersOf(config));
    try {
      const r = resolveInUnion(union, destPath, true);
      if (!r) throw new NotFoundError(`destination directory ${dirname(destPath)} does not exist in the container`);
      let isDir = false;
      if (r.exists) {
        if (r.parts.length === 0) isDir = true;
        else {
          const parent = openUnionPath(union, r.parts.slice(0, -1));
          try { isDir = parent.entry(r.parts[r.parts.length - 1])!.st.isDirectory(); } finally { if (parent !== union) parent.close(); }
        }
      }
      const place = placement(src, located.isDir, { exists: r.exists, isDir }, destPath);
      // into the parent: the parent is resolved, the new name is DEST's own (a symlink there is
      // replaced, as on a running container), not the name its target has
      const dir = place.into === "dest" ? r.parts : resolveInUnion(union, dirname(destPath), true)?.parts ?? r.parts.slice(0, -1);
      const upper = config.Runtime.rootfs.upper;
      copyUpDirs(union, upper, dir);
      const target = dir.length ? `${upper}/${dir.join("/")}` : upper;
      pipeInto(located.produce, place.rootName, target, owner, target);
    } finally { union.close(); }
  });
}

function tryOpen(rootFd: number, rel: string, dirOnly = false): number | undefined {
  try {
    return openat2(rootFd, rel, O_PATH | (dirOnly ? O_DIRECTORY : 0), 0, IN_ROOT);
  } catch (e) {
    if (e instanceof SyscallError && (e.errno === 2 || e.errno === 20)) return undefined;
    throw e;
  }
}

/** Makes the directories of parts exist in the upperdir with the merged view's owner, mode and times. */
function copyUpDirs(union: UnionDir, upper: string, parts: string[]): void {
  let cur = union;
  try {
    for (let i = 0; i < parts.length; i++) {
      const e = cur.entry(parts[i]);
      if (!e || !e.st.isDirectory()) throw new NotFoundError(`destination /${parts.slice(0, i + 1).join("/")} is not a directory in the container`);
      const path = `${upper}/${parts.slice(0, i + 1).join("/")}`;
      if (!existsSync(path)) {
        mkdirSync(path, { mode: e.st.mode & 0o7777 });
        const fd = openAt(-100, dirname(path), O_PATH | O_DIRECTORY);
        try {
          fchownAt(fd, basename(path), e.st.uid, e.st.gid);
          utimesAt(fd, basename(path), e.st.mtimeMs / 1000, e.st.mtimeMs / 1000);
        } finally { closeFd(fd); }
        chmodSync(path, e.st.mode & 0o7777);
      }
      const next = cur.child(parts[i]);
      if (cur !== union) cur.close();
      cur = next;
    }
  } finally { if (cur !== union) cur.close(); }
}
