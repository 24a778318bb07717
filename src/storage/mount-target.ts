// Finding (and creating) a mount target inside a container's rootfs without ever following a
// symlink out of it. An image may hold `/data -> /etc` or `/proc -> /`: every lookup goes through
// openat2(RESOLVE_IN_ROOT), so such links resolve inside the rootfs, and the mount is made on the
// resulting fd's /proc/self/fd path, which cannot be swapped between check and use.

import { SyscallError } from "../errors";
import { closeFd, mkdirAt, O_CREAT, O_DIRECTORY, O_EXCL, O_PATH, O_RDONLY, O_WRONLY, openat2, openAt, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, tryOpenat2 } from "../sys/fs";
import { splitEntryPath } from "./entry-path";

const RESOLVE = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

/** An O_PATH fd for dest inside rootfs (created as a directory or empty file when missing). */
export function openMountTarget(rootfs: string, dest: string, kind: "dir" | "file"): number {
  const parts = splitEntryPath(dest);
  const rootFd = openAt(-100, rootfs, O_PATH | O_DIRECTORY);
  try {
    const existing = tryOpenat2(rootFd, parts.join("/") || ".", O_PATH, 0, RESOLVE);
    if (existing >= 0) return existing;
    let dirFd = openat2(rootFd, ".", O_PATH | O_DIRECTORY, 0, RESOLVE);
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const p = parts[i];
      if (last && kind === "file") {
        const probe = tryOpenat2(dirFd, p, O_PATH, 0, RESOLVE);
        if (probe < 0) {
          // create through a real (non-O_PATH) parent fd
          const real = openat2(dirFd, ".", O_RDONLY | O_DIRECTORY, 0, RESOLVE);
          try {
            const f = tryOpenat2(real, p, O_WRONLY | O_CREAT | O_EXCL, 0o644, RESOLVE);
            if (f >= 0) closeFd(f);
          } finally { closeFd(real); }
        } else closeFd(probe);
      } else {
        const real = openat2(dirFd, ".", O_RDONLY | O_DIRECTORY, 0, RESOLVE);
        try {
          const rc = mkdirAt(real, p, 0o755);
          if (rc < 0 && rc !== -17) throw new SyscallError("mkdir", -rc, "", "cannot create mount target", `${rootfs}${dest}`);
        } finally { closeFd(real); }
      }
      const next = openat2(dirFd, p, O_PATH | (last && kind === "file" ? 0 : O_DIRECTORY), 0, RESOLVE);
      closeFd(dirFd);
      dirFd = next;
    }
    return dirFd;
  } finally {
    closeFd(rootFd);
  }
}

/** Runs fn with a /proc/self/fd path standing for dest inside rootfs. */
export function withMountTarget<T>(rootfs: string, dest: string, kind: "dir" | "file", fn: (path: string) => T): T {
  const fd = openMountTarget(rootfs, dest, kind);
  try {
    return fn(`/proc/self/fd/${fd}`);
  } finally {
    closeFd(fd);
  }
}
