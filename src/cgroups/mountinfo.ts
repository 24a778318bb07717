// Where the host mounts its cgroup hierarchies, read from /proc/self/mountinfo (never assumed:
// cpu and cpuacct may be one hierarchy or two, cgroup2 may be at /sys/fs/cgroup or at
// /sys/fs/cgroup/unified), and what the mounted controllers can do on this kernel.

import { HostError } from "../errors";
import type { CgroupFs } from "./files";
import type { CgroupLayout, CgroupMode, CgroupSupport, Hierarchy } from "./types";

const V1_CONTROLLERS = new Set([
  "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio", "blkio",
  "perf_event", "hugetlb", "pids", "rdma", "misc", "debug",
]);

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * The cgroup hierarchies in a mountinfo text. A hierarchy mounted twice (bind mounts) is listed
 * once, preferring the mount that shows its root.
 */
export function parseMountinfo(text: string): CgroupLayout {
  const v1 = new Map<string, Hierarchy>();
  let unified: Hierarchy | null = null;
  for (const line of text.split("\n")) {
    const dash = line.indexOf(" - ");
    if (dash < 0) continue;
    const pre = line.slice(0, dash).split(" ");
    const [fstype, , superOpts = ""] = line.slice(dash + 3).split(" ");
    if (fstype !== "cgroup" && fstype !== "cgroup2") continue;
    const h: Hierarchy = {
      version: fstype === "cgroup2" ? 2 : 1,
      controllers: [],
      root: unescape(pre[3] ?? "/"),
      mountpoint: unescape(pre[4] ?? ""),
    };
    if (h.version === 2) {
      if (!unified || (unified.root !== "/" && h.root === "/")) unified = h;
      continue;
    }
    h.controllers = superOpts.split(",").filter((o) => V1_CONTROLLERS.has(o) || o.startsWith("name="));
    if (h.controllers.length === 0) continue;
    const key = h.controllers.join(",");
    const seen = v1.get(key);
    if (!seen || (seen.root !== "/" && h.root === "/")) v1.set(key, h);
  }
  const hierarchies = [...v1.values()];
  const hasV1Controllers = hierarchies.some((h) => h.controllers.some((c) => !c.startsWith("name=")));
  let mode: CgroupMode;
  if (hasV1Controllers) mode = unified ? "hybrid" : "v1";
  else if (unified) mode = "v2";
  else throw new HostError("no cgroup hierarchy is mounted (see /proc/self/mountinfo)");
  return { mode, v1: mode === "v2" ? [] : hierarchies, unified };
}

/** The v1 hierarchy holding controller, if mounted. */
export function hierarchyOf(layout: CgroupLayout, controller: string): Hierarchy | undefined {
  return layout.v1.find((h) => h.controllers.includes(controller));
}

function hostList(fs: CgroupFs, path: string, fallback: string): string {
  const v = (fs.readOptional(path) ?? "").trim();
  return v || fallback;
}

/**
 * What the host's cgroups can enforce. Probed on the hierarchy roots only, so nothing is
 * created; sysDevices is /sys/devices/system (online CPUs and memory nodes).
 */
export function probeSupport(layout: CgroupLayout, fs: CgroupFs, sysDevices = "/sys/devices/system"): CgroupSupport {
  const cpus = hostList(fs, `${sysDevices}/cpu/online`, "0");
  const mems = hostList(fs, `${sysDevices}/node/online`, "0");
  if (layout.mode === "v2") {
    const root = layout.unified!.mountpoint;
    const available = new Set((fs.readOptional(`${root}/cgroup.controllers`) ?? "").trim().split(/\s+/));
    return {
      mode: "v2",
      memory: available.has("memory"),
      // memory.swap.max exists in every non-root cgroup when the kernel accounts swap; the root
      // has no such file, so a missing file is handled when writing instead
      swap: available.has("memory"),
      cpuShares: available.has("cpu"),
      cpuCfs: available.has("cpu"),
      cpuset: available.has("cpuset"),
      pids: available.has("pids"),
      blkioWeight: available.has("io"),
      cpus, mems,
    };
  }
  const at = (controller: string, file: string) => {
    const h = hierarchyOf(layout, controller);
    return !!h && fs.exists(`${h.mountpoint}/${file}`);
  };
  return {
    mode: layout.mode,
    memory: at("memory", "memory.limit_in_bytes"),
    swap: at("memory", "memory.memsw.limit_in_bytes"),
    cpuShares: at("cpu", "cpu.shares"),
    cpuCfs: at("cpu", "cpu.cfs_quota_us"),
    cpuset: at("cpuset", "cpuset.cpus"),
    pids: !!hierarchyOf(layout, "pids"),
    // CFQ's blkio.weight, or BFQ's blkio.bfq.weight (which only non-root cgroups have: its
    // statistics files on the root say BFQ is there)
    blkioWeight: at("blkio", "blkio.weight") || at("blkio", "blkio.bfq.io_service_bytes"),
    cpus, mems,
  };
}
