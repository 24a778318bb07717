// Unpacks tar entries into a layer directory so that no entry can land outside it.
//
// Every parent directory is opened with openat2(RESOLVE_IN_ROOT) relative to the layer root, so
// "..", absolute names, and symlinks planted by earlier entries (`a -> /etc`, then `a/passwd`)
// all resolve inside the layer, enforced by the kernel; the entry itself is then created with
// *at() calls on its single final name. Hardlink targets are resolved the same way. Modes,
// owners, device nodes, symlinks, hardlinks, xattrs and mtimes are kept. Layer whiteouts
// (`.wh.NAME`, `.wh..wh..opq`) become overlayfs whiteouts (char 0:0, trusted.overlay.opaque=y).

import { chmodSync, lstatSync, rmSync, writeSync } from "node:fs";
import { InvalidInputError, SyscallError } from "../errors";
import {
  closeFd, fchmodFd, fchownAt, fchownFd, fsetxattr, linkAt, makedev, mkdirAt, mknodAt,
  O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_PATH, O_RDONLY, O_WRONLY, O_CREAT, openat2, openAt,
  RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, S_IFBLK, S_IFCHR, S_IFIFO, symlinkAt, unlinkAt, utimesAt,
} from "../sys/fs";
import { splitEntryPath } from "./entry-path";
import type { TarEntry, TarSink } from "./tar-reader";

const EEXIST = -17;
const RESOLVE = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;


export interface ExtractOptions {
  /** Convert .wh. files to overlayfs whiteouts (layers); false keeps them as plain files. */
  overlayWhiteouts: boolean;
}

const MAX_CACHED_DIRS = 256;

/** errno of a SyscallError, or 0 for anything else. */
function errnoOf(e: unknown): number {
  return e instanceof SyscallError ? e.errno : 0;
}

export class SafeExtractor implements TarSink {
  private rootFd: number;
  private fileFd = -1;
  private current: TarEntry | null = null;
  private currentName = "";
  private dirTimes: [string[], number][] = [];
  /**
   * Parent directories already resolved (path → O_PATH fd). A cached fd stays right while no
   * directory is removed: creating names never changes where an existing path leads, and a
   * symlink can only appear where nothing was. clear() empties the cache when it removes one.
   */
  private dirs = new Map<string, number>();
  /** fds dropped from the cache while an entry may still use them; closed when it is done. */
  private retired: number[] = [];
  entries = 0;
  /** Regular files placed so far (tar path → size), for the layer's SIZE without a second walk. */
  private fileSizes = new Map<string, number>();
  private currentKey = "";

  /** Bytes of the regular files the archive left in place (hardlinks once), as `images` shows. */
  get size(): number {
    let total = 0;
    for (const n of this.fileSizes.values()) total += n;
    return total;
  }

  constructor(private rootDir: string, private opts: ExtractOptions) {
    this.rootFd = openAt(-100, rootDir, O_PATH | O_DIRECTORY);
  }

  private forgetDirs(): void {
    this.retired.push(...this.dirs.values());
    this.dirs.clear();
  }

  private closeRetired(): void {
    if (this.retired.length === 0) return;
    for (const fd of this.retired.splice(0)) closeFd(fd);
  }

  /** The directory parts inside the root (created as needed, mode 0755); the fd is cached: do not close it. */
  private dir(parts: string[]): number {
    const key = parts.join("/");
    const hit = this.dirs.get(key);
    if (hit !== undefined) return hit;
    if (this.dirs.size >= MAX_CACHED_DIRS) this.forgetDirs();
    const fd = this.openDir(parts);
    this.dirs.set(key, fd);
    return fd;
  }

  /** Opens (creating as needed, mode 0755) the directory parts inside the root. */
  private openDir(parts: string[]): number {
    if (parts.length === 0) return openat2(this.rootFd, ".", O_PATH | O_DIRECTORY, 0, RESOLVE);
    const rel = parts.join("/");
    try {
      return openat2(this.rootFd, rel, O_PATH | O_DIRECTORY, 0, RESOLVE);
    } catch (e) {
      if (!(e instanceof SyscallError) || e.errno !== 2) throw e;
    }
    let fd = openat2(this.rootFd, ".", O_PATH | O_DIRECTORY, 0, RESOLVE);
    for (const p of parts) {
      const rc = mkdirAt(fd, p, 0o755);
      if (rc < 0 && rc !== EEXIST) throw new SyscallError("mkdir", -rc, "", "cannot create directory", `${this.rootDir}/${rel}`);
      const next = openat2(fd, p, O_PATH | O_DIRECTORY, 0, RESOLVE);
      closeFd(fd);
      fd = next;
    }
    return fd;
  }

  /** Removes whatever sits at name unless it is a directory and the new entry is one too. */
  private clear(dirfd: number, name: string, keepDir: boolean): void {
    const p = `/proc/self/fd/${dirfd}/${name}`;
    let st;
    try { st = lstatSync(p); } catch { return; }
    if (st.isDirectory()) {
      if (keepDir) return;
      this.forgetDirs();
      rmSync(p, { recursive: true, force: true });
      const prefix = `${this.currentKey}/`;
      for (const k of this.fileSizes.keys()) if (k.startsWith(prefix)) this.fileSizes.delete(k);
    } else {
      unlinkAt(dirfd, name, false);
    }
  }

  /** Runs create(); if the name is taken, clears it (keeping a directory when keepDir) and retries once. */
  private place(dirfd: number, name: string, keepDir: boolean, create: () => void): void {
    try {
      create();
    } catch (e) {
      if (errnoOf(e) !== 17) throw e;
      this.clear(dirfd, name, keepDir);
      create();
    }
  }

  entry(e: TarEntry): void {
    try {
      this.extractEntry(e);
    } finally {
      this.closeRetired();
    }
  }

  private extractEntry(e: TarEntry): void {
    this.entries++;
    const parts = splitEntryPath(e.path);
    if (parts.length === 0) {
      // "./" itself: the layer root's own metadata
      if (e.type === "Directory") this.applyDirMeta([], e);
      return;
    }
    const name = parts[parts.length - 1];
    const parent = parts.slice(0, -1);
    if (this.opts.overlayWhiteouts && name.startsWith(".wh.")) {
      // the whited-out name (not ".wh.NAME") is what clear() may remove and what no longer counts
      this.currentKey = [...parent, name.slice(4)].join("/");
      this.fileSizes.delete(this.currentKey);
      return this.whiteout(parent, name);
    }
    const dirfd = this.dir(parent);
    this.currentKey = parts.join("/");
    if (e.type === "File" || e.type === "OldFile" || e.type === "ContiguousFile") this.fileSizes.set(this.currentKey, e.size);
    else this.fileSizes.delete(this.currentKey);
    const owned = e.uid !== 0 || e.gid !== 0; // new files are root's already: skip the chown
    switch (e.type) {
      case "Directory": {
        let rc = mkdirAt(dirfd, name, 0o700);
        if (rc === EEXIST) {
          this.clear(dirfd, name, true); // a directory stays (its contents merge); anything else goes
          rc = mkdirAt(dirfd, name, 0o700);
        }
        if (rc < 0 && rc !== EEXIST) throw new SyscallError("mkdir", -rc, "", "cannot create directory", e.path);
        this.applyDirMeta(parts, e);
        return;
      }
      case "File": case "OldFile": case "ContiguousFile":
        this.place(dirfd, name, false, () => {
          this.fileFd = openAt(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
        });
        this.current = e;
        this.currentName = e.path;
        return;
      case "SymbolicLink":
        this.place(dirfd, name, false, () => symlinkAt(e.linkpath, dirfd, name));
        if (owned) fchownAt(dirfd, name, e.uid, e.gid);
        utimesAt(dirfd, name, e.mtime, e.mtime);
        return;
      case "Link": {
        const target = splitEntryPath(e.linkpath);
        if (target.length === 0) throw new InvalidInputError(`archive hardlink "${e.path}" has an empty target`);
        const tdir = this.dir(target.slice(0, -1));
        this.place(dirfd, name, false, () => linkAt(tdir, target[target.length - 1], dirfd, name));
        return;
      }
      case "CharacterDevice": case "BlockDevice": case "FIFO": {
        const kind = e.type === "CharacterDevice" ? S_IFCHR : e.type === "BlockDevice" ? S_IFBLK : S_IFIFO;
        this.place(dirfd, name, false, () => mknodAt(dirfd, name, kind | (e.mode & 0o7777), makedev(e.devmajor, e.devminor)));
        if (owned) fchownAt(dirfd, name, e.uid, e.gid);
        const fd = openat2(dirfd, name, O_PATH | O_NOFOLLOW, 0, RESOLVE);
        try {
          // chmod through the O_PATH fd's magic link: fchmod does not work on O_PATH fds
          chmodSync(`/proc/self/fd/${fd}`, e.mode & 0o7777);
        } finally { closeFd(fd); }
        utimesAt(dirfd, name, e.mtime, e.mtime);
        return;
      }
      default:
        return; // pax/GNU metadata types are consumed by the reader; others carry nothing to place
    }
  }

  private whiteout(parent: string[], name: string): void {
    const dirfd = this.dir(parent);
    if (name === ".wh..wh..opq") {
      // through a real fd: lsetxattr on /proc/self/fd/N would address the magic link itself
      const real = openat2(dirfd, ".", O_RDONLY | O_DIRECTORY, 0, RESOLVE);
      try { fsetxattr(real, "trusted.overlay.opaque", Buffer.from("y"), parent.join("/") || "/"); } finally { closeFd(real); }
      return;
    }
    if (name.startsWith(".wh..wh.")) return; // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs)
    const target = name.slice(4);
    this.place(dirfd, target, false, () => mknodAt(dirfd, target, S_IFCHR, 0n));
  }

  private applyDirMeta(parts: string[], e: TarEntry): void {
    const fd = parts.length === 0
      ? openat2(this.rootFd, ".", O_RDONLY | O_DIRECTORY, 0, RESOLVE)
      : openat2(this.rootFd, parts.join("/"), O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0, RESOLVE);
    try {
      fchownFd(fd, e.uid, e.gid, e.path);
      fchmodFd(fd, e.mode & 0o7777, e.path);
      this.setXattrs(fd, e);
    } finally { closeFd(fd); }
    // a directory's mtime changes as entries land in it: set them all at the end
    this.dirTimes.push([parts, e.mtime]);
  }

  private setXattrs(fd: number, e: TarEntry): void {
    for (const [k, v] of Object.entries(e.xattrs)) {
      // overlay's own attributes steer the kernel (redirects, metacopy): never from an archive
      if (k.startsWith("trusted.overlay.")) continue;
      fsetxattr(fd, k, v, e.path);
    }
  }

  data(chunk: Uint8Array): void {
    if (this.fileFd < 0) return;
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fileFd, chunk, off, chunk.length - off);
  }

  entryEnd(): void {
    if (this.fileFd < 0 || !this.current) return;
    const e = this.current, fd = this.fileFd;
    this.fileFd = -1;
    this.current = null;
    try {
      if (e.uid !== 0 || e.gid !== 0) fchownFd(fd, e.uid, e.gid, this.currentName);
      fchmodFd(fd, e.mode & 0o7777, this.currentName); // after chown, which clears setuid bits
      this.setXattrs(fd, e);
      utimesAt(fd, null, e.mtime, e.mtime);
    } finally { closeFd(fd); }
  }

  /** Applies directory mtimes (deepest first) and releases the root fd. */
  finish(): void {
    for (const [parts, mtime] of this.dirTimes.reverse()) {
      try {
        const fd = parts.length === 0
          ? openat2(this.rootFd, ".", O_RDONLY | O_DIRECTORY, 0, RESOLVE)
          : openat2(this.rootFd, parts.join("/"), O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0, RESOLVE);
        try { utimesAt(fd, null, mtime, mtime); } finally { closeFd(fd); }
      } catch { /* replaced by a later entry */ }
    }
    this.close();
  }

  close(): void {
    this.forgetDirs();
    this.closeRetired();
    if (this.fileFd >= 0) closeFd(this.fileFd);
    this.fileFd = -1;
    if (this.rootFd >= 0) closeFd(this.rootFd);
    this.rootFd = -1;
  }
}

