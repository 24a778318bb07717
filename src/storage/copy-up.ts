// Docker's volume copy-up: the first time an empty volume is mounted over a directory that
// holds files in the image, those files are copied into the volume. Runs in `_init`, inside the
// container's mount namespace, before the volume is mounted and before any user code runs.
//
// `source` is the /proc/self/fd path of the mount target, already resolved inside the rootfs
// (storage/mount-target.ts); it is read by fd, one name at a time, never through a symlink. The
// volume is written by the safe extractor: a named volume may be shared with a running container,
// which could plant a symlink in it while we copy, and openat2(RESOLVE_IN_ROOT) keeps every
// write inside the volume.

import { readdirSync, statSync, type Stats } from "node:fs";
import { SafeExtractor } from "./safe-extract";
import { TarReader } from "./tar-reader";
import { DirHandle, TarWriter, writeTree } from "./tar-writer";

export function copyUpIfEmpty(source: string, volumeDir: string): void {
  let st: Stats;
  try { st = statSync(source); } catch { return; } // source is a /proc/self/fd magic link: follow it
  if (!st.isDirectory() || readdirSync(volumeDir).length > 0) return;
  const dir = DirHandle.open(source);
  const extractor = new SafeExtractor(volumeDir, { overlayWhiteouts: false });
  try {
    if (dir.names().length === 0) return;
    const reader = new TarReader(extractor);
    const w = new TarWriter((chunk) => reader.push(chunk));
    // the volume takes the directory's owner and mode, as Docker's copy-up does
    w.add({ path: "./", type: "dir", mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000), size: 0 });
    writeTree(w, dir, "");
    w.finish();
    reader.end();
    extractor.finish();
  } finally {
    extractor.close();
    dir.close();
  }
}
