// Docker's volume copy-up: the first time an empty volume is mounted over a directory that
// holds files in the image, those files are copied into the volume. Runs in `_init`, inside the
// container's mount namespace, before the volume is mounted and before any user code runs.
//
// `source` is the /proc/self/fd path of the mount target, already resolved inside the rootfs
// (storage/mount-target.ts); below it nothing is followed: symlinks are copied as symlinks, and
// every directory is read by name from its parent, which no container process can change yet.

import { chownSync, copyFileSync, lchownSync, lstatSync, lutimesSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync, chmodSync, utimesSync, type Stats } from "node:fs";
import { makedev, mknodAt, O_DIRECTORY, O_PATH, openAt, closeFd, S_IFBLK, S_IFCHR, S_IFIFO } from "../sys/fs";
import { major, minor } from "./tar-writer";

export function copyUpIfEmpty(source: string, volumeDir: string): void {
  let st: Stats;
  try { st = statSync(source); } catch { return; } // source is a /proc/self/fd magic link: follow it
  if (!st.isDirectory() || readdirSync(volumeDir).length > 0) return;
  const entries = readdirSync(source);
  if (entries.length === 0) return;
  for (const name of entries) copyEntry(`${source}/${name}`, volumeDir, name);
  // the volume takes the directory's owner and mode, as Docker's copy-up does
  chownSync(volumeDir, st.uid, st.gid);
  chmodSync(volumeDir, st.mode & 0o7777);
}

function copyEntry(src: string, dstParent: string, name: string): void {
  const st = lstatSync(src);
  const dst = `${dstParent}/${name}`;
  if (st.isDirectory()) {
    mkdirSync(dst, { mode: 0o700 });
    for (const n of readdirSync(src)) copyEntry(`${src}/${n}`, dst, n);
  } else if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(src), dst);
    lchownSync(dst, st.uid, st.gid);
    lutimesSync(dst, st.atime, st.mtime);
    return;
  } else if (st.isFile()) {
    copyFileSync(src, dst);
  } else if (st.isCharacterDevice() || st.isBlockDevice() || st.isFIFO()) {
    const kind = st.isCharacterDevice() ? S_IFCHR : st.isBlockDevice() ? S_IFBLK : S_IFIFO;
    const fd = openAt(-100, dstParent, O_PATH | O_DIRECTORY);
    try { mknodAt(fd, name, kind | (st.mode & 0o7777), makedev(major(st.rdev), minor(st.rdev))); } finally { closeFd(fd); }
  } else {
    return; // sockets
  }
  chownSync(dst, st.uid, st.gid);
  chmodSync(dst, st.mode & 0o7777); // after chown, which clears setuid bits
  utimesSync(dst, st.atime, st.mtime);
}
