// The cgroup v1 manager: one directory per mounted hierarchy (including named ones such as
// name=systemd, as runc does), each controller's files written by its own file in this folder.
// On a hybrid host the cgroup is also made in the cgroup2 hierarchy, which tracks processes
// without controllers.

import { HostError } from "../../errors";
import { realCgroupFs, readPids, type CgroupFs } from "../files";
import { freezeV1, freezeV2 } from "../freezer";
import { forEachThenThrow, makeCgroupPath, removeCgroupPath } from "../tree";
import type { CgroupManager, CgroupMode, CgroupStats, Resources } from "../types";
import { blkio } from "./blkio";
import type { V1Controller } from "./controller";
import { cpu } from "./cpu";
import { cpuacct } from "./cpuacct";
import { cpuset } from "./cpuset";
import { memory } from "./memory";
import { pids } from "./pids";

const CONTROLLERS: Record<string, V1Controller> = { memory, cpu, cpuacct, cpuset, pids, blkio };

/** Controllers a process must join only right before execve (see earlyProcsFiles); devices
 *  always, the others only when the container sets a limit in them. */
const LATE_CONTROLLERS = new Set(["memory", "pids", "cpu", "devices"]);
const ALWAYS_LATE = new Set(["devices"]);

/** The key of the cgroup2 hierarchy in `mounts`, as /proc/PID/cgroup spells it ("0::/path"). */
export const UNIFIED_KEY = "";

export class CgroupV1Manager implements CgroupManager {
  readonly mode: CgroupMode;
  readonly paths: Record<string, string> = {};

  /**
   * @param mounts hierarchy key ("memory", "cpu,cpuacct", "name=systemd"; "" for the cgroup2
   *   mount of a hybrid host) → its mountpoint
   * @param relPath the cgroup below each mountpoint, e.g. "mydocker/<id>"
   */
  constructor(readonly mounts: Record<string, string>, readonly relPath: string, private readonly fs: CgroupFs = realCgroupFs) {
    this.mode = UNIFIED_KEY in mounts ? "hybrid" : "v1";
    for (const [key, mountpoint] of Object.entries(mounts)) this.paths[key] = `${mountpoint}/${relPath}`;
  }

  /** (controller, directory) for every controller mydocker writes or reads. */
  private controllers(): [V1Controller, string][] {
    const out: [V1Controller, string][] = [];
    for (const key of Object.keys(this.mounts)) {
      for (const name of key.split(",")) {
        const c = CONTROLLERS[name];
        if (c) out.push([c, this.paths[key]]);
      }
    }
    return out;
  }

  private dirOf(controller: string): string | undefined {
    const key = Object.keys(this.mounts).find((k) => k.split(",").includes(controller));
    return key === undefined ? undefined : this.paths[key];
  }

  create(): string[] {
    const created = new Set<string>();
    try {
      for (const [key, mountpoint] of Object.entries(this.mounts)) {
        makeCgroupPath(this.fs, mountpoint, this.relPath, undefined, created);
        for (const name of key.split(",")) CONTROLLERS[name]?.init?.(this.fs, mountpoint, this.relPath);
      }
    } catch (e) {
      // the caller never learns what a failed create made: take it all back here
      try { this.destroy([...created]); } catch { /* report the first error */ }
      throw e;
    }
    return [...created];
  }

  set(r: Resources): void {
    for (const [c, dir] of this.controllers()) c.set?.(this.fs, dir, r);
  }

  procsFiles(): string[] {
    return Object.values(this.paths).map((dir) => `${dir}/cgroup.procs`);
  }

  addProcess(pid: number): void {
    for (const f of this.procsFiles()) this.fs.write(f, String(pid));
  }

  earlyProcsFiles(unlimited: ReadonlySet<string> = new Set()): string[] {
    return Object.entries(this.paths)
      .filter(([key]) => !key.split(",").some((c) => ALWAYS_LATE.has(c) || (LATE_CONTROLLERS.has(c) && !unlimited.has(c))))
      .map(([, dir]) => `${dir}/cgroup.procs`);
  }

  /** The v1 freezer (what runc uses on hybrid hosts), else the cgroup2 directory's cgroup.freeze. */
  freeze(frozen: boolean): void {
    const dir = this.dirOf("freezer");
    if (dir) return freezeV1(this.fs, dir, frozen);
    if (UNIFIED_KEY in this.paths) return freezeV2(this.fs, this.paths[UNIFIED_KEY], frozen);
    throw new HostError("this host mounts no freezer cgroup hierarchy: containers cannot be paused");
  }

  pids(): number[] {
    const dir = this.dirOf("pids") ?? this.dirOf("memory") ?? Object.values(this.paths)[0];
    return dir ? readPids(this.fs, `${dir}/cgroup.procs`) : [];
  }

  stats(): CgroupStats {
    const s: CgroupStats = { cpuUsageNs: 0, memoryUsage: 0, memoryLimit: null, pids: 0, blockRead: 0, blockWrite: 0, oomKills: null };
    if (!this.dirOf("pids")) s.pids = this.pids().length;
    for (const [c, dir] of this.controllers()) c.stats?.(this.fs, dir, s);
    return s;
  }

  oomFile(): string | null {
    const dir = this.dirOf("memory");
    return dir ? `${dir}/memory.oom_control` : null;
  }

  destroy(pruneParents: string[] = []): void {
    forEachThenThrow(Object.values(this.mounts), (mountpoint) => removeCgroupPath(this.fs, mountpoint, this.relPath, pruneParents));
  }
}
