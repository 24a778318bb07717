// Usage figures of containers, as `docker stats` shows them: CPU % from the CPU time used between
// two samples, memory without inactive page cache against the limit (or the host's memory),
// network bytes of the container's interfaces, block I/O bytes, and the number of processes.

import { readFileSync } from "node:fs";
import { openCgroup, type CgroupStats } from "../cgroups";
import { containerCgroup } from "./cgroup-module";
import type { ContainerConfig, ContainerState } from "./record";

export interface StatsSample {
  id: string;
  name: string;
  /** When the sample was taken, ms (monotonic). */
  at: number;
  /** null when the container is not running (its cgroup is gone). */
  cgroup: CgroupStats | null;
  netRx: number;
  netTx: number;
}

/** Docker's `stats --format json` object (its keys, in its order). */
export interface StatsRow {
  BlockIO: string;
  CPUPerc: string;
  Container: string;
  ID: string;
  MemPerc: string;
  MemUsage: string;
  Name: string;
  NetIO: string;
  PIDs: string;
}

/** Receive/transmit bytes of every interface but lo, from a /proc/PID/net/dev text. */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0, tx = 0;
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0 || line.slice(0, colon).trim() === "lo") continue;
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return { rx, tx };
}

export function hostMemoryBytes(): number {
  const m = /MemTotal:\s+(\d+) kB/.exec(readFileSync("/proc/meminfo", "latin1"));
  return m ? Number(m[1]) * 1024 : 0;
}

export function sampleContainer(config: ContainerConfig, state: ContainerState): StatsSample {
  const sample: StatsSample = { id: config.Id, name: config.Name, at: performance.now(), cgroup: null, netRx: 0, netTx: 0 };
  const rec = containerCgroup(config);
  if (state.Status !== "running" && state.Status !== "paused") return sample;
  try {
    if (rec) sample.cgroup = openCgroup(rec).stats();
    // a container on the host's network has no traffic of its own to show
    if (config.HostConfig.NetworkMode !== "host") {
      const net = parseNetDev(readFileSync(`/proc/${state.Pid}/net/dev`, "latin1"));
      sample.netRx = net.rx;
      sample.netTx = net.tx;
    }
  } catch {
    // exited between the state check and the reads: show it as stopped
    sample.cgroup = null;
  }
  return sample;
}

/** A row from two samples of one container (prev may be undefined: CPU % is then 0). */
export function statsRow(ref: string, cur: StatsSample, prev: StatsSample | undefined, hostMemory: number,
  fmt: { bytesSize: (n: number) => string; humanSize: (n: number) => string }, trunc = true): StatsRow {
  const c = cur.cgroup;
  let cpu = 0;
  if (c && prev?.cgroup && cur.at > prev.at) {
    const usedNs = Math.max(0, c.cpuUsageNs - prev.cgroup.cpuUsageNs);
    cpu = (usedNs / ((cur.at - prev.at) * 1e6)) * 100;
  }
  const limit = c ? Math.min(c.memoryLimit ?? hostMemory, hostMemory || Infinity) : 0;
  const mem = c?.memoryUsage ?? 0;
  return {
    BlockIO: `${fmt.humanSize(c?.blockRead ?? 0)} / ${fmt.humanSize(c?.blockWrite ?? 0)}`,
    CPUPerc: `${cpu.toFixed(2)}%`,
    Container: ref,
    ID: trunc ? cur.id.slice(0, 12) : cur.id,
    MemPerc: `${(limit > 0 ? (mem / limit) * 100 : 0).toFixed(2)}%`,
    MemUsage: `${fmt.bytesSize(mem)} / ${fmt.bytesSize(limit)}`,
    Name: cur.name,
    NetIO: `${fmt.humanSize(cur.netRx)} / ${fmt.humanSize(cur.netTx)}`,
    PIDs: String(c?.pids ?? 0),
  };
}
