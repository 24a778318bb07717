// What a v1 controller contributes to a container's cgroup. One file per controller; the manager
// applies each controller of a hierarchy to that hierarchy's directory, so co-mounted
// controllers (cpu,cpuacct) share one directory without knowing it.

import type { CgroupFs } from "../files";
import type { CgroupStats, Resources } from "../types";

export interface V1Controller {
  name: string;
  /** Right after the cgroup's directories exist (cpuset copies cpus/mems from the parent). */
  init?(fs: CgroupFs, mountpoint: string, relPath: string): void;
  set?(fs: CgroupFs, dir: string, r: Resources): void;
  stats?(fs: CgroupFs, dir: string, s: CgroupStats): void;
}
