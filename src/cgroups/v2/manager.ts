// The cgroup v2 manager: one directory in the unified hierarchy. Controllers work in a cgroup
// only when every ancestor lists them in cgroup.subtree_control, so creation enables the ones
// mydocker uses on each level on the way down. Docker's v1-style values are converted (convert.ts).

import { HostError } from "../../errors";
import { readFlatKeyed, readNumber, readPids, realCgroupFs, type CgroupFs } from "../files";
import { freezeV2 } from "../freezer";
import { makeCgroupPath, removeCgroupPath } from "../tree";
import type { CgroupManager, CgroupStats, Resources } from "../types";
import { blkioWeightToIoWeight, cpuMax, cpuSharesToWeight, memoryMax, memorySwapMax, pidsMax } from "./convert";

/** The controllers a container's cgroup gets, when the host offers them. */
export const V2_CONTROLLERS = ["cpu", "cpuset", "io", "memory", "pids"];

/** Sums rbytes/wbytes over the devices of an io.stat file ("8:0 rbytes=1 wbytes=2 …"). */
export function sumIoStat(text: string): { read: number; write: number } {
  let read = 0, write = 0;
  for (const line of text.split("\n")) {
    for (const field of line.split(" ").slice(1)) {
      const [k, v] = field.split("=");
      if (k === "rbytes") read += Number(v);
      else if (k === "wbytes") write += Number(v);
    }
  }
  return { read, write };
}

export class CgroupV2Manager implements CgroupManager {
  readonly mode = "v2" as const;
  readonly paths: Record<string, string>;
  readonly dir: string;

  /** @param relPath the cgroup below the mountpoint, e.g. "mydocker/<id>" */
  constructor(readonly mountpoint: string, readonly relPath: string, private readonly fs: CgroupFs = realCgroupFs) {
    this.dir = `${mountpoint}/${relPath}`;
    this.paths = { "": this.dir };
  }

  /** Enables in dir's subtree_control the wanted controllers that dir offers and lacks. */
  private enableControllers(dir: string): void {
    const offered = new Set(this.fs.read(`${dir}/cgroup.controllers`).trim().split(/\s+/));
    const enabled = new Set(this.fs.read(`${dir}/cgroup.subtree_control`).trim().split(/\s+/));
    const add = V2_CONTROLLERS.filter((c) => offered.has(c) && !enabled.has(c));
    if (add.length) this.fs.write(`${dir}/cgroup.subtree_control`, add.map((c) => `+${c}`).join(" "));
  }

  create(): string[] {
    const created = new Set<string>();
    try {
      this.enableControllers(this.mountpoint);
      makeCgroupPath(this.fs, this.mountpoint, this.relPath, (dir, isLeaf) => {
        if (!isLeaf) this.enableControllers(dir);
      }, created);
    } catch (e) {
      // the caller never learns what a failed create made: take it all back here
      try { this.destroy([...created]); } catch { /* report the first error */ }
      throw e;
    }
    return [...created];
  }

  /** Writes file in the cgroup, naming the controller when it is not enabled there. */
  private write(controller: string, file: string, value: string | null): void {
    if (value === null) return;
    const path = `${this.dir}/${file}`;
    if (!this.fs.exists(path)) {
      throw new HostError(`cannot set ${file}: the ${controller} controller is not available in cgroup ${this.dir} (cgroup v2 controllers offered: ${this.fs.readOptional(`${this.dir}/cgroup.controllers`)?.trim() || "none"})`);
    }
    this.fs.write(path, value);
  }

  set(r: Resources): void {
    const memory = r.memory ?? 0, swap = r.memorySwap ?? 0;
    // memory.max before memory.swap.max: v2 checks neither against the other, but a failure
    // should leave the main limit in place
    this.write("memory", "memory.max", memoryMax(memory));
    const swapMax = memorySwapMax(swap, memory);
    // a kernel without swap accounting has no memory.swap.max: there is no swap to limit
    if (swapMax !== null && this.fs.exists(`${this.dir}/memory.swap.max`)) this.fs.write(`${this.dir}/memory.swap.max`, swapMax);
    if (r.memoryReservation) this.write("memory", "memory.low", String(r.memoryReservation));
    if (r.cpuShares) this.write("cpu", "cpu.weight", String(cpuSharesToWeight(r.cpuShares)));
    this.write("cpu", "cpu.max", cpuMax(r.cpuQuota ?? 0, r.cpuPeriod ?? 0));
    if (r.cpusetMems) this.write("cpuset", "cpuset.mems", r.cpusetMems);
    if (r.cpusetCpus) this.write("cpuset", "cpuset.cpus", r.cpusetCpus);
    this.write("pids", "pids.max", pidsMax(r.pidsLimit ?? 0));
    if (r.blkioWeight) {
      // BFQ takes the v1 range as is; io.weight has its own scale
      if (this.fs.exists(`${this.dir}/io.bfq.weight`)) this.fs.write(`${this.dir}/io.bfq.weight`, String(r.blkioWeight));
      else this.write("io", "io.weight", String(blkioWeightToIoWeight(r.blkioWeight)));
    }
  }

  procsFiles(): string[] {
    return [`${this.dir}/cgroup.procs`];
  }

  addProcess(pid: number): void {
    this.fs.write(`${this.dir}/cgroup.procs`, String(pid));
  }

  earlyProcsFiles(_unlimited?: ReadonlySet<string>): string[] {
    return []; // one hierarchy holds every controller: the process joins it at execve
  }

  freeze(frozen: boolean): void {
    freezeV2(this.fs, this.dir, frozen);
  }

  pids(): number[] {
    return readPids(this.fs, `${this.dir}/cgroup.procs`);
  }

  stats(): CgroupStats {
    const d = this.dir;
    const usage = readNumber(this.fs, `${d}/memory.current`) ?? 0;
    const inactive = readFlatKeyed(this.fs, `${d}/memory.stat`).get("inactive_file") ?? 0;
    const io = sumIoStat(this.fs.readOptional(`${d}/io.stat`) ?? "");
    return {
      cpuUsageNs: (readFlatKeyed(this.fs, `${d}/cpu.stat`).get("usage_usec") ?? 0) * 1000,
      memoryUsage: inactive < usage ? usage - inactive : usage,
      memoryLimit: readNumber(this.fs, `${d}/memory.max`),
      pids: readNumber(this.fs, `${d}/pids.current`) ?? this.pids().length,
      blockRead: io.read,
      blockWrite: io.write,
      oomKills: this.fs.exists(`${d}/memory.events`) ? readFlatKeyed(this.fs, `${d}/memory.events`).get("oom_kill") ?? 0 : null,
    };
  }

  oomFile(): string | null {
    const f = `${this.dir}/memory.events`;
    return this.fs.exists(f) ? f : null;
  }

  destroy(pruneParents: string[] = []): void {
    removeCgroupPath(this.fs, this.mountpoint, this.relPath, pruneParents);
  }
}
