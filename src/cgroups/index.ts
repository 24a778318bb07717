// The cgroups module's door: find the host's hierarchies, open a container's cgroup with the
// manager for this host kind, and reopen it later (stats, update, release) from what was recorded.
// Everything below takes plain objects and mount paths, so it runs on a fake cgroupfs in tests.

import { readFileSync } from "node:fs";
import { realCgroupFs, type CgroupFs } from "./files";
import { parseMountinfo, probeSupport } from "./mountinfo";
import type { CgroupLayout, CgroupManager, CgroupMode, CgroupSupport } from "./types";
import { CgroupV1Manager, UNIFIED_KEY } from "./v1/manager";
import { CgroupV2Manager } from "./v2/manager";

export type { CgroupLayout, CgroupManager, CgroupMode, CgroupStats, CgroupSupport, Hierarchy, Resources } from "./types";
export type { CgroupFs } from "./files";
export { parseMountinfo, probeSupport } from "./mountinfo";
export { CgroupV1Manager } from "./v1/manager";
export { CgroupV2Manager } from "./v2/manager";
export * from "./resources";

/** Enough to reopen a container's cgroup in another process: kept in the container's record. */
export interface CgroupRecord {
  mode: CgroupMode;
  /** Hierarchy key → mountpoint ("" = cgroup2). */
  mounts: Record<string, string>;
  /** The cgroup below each mountpoint, e.g. "mydocker/<id>". */
  path: string;
}

let cachedLayout: CgroupLayout | undefined;

/** This host's hierarchies, from /proc/self/mountinfo (read once per process). */
export function hostLayout(): CgroupLayout {
  cachedLayout ??= parseMountinfo(readFileSync("/proc/self/mountinfo", "latin1"));
  return cachedLayout;
}

export function hostSupport(layout = hostLayout(), fs: CgroupFs = realCgroupFs): CgroupSupport {
  return probeSupport(layout, fs);
}

/** Where a cgroup at relPath lives on a host with this layout. */
export function cgroupRecord(layout: CgroupLayout, relPath: string): CgroupRecord {
  const mounts: Record<string, string> = {};
  if (layout.mode === "v2") mounts[UNIFIED_KEY] = layout.unified!.mountpoint;
  else {
    for (const h of layout.v1) mounts[h.controllers.join(",")] = h.mountpoint;
    if (layout.mode === "hybrid") mounts[UNIFIED_KEY] = layout.unified!.mountpoint;
  }
  return { mode: layout.mode, mounts, path: relPath };
}

/** The manager for a recorded cgroup: v2 for a unified host, v1 (plus cgroup2 tracking when hybrid) otherwise. */
export function openCgroup(record: CgroupRecord, fs: CgroupFs = realCgroupFs): CgroupManager {
  if (record.mode === "v2") return new CgroupV2Manager(record.mounts[UNIFIED_KEY], record.path, fs);
  return new CgroupV1Manager(record.mounts, record.path, fs);
}
