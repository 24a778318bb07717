// A container's merged filesystem, composed in TypeScript from its layer directories (upperdir
// first, then the image's layers top to bottom) the way overlayfs composes it: the topmost
// entry of a name wins, a whiteout (char 0:0) hides the name below, an opaque directory
// (trusted.overlay.opaque=y) hides everything of the same directory below it, and a non-directory
// hides a directory below it.
//
// Why not mount: a stopped container's rootfs is mounted nowhere, and a running one's only in its
// own mount namespace; mounting on the host could leave a mount behind if the CLI were killed,
// and Bun cannot enter a mount namespace (its fs calls run on other threads). Reading the layer
// directories needs no mount and works for running and stopped containers alike. Every directory
// is opened by fd from its parent (storage/tar-writer.ts DirHandle), never through a symlink.

import type { Stats } from "node:fs";
import { NotFoundError, SyscallError } from "../errors";
import { readlinkSync } from "node:fs";
import { addHostEntry, DirHandle, isOpaque, isWhiteout, type LinkMap, type TarWriter } from "./tar-writer";

/** One directory of the merged view: the same path in each layer that contributes to it. */
export class UnionDir {
  constructor(readonly handles: DirHandle[]) {}

  static open(layers: string[]): UnionDir {
    const handles: DirHandle[] = [];
    try {
      for (const l of layers) handles.push(DirHandle.open(l));
    } catch (e) {
      for (const h of handles) h.close();
      throw e;
    }
    return new UnionDir(handles);
  }

  close(): void {
    for (const h of this.handles) h.close();
  }

  /** The topmost entry called name, or undefined when absent or whited out. */
  entry(name: string): { dir: DirHandle; index: number; st: Stats } | undefined {
    for (const [index, dir] of this.handles.entries()) {
      let st: Stats;
      try { st = dir.lstat(name); } catch { continue; }
      if (isWhiteout(st)) return undefined;
      return { dir, index, st };
    }
    return undefined;
  }

  /** The merged directory name (throws NotFoundError when it is not a directory). */
  child(name: string): UnionDir {
    const top = this.entry(name);
    if (!top || !top.st.isDirectory()) throw new NotFoundError(`${name}: not a directory`);
    const handles = [top.dir.child(name)];
    if (!isOpaque(top.dir.path(name))) {
      for (const dir of this.handles.slice(top.index + 1)) {
        let st: Stats;
        try { st = dir.lstat(name); } catch { continue; }
        if (!st.isDirectory()) break; // a whiteout or a file ends the stack here
        handles.push(dir.child(name));
        if (isOpaque(dir.path(name))) break;
      }
    }
    return new UnionDir(handles);
  }

  /** Merged listing, sorted: each visible name with the layer directory that holds it. */
  list(): { name: string; dir: DirHandle; st: Stats }[] {
    const seen = new Set<string>();
    const out: { name: string; dir: DirHandle; st: Stats }[] = [];
    for (const dir of this.handles) {
      for (const name of dir.names()) {
        if (seen.has(name)) continue;
        seen.add(name);
        const st = dir.lstat(name);
        if (!isWhiteout(st)) out.push({ name, dir, st });
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** Archives the merged tree under udir (entries named prefix/…). */
export function writeUnionTree(w: TarWriter, udir: UnionDir, prefix: string, links: LinkMap = new Map()): void {
  for (const { name, dir, st } of udir.list()) {
    const archiveName = prefix ? `${prefix}/${name}` : name;
    addHostEntry(w, dir, name, st, archiveName, links);
    if (st.isDirectory()) {
      const sub = udir.child(name);
      try { writeUnionTree(w, sub, archiveName, links); } finally { sub.close(); }
    }
  }
}

function split(path: string): string[] {
  return path.split("/").filter((p) => p !== "" && p !== ".");
}

/**
 * Resolves path inside the merged view, following symlinks as if the view were the root
 * (absolute targets and ".." never leave it). Returns the symlink-free components, and whether
 * the final one exists; undefined when a parent is missing.
 */
export function resolveInUnion(root: UnionDir, path: string, followFinal: boolean): { parts: string[]; exists: boolean } | undefined {
  let todo = split(path);
  let done: string[] = [];
  for (let hops = 0; todo.length > 0;) {
    const p = todo.shift()!;
    if (p === "..") { done.pop(); continue; }
    const parent = openUnionPath(root, done);
    let e;
    try { e = parent.entry(p); } finally { if (parent !== root) parent.close(); }
    if (!e) return todo.length === 0 ? { parts: [...done, p], exists: false } : undefined;
    if (e.st.isSymbolicLink() && (todo.length > 0 || followFinal)) {
      if (++hops > 40) throw new SyscallError("stat", 40, "ELOOP", "too many levels of symbolic links", path);
      const target = readlinkSync(e.dir.path(p));
      if (target.startsWith("/")) done = [];
      todo = [...split(target), ...todo];
      continue;
    }
    if (todo.length > 0 && !e.st.isDirectory()) return undefined;
    done.push(p);
  }
  return { parts: done, exists: true };
}

/** The merged directory at symlink-free components parts (root itself for []). */
export function openUnionPath(root: UnionDir, parts: string[]): UnionDir {
  let cur = root;
  for (const p of parts) {
    const next = cur.child(p);
    if (cur !== root) cur.close();
    cur = next;
  }
  return cur;
}
