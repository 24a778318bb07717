// Mount-table syscalls: mount, umount2, pivot_root. Errors print the flags by name so a failed
// mount says exactly what was asked of the kernel.

import { check, cstr, sym } from "./libc";

export const MS_RDONLY = 0x1, MS_NOSUID = 0x2, MS_NODEV = 0x4, MS_NOEXEC = 0x8,
  MS_REMOUNT = 0x20, MS_NOATIME = 0x400, MS_BIND = 0x1000, MS_MOVE = 0x2000, MS_REC = 0x4000,
  MS_PRIVATE = 0x40000, MS_SLAVE = 0x80000, MS_SHARED = 0x100000, MS_RELATIME = 0x200000,
  MS_STRICTATIME = 0x1000000;

export const MNT_DETACH = 2;

const FLAG_NAMES: [number, string][] = [
  [MS_RDONLY, "ro"], [MS_NOSUID, "nosuid"], [MS_NODEV, "nodev"], [MS_NOEXEC, "noexec"],
  [MS_REMOUNT, "remount"], [MS_NOATIME, "noatime"], [MS_BIND, "bind"], [MS_MOVE, "move"],
  [MS_REC, "rec"], [MS_PRIVATE, "private"], [MS_SLAVE, "slave"], [MS_SHARED, "shared"],
  [MS_RELATIME, "relatime"], [MS_STRICTATIME, "strictatime"],
];

export function mountFlagNames(flags: number): string {
  return FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n).join(",") || "none";
}

export function mount(source: string | null, target: string, fstype: string | null, flags: number, data?: string): void {
  const s = source === null ? null : cstr(source);
  const t = cstr(target);
  const f = fstype === null ? null : cstr(fstype);
  const d = data === undefined ? null : cstr(data);
  const what = `mount ${fstype ?? source ?? ""} (${mountFlagNames(flags)}) on`;
  check(what, target, () => sym.mount(s, t, f, flags, d));
}

export function umount(target: string, flags = 0): void {
  const t = cstr(target);
  check("umount", target, () => sym.umount2(t, flags));
}

const SYS_pivot_root = 155;

export function pivotRoot(newRoot: string, putOld: string): void {
  const n = cstr(newRoot), o = cstr(putOld);
  check("pivot_root", newRoot, () => sym.syscall(SYS_pivot_root, n, o, null, null, null));
}

const OPTION_FLAGS: Record<string, [number, boolean]> = {
  ro: [MS_RDONLY, true], rw: [MS_RDONLY, false], nosuid: [MS_NOSUID, true], suid: [MS_NOSUID, false],
  nodev: [MS_NODEV, true], dev: [MS_NODEV, false], noexec: [MS_NOEXEC, true], exec: [MS_NOEXEC, false],
  noatime: [MS_NOATIME, true], atime: [MS_NOATIME, false], relatime: [MS_RELATIME, true],
  strictatime: [MS_STRICTATIME, true],
};

/** "rw,noexec,size=64m" → mount flags + the data string the filesystem parses (later words win). */
export function splitMountOptions(options: string[]): { flags: number; data: string } {
  let flags = 0;
  const data: string[] = [];
  for (const o of options) {
    const f = OPTION_FLAGS[o];
    if (f) flags = f[1] ? flags | f[0] : flags & ~f[0];
    else data.push(o);
  }
  return { flags, data: data.join(",") };
}

export function isMountFlagOption(o: string): boolean {
  return o in OPTION_FLAGS;
}
