// `commit`: a container's changes become a new image. The new layer is the container's overlay
// upperdir as an OCI layer (whiteouts → `.wh.NAME`, opaque dirs → `.wh..wh..opq`, see
// storage/tar-writer.ts), stacked on the image's layers; the config inherits the image's, takes
// the container's settings and then the `-c` changes. The caller (container side) supplies the
// container's facts, so this module does not depend on container records.

import { closeSync, createReadStream, mkdirSync, openSync, rmSync } from "node:fs";
import { NotFoundError } from "../errors";
import { unpackLayer } from "../storage/layer";
import { fdSink, TarWriter, writeOverlayDiff } from "../storage/tar-writer";
import { applyChanges } from "./changes";
import { familiarString, parseReference } from "./reference";
import type { ContainerSettings, ImageConfig, ImageStore } from "./store";
import { adviseHugePages } from "../sys/memory";

export interface CommitSource {
  containerId: string;
  imageId: string;
  upperDir: string;
  /** The container's own settings (Cmd, Env, …), which the image keeps, as Docker does. */
  settings: ContainerSettings;
  /** The command line, for history's "created by". */
  createdBy: string;
  /** Mount targets (relative paths) whose empty placeholders in the upperdir are not content. */
  placeholders: string[];
}

export interface CommitOptions {
  message?: string;
  author?: string;
  changes: string[];
  name?: string;
}

/** Validates what a commit was asked for (before anything is written). */
export function checkCommitOptions(opts: CommitOptions): void {
  applyChanges({}, opts.changes);
  if (opts.name) {
    const ref = parseReference(opts.name);
    if (ref.digest) throw new NotFoundError(`cannot commit to a digest reference: ${opts.name}`);
  }
}

export async function commitImage(store: ImageStore, src: CommitSource, opts: CommitOptions): Promise<string> {
  adviseHugePages(); // the new layer's tar passes through the heap
  checkCommitOptions(opts);
  const base = store.find(src.imageId);
  if (!base) throw new NotFoundError(`image ${src.imageId.slice(7, 19)} of container ${src.containerId.slice(0, 12)} is gone`);
  const settings = applyChanges(src.settings, opts.changes);

  const tmpDir = `${store.dir}/tmp`;
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  const tarPath = `${tmpDir}/commit-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tar`;
  let layer;
  try {
    const fd = openSync(tarPath, "w", 0o600);
    try {
      const w = new TarWriter(fdSink(fd));
      writeOverlayDiff(w, src.upperDir, { placeholders: new Set(src.placeholders) });
      w.finish();
    } finally { closeSync(fd); }
    layer = await unpackLayer(store.layersDir, createReadStream(tarPath, { highWaterMark: 1 << 20 }), undefined, { allowEmpty: true });
  } finally {
    rmSync(tarPath, { force: true });
  }

  const now = new Date().toISOString();
  const prev = base.config;
  const config: ImageConfig = {
    architecture: prev.architecture,
    os: prev.os,
    ...(("variant" in prev) ? { variant: (prev as { variant?: string }).variant } : {}),
    author: opts.author ?? "",
    created: now,
    config: settings,
    container: src.containerId,
    rootfs: { type: "layers", diff_ids: [...prev.rootfs.diff_ids, layer.diffId] },
    history: [
      ...(prev.history ?? []),
      { created: now, created_by: src.createdBy, ...(opts.author ? { author: opts.author } : {}), ...(opts.message ? { comment: opts.message } : {}) },
    ],
  } as ImageConfig;
  return store.commitImage(config, opts.name && familiarString(parseReference(opts.name)), [layer.diffId]);
}
