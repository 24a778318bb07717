// Making and removing a container's cgroup path in one hierarchy, shared by both managers.
// Several mydocker processes (other containers, other --root instances) create and prune the
// same parent at once, so creation retries when a parent vanishes under it and pruning gives
// up quietly on a parent that is still in use.

import { errnoOf, pruneCgroupDir, removeCgroupDir, type CgroupFs } from "./files";

const CREATE_ATTEMPTS = 8;

/**
 * Creates every level of relPath under mountpoint, calling onLevel(dir) for each level from
 * the top (v2 enables controllers there). Returns the parent levels (relative paths) this call
 * created; the leaf is not listed.
 */
export function makeCgroupPath(fs: CgroupFs, mountpoint: string, relPath: string, onLevel?: (dir: string, isLeaf: boolean) => void, made?: Set<string>): string[] {
  const segments = relPath.split("/");
  for (let attempt = 1; ; attempt++) {
    const created: string[] = [];
    try {
      for (let i = 0; i < segments.length; i++) {
        const rel = segments.slice(0, i + 1).join("/");
        const dir = `${mountpoint}/${rel}`;
        const isLeaf = i === segments.length - 1;
        if (fs.mkdir(dir) && !isLeaf) { created.push(rel); made?.add(rel); }
        onLevel?.(dir, isLeaf);
      }
      return created;
    } catch (e) {
      // another process pruned an empty parent between our mkdirs: start again from the top
      if (errnoOf(e) !== "ENOENT" || attempt >= CREATE_ATTEMPTS) throw e;
    }
  }
}

/** Removes the leaf of relPath, then each of pruneParents (relative paths) that is empty. */
export function removeCgroupPath(fs: CgroupFs, mountpoint: string, relPath: string, pruneParents: string[]): void {
  removeCgroupDir(fs, `${mountpoint}/${relPath}`);
  const deepestFirst = [...pruneParents].sort((a, b) => b.split("/").length - a.split("/").length);
  for (const rel of deepestFirst) pruneCgroupDir(fs, `${mountpoint}/${rel}`);
}

/** Runs fn for each item, trying them all; throws the first error afterwards. */
export function forEachThenThrow<T>(items: T[], fn: (item: T) => void): void {
  let first: unknown;
  for (const item of items) {
    try { fn(item); } catch (e) { first ??= e; }
  }
  if (first !== undefined) throw first;
}
