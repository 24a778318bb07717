// `export`: a container's filesystem flattened into one tar (what `import` takes back). Composed
// from the layer directories (storage/union.ts), so it works for running and stopped containers
// without mounting anything; volumes and /proc, /sys, /dev mounts are not part of it, as in Docker.

import { writeArchive } from "../storage/tar-writer";
import { UnionDir, writeUnionTree } from "../storage/union";
import { adviseHugePages } from "../sys/memory";

/** layers: the upperdir first, then the image's layers top to bottom. */
export function exportLayers(layers: string[], output: { path?: string; fd?: number }): void {
  adviseHugePages(); // the layers pass through the heap
  const root = UnionDir.open(layers);
  try {
    writeArchive(output, (w) => writeUnionTree(w, root, ""));
  } finally {
    root.close();
  }
}
