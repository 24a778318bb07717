// `export`: a container's filesystem flattened into one tar (what `import` takes back). Composed
// from the layer directories (storage/union.ts), so it works for running and stopped containers
// without mounting anything; volumes and /proc, /sys, /dev mounts are not part of it, as in Docker.

import { closeSync, openSync, renameSync, rmSync } from "node:fs";
import { fdSink, TarWriter } from "../storage/tar-writer";
import { UnionDir, writeUnionTree } from "../storage/union";

/** layers: the upperdir first, then the image's layers top to bottom. */
export function exportLayers(layers: string[], output: { path?: string; fd?: number }): void {
  const tmp = output.path ? `${output.path}.tmp-${process.pid}` : undefined;
  const fd = tmp ? openSync(tmp, "w", 0o600) : output.fd!;
  const root = UnionDir.open(layers);
  try {
    const w = new TarWriter(fdSink(fd));
    writeUnionTree(w, root, "");
    w.finish();
    if (tmp) {
      closeSync(fd);
      renameSync(tmp, output.path!);
    }
  } catch (e) {
    if (tmp) { try { closeSync(fd); } catch { /* closed */ } rmSync(tmp, { force: true }); }
    throw e;
  } finally {
    root.close();
  }
}
