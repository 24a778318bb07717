// `import`: a rootfs tarball becomes a one-layer image (Docker's `docker import`).

import { createReadStream, existsSync } from "node:fs";
import { NotFoundError } from "../errors";
import { unpackLayer } from "../storage/layer";
import { applyChanges } from "./changes";
import { parseReference } from "./reference";
import { hostArchitecture, type ImageConfig, ImageStore } from "./store";
import { adviseHugePages } from "../sys/memory";

export interface ImportOptions {
  source: string;     // a path, or "-" for stdin
  name?: string;      // REPOSITORY[:TAG]
  changes: string[];
  message?: string;
}

export function sourceStream(source: string): AsyncIterable<Uint8Array> {
  if (source === "-") return Bun.stdin.stream() as unknown as AsyncIterable<Uint8Array>;
  if (!existsSync(source)) throw new NotFoundError(`open ${source}: no such file or directory`);
  return createReadStream(source, { highWaterMark: 1 << 20 });
}

export async function importImage(store: ImageStore, opts: ImportOptions): Promise<string> {
  adviseHugePages(); // the tarball passes through the heap
  // validate everything before any work, so bad input changes nothing
  if (opts.name) parseReference(opts.name);
  const settings = applyChanges({}, opts.changes);
  const stream = sourceStream(opts.source);
  const layer = await unpackLayer(store.layersDir, stream);
  const now = new Date().toISOString();
  const config: ImageConfig = {
    architecture: hostArchitecture(),
    os: "linux",
    created: now,
    config: settings,
    rootfs: { type: "layers", diff_ids: [layer.diffId] },
    history: [{ created: now, created_by: "mydocker import", comment: opts.message ?? `Imported from ${opts.source}` }],
  };
  return store.commitImage(config, opts.name, [layer.diffId]);
}
