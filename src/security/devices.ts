// Devices: the device cgroup's allow-list (Docker's: any node may be created, only the default
// ones — null, zero, full, random, urandom, tty, ptmx, the pty slaves — may be read or written),
// `--device HOST[:CONTAINER[:rwm]]`, and --privileged's copy of every host device node.

import { readdirSync, statSync } from "node:fs";
import { InvalidInputError } from "../errors";
import { closeFd, fchmodAt, fchownAt, makedev, mknodAt, S_IFBLK, S_IFCHR, unlinkAt } from "../sys/fs";
import { openMountTarget } from "../storage/mount-target";
import type { DeviceNode, DeviceRule } from "./spec";

const rule = (type: DeviceRule["type"], major: number | null, minor: number | null, access: string): DeviceRule =>
  ({ allow: true, type, major, minor, access });

/** Docker's (runc's) default list, minus the tun/tap rule: only nodes /dev actually holds. */
export const DEFAULT_DEVICE_RULES: readonly DeviceRule[] = [
  rule("c", null, null, "m"), rule("b", null, null, "m"), // mknod of anything; using it is another matter
  rule("c", 1, 3, "rwm"), rule("c", 1, 5, "rwm"), rule("c", 1, 7, "rwm"), // null zero full
  rule("c", 1, 8, "rwm"), rule("c", 1, 9, "rwm"), rule("c", 5, 0, "rwm"), // random urandom tty
  rule("c", 5, 2, "rwm"), rule("c", 136, null, "rwm"), // ptmx, /dev/pts/*
];

export const ALLOW_ALL_DEVICES: readonly DeviceRule[] = [rule("a", null, null, "rwm")];

/** "c 1:3 rwm", as cgroup v1's devices.allow takes it. */
export function formatRule(r: DeviceRule): string {
  const n = (v: number | null) => (v === null ? "*" : String(v));
  return `${r.type} ${n(r.major)}:${n(r.minor)} ${r.access}`;
}

// glibc's dev_t layout (gnu_dev_major/gnu_dev_minor)
const major = (d: bigint) => Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
const minor = (d: bigint) => Number((d & 0xffn) | ((d >> 12n) & ~0xffn));

function nodeOf(hostPath: string, ctrPath: string): DeviceNode | null {
  const st = statSync(hostPath, { bigint: true });
  const type = st.isCharacterDevice() ? "c" : st.isBlockDevice() ? "b" : null;
  if (!type) return null;
  return { path: ctrPath, type, major: major(st.rdev), minor: minor(st.rdev), mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid) };
}

/** Every device node under dir (recursively), at the same path in the container. */
function nodesUnder(dir: string, ctrDir: string, skip: (rel: string) => boolean = () => false): DeviceNode[] {
  const out: DeviceNode[] = [];
  const walk = (rel: string) => {
    let entries;
    try { entries = readdirSync(`${dir}${rel}`, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const r = `${rel}/${e.name}`;
      if (skip(r)) continue;
      if (e.isDirectory()) walk(r);
      else if (e.isCharacterDevice() || e.isBlockDevice()) {
        try { const n = nodeOf(`${dir}${r}`, `${ctrDir}${r}`); if (n) out.push(n); } catch { /* vanished */ }
      }
    }
  };
  walk("");
  return out;
}

/** --device HOST[:CONTAINER[:PERMISSIONS]] → the nodes to create and their cgroup rules. */
export function parseDevice(raw: string): { nodes: DeviceNode[]; rules: DeviceRule[] } {
  const parts = raw.split(":");
  let src = parts[0], dst = "", perms = "rwm";
  if (parts.length === 2) {
    if (/^[rwm]{1,3}$/.test(parts[1])) perms = parts[1];
    else dst = parts[1];
  } else if (parts.length === 3) {
    dst = parts[1];
    perms = parts[2];
  } else if (parts.length > 3) throw new InvalidInputError(`invalid device specification: ${raw}`);
  if (!/^[rwm]{1,3}$/.test(perms) || new Set(perms).size !== perms.length) throw new InvalidInputError(`invalid device mode: ${perms}`);
  if (!src.startsWith("/")) throw new InvalidInputError(`invalid device specification: ${raw}: the host path must be absolute`);
  dst ||= src;
  if (!dst.startsWith("/")) throw new InvalidInputError(`invalid device specification: ${raw}: the container path must be absolute`);
  let st;
  try { st = statSync(src); } catch {
    throw new InvalidInputError(`error gathering device information while adding custom device "${src}": no such file or directory`);
  }
  let nodes: DeviceNode[];
  if (st.isDirectory()) nodes = nodesUnder(src.replace(/\/+$/, ""), dst.replace(/\/+$/, ""));
  else {
    const n = nodeOf(src, dst);
    if (!n) throw new InvalidInputError(`error gathering device information while adding custom device "${src}": not a device node`);
    nodes = [n];
  }
  return { nodes, rules: nodes.map((n) => rule(n.type, n.major, n.minor, perms)) };
}

/** --privileged: every host device node (not the pty instances or Docker's skip list). */
export function hostDeviceNodes(hostDev = "/dev"): DeviceNode[] {
  const skipped = (rel: string) => /^\/(pts|shm|mqueue|\.lxc|\.udev|fd|console|ptmx|tty)$/.test(rel) || rel.startsWith("/pts/");
  return nodesUnder(hostDev, "/dev", skipped);
}

/** In `_init`, before pivot_root: creates nodes inside rootfs (paths resolved inside it). */
export function createDeviceNodes(rootfs: string, nodes: DeviceNode[]): void {
  for (const n of nodes) {
    const slash = n.path.lastIndexOf("/");
    const dir = n.path.slice(0, slash) || "/", name = n.path.slice(slash + 1);
    const fd = openMountTarget(rootfs, dir, "dir");
    try {
      unlinkAt(fd, name, false); // replace a default node or an image's file of that name
      mknodAt(fd, name, (n.type === "c" ? S_IFCHR : S_IFBLK) | n.mode, makedev(n.major, n.minor));
      fchmodAt(fd, name, n.mode); // mknod honours the umask
      fchownAt(fd, name, n.uid, n.gid);
    } finally { closeFd(fd); }
  }
}
