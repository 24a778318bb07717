// Parts of /proc and /sys a container must not read or change, as Docker hides them: masked
// paths are covered by /dev/null (files) or an empty read-only tmpfs (directories); read-only
// paths are bind-mounted read-only onto themselves. Applied by `_init` after pivot_root, on the
// container's own fresh /proc and /sys, to the paths that exist on this kernel.

import { existsSync, fstatSync, readdirSync } from "node:fs";
import { closeFd, O_DIRECTORY, O_NOFOLLOW, O_PATH, openAt, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, tryOpenat2 } from "../sys/fs";
import { MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RDONLY, MS_REC, MS_REMOUNT, mount } from "../sys/mount";
import { SyscallError } from "../errors";
import { errnoName, errnoText } from "../sys/errno";

export const MASKED_PATHS: readonly string[] = [
  "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
  "/sys/devices/virtual/powercap",
];

/** Docker's list plus each CPU's thermal_throttle directory the host has (GHSA-6fw5-f8r9-fgfm). */
export function defaultMaskedPaths(sysCpu = "/sys/devices/system/cpu"): string[] {
  const extra: string[] = [];
  try {
    for (const e of readdirSync(sysCpu)) {
      const p = `${sysCpu}/${e}/thermal_throttle`;
      if (/^cpu\d+$/.test(e) && existsSync(p)) extra.push(`/sys/devices/system/cpu/${e}/thermal_throttle`);
    }
  } catch { /* no sysfs */ }
  return [...MASKED_PATHS, ...extra];
}

export const READONLY_PATHS: readonly string[] = [
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
];

/** Runs fn with a /proc/self/fd path for `path` below rootFd, when it exists (no symlink followed out). */
function withExisting(rootFd: number, path: string, fn: (target: string, fd: number) => void): void {
  const fd = tryOpenat2(rootFd, path.replace(/^\/+/, ""), O_PATH | O_NOFOLLOW, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (fd === -2) return; // ENOENT: this kernel has no such file
  // anything else (ENOSYS, EACCES, ELOOP…) would leave the path unmasked: fail the start
  if (fd < 0) throw new SyscallError("openat2", -fd, errnoName(-fd), errnoText(-fd), path);
  try {
    fn(`/proc/self/fd/${fd}`, fd);
  } finally { closeFd(fd); }
}

/** Runs fn with root opened once for all its paths (a start masks ~20 of them). */
function underRoot(root: string, fn: (rootFd: number) => void): void {
  const rootFd = openAt(-100, root, O_PATH | O_DIRECTORY);
  try { fn(rootFd); } finally { closeFd(rootFd); }
}

export function maskPaths(paths: readonly string[], root = "/"): void {
  underRoot(root, (rootFd) => {
    for (const p of paths) {
      withExisting(rootFd, p, (target, fd) => {
        if (fstatSync(fd).isDirectory()) mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555");
        else mount("/dev/null", target, null, MS_BIND);
      });
    }
  });
}

export function readonlyPaths(paths: readonly string[], root = "/"): void {
  underRoot(root, (rootFd) => {
    for (const p of paths) {
      withExisting(rootFd, p, (target) => mount(target, target, null, MS_BIND | MS_REC));
      // looked up again: the remount must name the new bind mount, not the file beneath it
      withExisting(rootFd, p, (target) => mount(null, target, null, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
    }
  });
}
