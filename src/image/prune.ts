// `image prune [-a]`: removes dangling images (no tag), or with -a every image no container
// uses, together with the layers nothing else needs.

import type { ImageStore } from "./store";

export interface PruneResult { lines: string[]; reclaimed: number }

export function pruneImages(store: ImageStore, usedIds: Set<string>, all: boolean): PruneResult {
  return store.locked(() => {
    const lines: string[] = [];
    let reclaimed = 0;
    for (const img of store.list()) {
      if (usedIds.has(img.id)) continue;
      if (!all && img.tags.length > 0) continue;
      for (const t of img.tags) {
        store.removeTag(t);
        lines.push(`untagged: ${t}`);
      }
      const before = new Set(img.config.rootfs.diff_ids);
      const sizes = new Map([...before].map((d) => [d, store.size({ ...img, config: { ...img.config, rootfs: { type: "layers", diff_ids: [d] } } })]));
      for (const line of store.deleteImage(img.id)) {
        const what = line.replace(/^Deleted: /, "");
        if (sizes.has(what)) reclaimed += sizes.get(what)!;
        lines.push(`deleted: ${what}`);
      }
    }
    return { lines, reclaimed };
  });
}
