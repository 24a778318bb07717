// Where layers live on disk (ROOT/image/layers/<diff-id hex>/{diff,layer.tar,size}), without the
// tar machinery: the image store and `run` need only these paths, and every invocation pays for
// what it imports.

import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";

export function layerDir(layersRoot: string, diffId: string): string {
  return `${layersRoot}/${diffId.replace(/^sha256:/, "")}`;
}

export function hasLayer(layersRoot: string, diffId: string): boolean {
  return existsSync(`${layerDir(layersRoot, diffId)}/diff`);
}

export function layerSize(layersRoot: string, diffId: string): number {
  try {
    return Number(readFileSync(`${layerDir(layersRoot, diffId)}/size`, "utf8")) || 0;
  } catch {
    return 0;
  }
}

/** Removes staging directories that a killed unpack left behind. */
export function sweepStaging(layersRoot: string): void {
  if (!existsSync(layersRoot)) return;
  for (const name of readdirSync(layersRoot)) {
    if (!name.startsWith(".tmp-")) continue;
    const pid = Number(name.split("-")[1]);
    if (pid && existsSync(`/proc/${pid}`)) continue;
    rmSync(`${layersRoot}/${name}`, { recursive: true, force: true });
  }
}

/** A container's own layer (its upperdir) in bytes, 0 once it is gone: ps -s, system df. */
export function rwSize(upper: string): number {
  try { return treeSize(upper); } catch { return 0; }
}

/** Bytes of a directory tree (apparent sizes, hardlinks once), as `docker images` reports SIZE. */
export function treeSize(dir: string): number {
  let total = 0;
  const seen = new Set<number>();
  const walk = (d: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      const p = `${d}/${ent.name}`;
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile()) {
        const st = statSync(p);
        if (st.nlink > 1) {
          if (seen.has(st.ino)) continue;
          seen.add(st.ino);
        }
        total += st.size;
      }
    }
  };
  walk(dir);
  return total;
}
