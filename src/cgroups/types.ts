// The vocabulary of the cgroups module: how the host mounts its hierarchies, the limits a
// container asks for (in Docker's units), the figures `stats` shows, and the one interface both
// the v1 and the v2 manager implement.

/** v1: controllers on cgroup v1 only; v2: one unified hierarchy; hybrid: v1 controllers plus a cgroup2 mount. */
export type CgroupMode = "v1" | "v2" | "hybrid";

/** One mounted hierarchy. */
export interface Hierarchy {
  version: 1 | 2;
  /** v1: the controllers mounted together (["cpu", "cpuacct"], ["name=systemd"]); v2: []. */
  controllers: string[];
  mountpoint: string;
  /** Which cgroup the mount shows (mountinfo's root field; "/" unless a subtree is bind-mounted). */
  root: string;
}

export interface CgroupLayout {
  mode: CgroupMode;
  /** Every v1 hierarchy, one per controller set. */
  v1: Hierarchy[];
  /** The cgroup2 mount, if any. */
  unified: Hierarchy | null;
}

/**
 * Limits in Docker's HostConfig units. A field left undefined (or 0 where Docker uses 0 for
 * "not set") is not written, so `update -m` touches only the memory files.
 */
export interface Resources {
  /** Bytes; -1 = unlimited. */
  memory?: number;
  /** Memory plus swap, bytes; -1 = unlimited swap. */
  memorySwap?: number;
  /** Soft limit, bytes. */
  memoryReservation?: number;
  /** Relative weight, 2..262144 (1024 = default). */
  cpuShares?: number;
  /** CFS period, µs. */
  cpuPeriod?: number;
  /** CFS quota, µs; -1 = unlimited. */
  cpuQuota?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  /** > 0: the limit; -1: unlimited. */
  pidsLimit?: number;
  /** 10..1000. */
  blkioWeight?: number;
}

/** One sample of a container's usage (what `stats` derives its columns from). */
export interface CgroupStats {
  /** Total CPU time consumed, ns. */
  cpuUsageNs: number;
  /** Memory in use, bytes, without inactive page cache (as `docker stats` counts it). */
  memoryUsage: number;
  /** The memory limit in bytes, null when unlimited. */
  memoryLimit: number | null;
  pids: number;
  blockRead: number;
  blockWrite: number;
  /** Processes the kernel's OOM killer ended in this cgroup; null when unknown. */
  oomKills: number | null;
}

/**
 * What each controller on this host can do, so flags the host cannot honour are reported (or
 * discarded with Docker's warning) before anything is created.
 */
export interface CgroupSupport {
  mode: CgroupMode;
  memory: boolean;
  swap: boolean;
  cpuShares: boolean;
  cpuCfs: boolean;
  cpuset: boolean;
  pids: boolean;
  blkioWeight: boolean;
  /** Online CPUs and memory nodes in cpuset list syntax ("0-1"). */
  cpus: string;
  mems: string;
}

/**
 * A container's cgroup, the same operations on every host kind. Paths are absolute; the
 * manager never looks outside its hierarchies' mountpoints.
 */
export interface CgroupManager {
  readonly mode: CgroupMode;
  /** Hierarchy key ("memory", "cpu,cpuacct", "name=systemd"; "" for cgroup2) → the cgroup's directory. */
  readonly paths: Record<string, string>;
  /**
   * Makes the cgroup in every hierarchy (parents included, v2 controllers enabled on the way,
   * v1 cpuset initialised from its parent). Idempotent. Returns the parent directories (relative
   * to the mountpoints) that this call created.
   */
  create(): string[];
  /** Writes the limits given; fields left undefined are not touched. */
  set(resources: Resources): void;
  /** The cgroup.procs files a process writes its pid (or "0") to, to join the cgroup everywhere. */
  procsFiles(): string[];
  addProcess(pid: number): void;
  /**
   * The cgroup.procs files a process may join before execve because their controllers neither
   * charge nor restrict its start-up (all but memory, pids, cpu and devices, whose charges,
   * limits and rules must start at execve). Joined while init is still starting, they also take
   * the kernel's cost of a first cgroup migration (an RCU grace period) off init's path.
   * Empty on v2 (one hierarchy). `unlimited` names the controllers this container sets no limit
   * in (memory, pids, cpu quota): with nothing to hit, they may be joined early too.
   */
  earlyProcsFiles(unlimited?: ReadonlySet<string>): string[];
  /**
   * Freezes (pause) or thaws (unpause) every process in the cgroup; returns once the kernel has
   * finished. A freeze that cannot finish is undone and throws.
   */
  freeze(frozen: boolean): void;
  /** Pids of the processes in the cgroup. */
  pids(): number[];
  stats(): CgroupStats;
  /** The file whose `oom_kill N` line counts OOM kills (v1 memory.oom_control, v2 memory.events), or null. */
  oomFile(): string | null;
  /**
   * Removes the cgroup everywhere (retrying while the kernel still sees it busy), then each of
   * `pruneParents` (relative paths, deepest first) that is empty. Idempotent.
   */
  destroy(pruneParents?: string[]): void;
}
