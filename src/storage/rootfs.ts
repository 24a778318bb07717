// Building a container's filesystem from inside its new mount namespace (called by `_init`):
// overlay rootfs, /proc, /dev, /sys, bind-mounted /etc files and user mounts, then pivot_root.
// Nothing here is visible on the host: the mounts die with the namespace.

import { chmodSync, mkdirSync, symlinkSync } from "node:fs";
import type { MountSpec, RuntimeSpec } from "../container/record";
import { HostError, SyscallError } from "../errors";
import {
  closeFd, makedev, mknodAt, O_CREAT, O_DIRECTORY, O_PATH, O_RDONLY, O_WRONLY, openAt, openat2,
  RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, S_IFCHR, tryOpenat2,
} from "../sys/fs";
import {
  MNT_DETACH, MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_PRIVATE, MS_RDONLY, MS_REC, MS_REMOUNT,
  MS_STRICTATIME, mount, pivotRoot, splitMountOptions, umount,
} from "../sys/mount";
import { chdir } from "../sys/process";
import { openMountTarget, withMountTarget } from "./mount-target";

/** Stops mount events from reaching the host (the book forgot this and broke hosts). */
export function makeMountsPrivate(): void {
  mount(null, "/", null, MS_REC | MS_PRIVATE);
}

export function mountOverlay(spec: RuntimeSpec["rootfs"]): void {
  mkdirSync(spec.mountpoint, { recursive: true });
  // Relative lowerdirs keep the option string short (it must fit in one page): mount from the
  // common parent of the layers.
  const common = commonParent(spec.lower);
  const lower = spec.lower.map((l) => (common ? l.slice(common.length + 1) : l)).join(":");
  if (common) chdir(common);
  // redirect_dir=off: a renamed lower directory is copied up whole, so the upperdir stays a plain
  // diff (whiteouts and opaque dirs only) that `commit` can pack
  const data = `lowerdir=${lower},upperdir=${spec.upper},workdir=${spec.work},index=off,redirect_dir=off`;
  try {
    mount("overlay", spec.mountpoint, "overlay", 0, data);
  } catch (e) {
    if (e instanceof SyscallError && e.errno === 19) throw new HostError("this kernel has no overlayfs (modprobe overlay)");
    throw e;
  }
}

function commonParent(paths: string[]): string {
  if (paths.length === 0) return "";
  const split = paths.map((p) => p.split("/"));
  // layers live at <layers>/<hex>/diff: the parent two levels up is shared
  const first = split[0].slice(0, -2);
  for (const s of split) if (s.slice(0, -2).join("/") !== first.join("/")) return "";
  return first.join("/");
}

const DEVICES: [string, number, number][] = [
  ["null", 1, 3], ["zero", 1, 5], ["full", 1, 7], ["random", 1, 8], ["urandom", 1, 9], ["tty", 5, 0],
];

export function mountProc(rootfs: string): void {
  withMountTarget(rootfs, "/proc", "dir", (t) => mount("proc", t, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC));
}

export function mountSys(rootfs: string, readonly: boolean): void {
  withMountTarget(rootfs, "/sys", "dir", (t) =>
    mount("sysfs", t, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | (readonly ? MS_RDONLY : 0)));
}

/** /dev as a small tmpfs holding only the default device nodes, its own devpts, shm, mqueue. */
export function mountDev(rootfs: string): void {
  withMountTarget(rootfs, "/dev", "dir", (t) => mount("tmpfs", t, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k"));
  const dev = `${rootfs}/dev`;
  const fd = openAt(-100, dev, O_PATH | O_DIRECTORY);
  try {
    for (const [name, major, minor] of DEVICES) {
      mknodAt(fd, name, S_IFCHR | 0o666, makedev(major, minor));
      chmodSync(`${dev}/${name}`, 0o666); // mknod honours the umask
    }
  } finally { closeFd(fd); }
  for (const d of ["pts", "shm", "mqueue"]) mkdirSync(`${dev}/${d}`);
  mount("devpts", `${dev}/pts`, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5");
  mount("shm", `${dev}/shm`, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k");
  mount("mqueue", `${dev}/mqueue`, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC);
  symlinkSync("pts/ptmx", `${dev}/ptmx`);
  symlinkSync("/proc/self/fd", `${dev}/fd`);
  symlinkSync("/proc/self/fd/0", `${dev}/stdin`);
  symlinkSync("/proc/self/fd/1", `${dev}/stdout`);
  symlinkSync("/proc/self/fd/2", `${dev}/stderr`);
  symlinkSync("/proc/kcore", `${dev}/core`);
}

/**
 * /etc/hostname, /etc/hosts and /etc/resolv.conf: /etc is resolved inside the rootfs once, the
 * three targets are made in it, and each is bind-mounted through its own fd.
 */
export function bindEtcFiles(rootfs: string, files: [source: string, name: string][]): void {
  const etc = openMountTarget(rootfs, "/etc", "dir");
  try {
    const real = openat2(etc, ".", O_RDONLY | O_DIRECTORY, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    try {
      for (const [source, name] of files) {
        const f = tryOpenat2(real, name, O_WRONLY | O_CREAT, 0o644, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
        if (f >= 0) closeFd(f);
        const target = openat2(real, name, O_PATH, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
        try { mount(source, `/proc/self/fd/${target}`, null, MS_BIND); } finally { closeFd(target); }
      }
    } finally { closeFd(real); }
  } finally { closeFd(etc); }
}

export function bindFile(rootfs: string, source: string, dest: string, readonly = false): void {
  withMountTarget(rootfs, dest, "file", (t) => {
    mount(source, t, null, MS_BIND);
    if (readonly) mount(null, t, null, MS_BIND | MS_REMOUNT | MS_RDONLY);
  });
}

/** A user mount (-v, --mount, --tmpfs). `copyUp` (storage/copy-up, loaded by the caller only
 *  when a volume needs it: its tar code is heavy) fills an empty named volume from the image. */
export function mountUser(rootfs: string, m: MountSpec, isDirSource: boolean, copyUp?: (target: string, source: string) => void): void {
  withMountTarget(rootfs, m.destination, isDirSource ? "dir" : "file", (t) => {
    if (m.type === "tmpfs") {
      const { flags, data } = splitMountOptions(m.options ?? ["nosuid", "nodev"]);
      mount("tmpfs", t, "tmpfs", flags | (m.readonly ? MS_RDONLY : 0), data || undefined);
      return;
    }
    if (m.copyUp && isDirSource) {
      if (!copyUp) throw new HostError(`copy-up of ${m.destination} was not loaded`);
      copyUp(t, m.source);
    }
    mount(m.source, t, null, MS_BIND | MS_REC);
  });
  // the fd above still names the directory under the new mount: a remount needs the mount's own
  // root, which a fresh lookup of the same target now reaches
  if (m.readonly && m.type !== "tmpfs")
    withMountTarget(rootfs, m.destination, isDirSource ? "dir" : "file", (t) => mount(null, t, null, MS_BIND | MS_REMOUNT | MS_RDONLY));
}

/** pivot_root(".", ".") then detach the old root: no temporary directory needed. */
export function enterRootfs(rootfs: string): void {
  chdir(rootfs);
  pivotRoot(".", ".");
  umount(".", MNT_DETACH);
  chdir("/");
}

export function remountRootReadonly(): void {
  mount(null, "/", null, MS_BIND | MS_REMOUNT | MS_RDONLY);
}
