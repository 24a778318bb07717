// The cgroups module without root: mode detection from sample mountinfo files, both managers on a
// fake cgroupfs (file names, values, v1→v2 conversions, subtree_control, cpuset initialisation,
// removal), and Docker's resource flags (units, checks, update rules).

import { afterEach, describe, expect, test } from "bun:test";
import {
  cgroupRecord, CgroupV1Manager, CgroupV2Manager, emptyResourceConfig, mergeUpdate, normalizeCgroupParent, openCgroup,
  parseCpuList, parseMountinfo, parseNanoCpus, parseResourceFlags, probeSupport, ramInBytes, toResources, verifyResources,
  type CgroupSupport, type ResourceConfig,
} from "../../src/cgroups";
import { blkioWeightToIoWeight, cpuMax, cpuSharesToWeight, memorySwapMax } from "../../src/cgroups/v2/convert";
import { sumServiceBytes } from "../../src/cgroups/v1/blkio";
import { sumIoStat } from "../../src/cgroups/v2/manager";
import { HostError, InvalidInputError } from "../../src/errors";
import { FakeCgroupfs } from "./fake-cgroupfs";

// ---- sample /proc/self/mountinfo files ----

/** This machine: v1 controllers with cpu and cpuacct apart, name=systemd, an almost empty cgroup2. */
const HYBRID_SEPARATE = `
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

/** A classic v1 host (CentOS 7, Debian 9): cpu,cpuacct and net_cls,net_prio co-mounted, no cgroup2. */
const V1_COMOUNTED = `
25 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755
26 25 0:23 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd
29 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,cpu,cpuacct
30 25 0:27 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,net_cls,net_prio
31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,memory
32 25 0:29 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpuset
33 25 0:30 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,pids
34 25 0:31 / /sys/fs/cgroup/blkio rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,blkio
90 60 0:28 /docker/abc /var/lib/other/memory rw,relatime - cgroup cgroup rw,memory
`;

/** Ubuntu 20.04 style hybrid: systemd's cgroup2 at /sys/fs/cgroup/unified, cpu,cpuacct together. */
const HYBRID_SYSTEMD = `
24 18 0:21 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
25 24 0:22 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
26 24 0:23 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
29 24 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpu,cpuacct
31 24 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,memory
`;

/** Pure cgroup v2 (Fedora, Debian 12, Ubuntu 22.04): a named v1 hierarchy does not make it hybrid. */
const V2_ONLY = `
22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/root rw
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,seclabel,nsdelegate,memory_recursiveprot
70 35 0:44 / /mnt/my\\040cgroup rw,relatime - cgroup cgroup rw,name=elogind
`;

describe("mode detection from mountinfo", () => {
  test("this machine: hybrid, cpu and cpuacct are separate hierarchies, cgroup2 at unified", () => {
    const l = parseMountinfo(HYBRID_SEPARATE);
    expect(l.mode).toBe("hybrid");
    expect(l.v1.map((h) => h.controllers.join(","))).toEqual(["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "name=systemd"]);
    expect(l.unified?.mountpoint).toBe("/sys/fs/cgroup/unified");
    const rec = cgroupRecord(l, "mydocker/abc");
    expect(rec.mounts.cpu).toBe("/sys/fs/cgroup/cpu");
    expect(rec.mounts.cpuacct).toBe("/sys/fs/cgroup/cpuacct");
    expect(rec.mounts[""]).toBe("/sys/fs/cgroup/unified");
    expect(openCgroup(rec).mode).toBe("hybrid");
  });

  test("v1 with cpu,cpuacct co-mounted: one hierarchy, a bind-mounted subtree ignored", () => {
    const l = parseMountinfo(V1_COMOUNTED);
    expect(l.mode).toBe("v1");
    expect(l.unified).toBeNull();
    const keys = l.v1.map((h) => h.controllers.join(","));
    expect(keys).toEqual(["name=systemd", "cpu,cpuacct", "net_cls,net_prio", "memory", "cpuset", "pids", "blkio"]);
    expect(l.v1.find((h) => h.controllers.includes("memory"))?.mountpoint).toBe("/sys/fs/cgroup/memory");
    const m = openCgroup(cgroupRecord(l, "mydocker/abc"));
    expect(m.mode).toBe("v1");
    expect(m.paths["cpu,cpuacct"]).toBe("/sys/fs/cgroup/cpu,cpuacct/mydocker/abc");
  });

  test("systemd hybrid with co-mounted cpu,cpuacct", () => {
    const l = parseMountinfo(HYBRID_SYSTEMD);
    expect(l.mode).toBe("hybrid");
    expect(l.v1.map((h) => h.controllers.join(","))).toEqual(["name=systemd", "cpu,cpuacct", "memory"]);
  });

  test("pure v2; an escaped mountpoint decodes; no cgroups at all is a host error", () => {
    const l = parseMountinfo(V2_ONLY);
    expect(l.mode).toBe("v2");
    expect(l.v1).toEqual([]);
    expect(l.unified?.mountpoint).toBe("/sys/fs/cgroup");
    expect(openCgroup(cgroupRecord(l, "mydocker/x")).paths).toEqual({ "": "/sys/fs/cgroup/mydocker/x" });
    const named = parseMountinfo(V2_ONLY.replace(/^35 .*$/m, "") + "35 24 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
    expect(named.mode).toBe("v2");
    expect(() => parseMountinfo("22 1 259:2 / / rw - ext4 /dev/root rw\n")).toThrow(HostError);
    const esc = parseMountinfo("70 35 0:44 / /mnt/my\\040cg rw - cgroup cgroup rw,memory\n");
    expect(esc.v1[0].mountpoint).toBe("/mnt/my cg");
  });
});

// ---- managers on a fake cgroupfs ----

let fake: FakeCgroupfs;
afterEach(() => fake?.cleanup());

function v1Host(opts: { noMemsw?: boolean; comounted?: boolean } = {}) {
  fake = new FakeCgroupfs();
  fake.noMemsw = !!opts.noMemsw;
  const mounts: Record<string, string> = {};
  const sets = opts.comounted ? [["cpu", "cpuacct"], ["memory"], ["cpuset"], ["pids"], ["blkio"]] : [["cpu"], ["cpuacct"], ["memory"], ["cpuset"], ["pids"], ["blkio"], ["devices"], ["name=systemd"]];
  for (const c of sets) mounts[c.join(",")] = fake.mountV1(c);
  return mounts;
}

describe("cgroup v1 manager", () => {
  test("a create that fails in one hierarchy takes back what it made in the others", () => {
    const mounts = v1Host();
    require("node:fs").writeFileSync(`${mounts.pids}/team`, ""); // pids/team/app cannot be made
    const m = new CgroupV1Manager(mounts, "team/app", fake);
    expect(() => m.create()).toThrow();
    for (const [key, mp] of Object.entries(mounts)) if (key !== "pids") expect(require("node:fs").existsSync(`${mp}/team`)).toBe(false);
  });

  test("creates the cgroup in every hierarchy and writes each limit to its own file", () => {
    const mounts = v1Host();
    const m = new CgroupV1Manager(mounts, "mydocker/c1", fake);
    expect(m.create()).toEqual(["mydocker"]);
    m.set({ memory: 100 << 20, memorySwap: 200 << 20, memoryReservation: 50 << 20, cpuShares: 512, cpuPeriod: 50000, cpuQuota: 25000,
      cpusetCpus: "1", cpusetMems: "0", pidsLimit: 20, blkioWeight: 300 });
    const f = (key: string, file: string) => fake.value(`${mounts[key]}/mydocker/c1/${file}`);
    expect(f("memory", "memory.limit_in_bytes")).toBe(String(100 << 20));
    expect(f("memory", "memory.memsw.limit_in_bytes")).toBe(String(200 << 20));
    expect(f("memory", "memory.soft_limit_in_bytes")).toBe(String(50 << 20));
    expect(f("cpu", "cpu.shares")).toBe("512");
    expect(f("cpu", "cpu.cfs_period_us")).toBe("50000");
    expect(f("cpu", "cpu.cfs_quota_us")).toBe("25000");
    expect(f("cpuset", "cpuset.cpus")).toBe("1");
    expect(f("cpuset", "cpuset.mems")).toBe("0");
    expect(f("pids", "pids.max")).toBe("20");
    expect(f("blkio", "blkio.bfq.weight")).toBe("300");
    expect(m.procsFiles()).toEqual(Object.values(mounts).map((mp) => `${mp}/mydocker/c1/cgroup.procs`));
    expect(m.oomFile()).toBe(`${mounts.memory}/mydocker/c1/memory.oom_control`);
  });

  test("cpuset: every new level gets its parent's cpus and mems, so a process can join", () => {
    const mounts = v1Host();
    const m = new CgroupV1Manager(mounts, "outer/inner/c1", fake);
    expect(m.create().sort()).toEqual(["outer", "outer/inner"]);
    for (const level of ["outer", "outer/inner", "outer/inner/c1"]) {
      expect(fake.value(`${mounts.cpuset}/${level}/cpuset.cpus`)).toBe("0-1");
      expect(fake.value(`${mounts.cpuset}/${level}/cpuset.mems`)).toBe("0-1");
    }
    m.addProcess(4242);
    expect(m.pids()).toEqual([4242]);
    // what the book did: a cpuset cgroup without cpus/mems refuses the task
    fake.mkdir(`${mounts.cpuset}/bare`);
    expect(() => fake.write(`${mounts.cpuset}/bare/cgroup.procs`, "1")).toThrow(/ENOSPC/);
  });

  test("only hierarchies that neither charge nor restrict start-up are joined early", () => {
    const mounts = v1Host();
    const m = new CgroupV1Manager({ ...mounts, "": fake.mountV2([]) }, "mydocker/c1", fake);
    const early = m.earlyProcsFiles().map((f) => f.split("/").slice(-4, -3)[0]);
    expect(early.sort()).toEqual(["blkio", "cpuacct", "cpuset", "name=systemd", "unified"]);
    expect(m.procsFiles()).toHaveLength(9);
    expect(new CgroupV2Manager("/sys/fs/cgroup", "mydocker/c1").earlyProcsFiles()).toEqual([]);
    // controllers the container sets no limit in join early too; devices never do
    const relaxed = m.earlyProcsFiles(new Set(["memory", "pids", "cpu", "devices"])).map((f) => f.split("/").slice(-4, -3)[0]);
    expect(relaxed.sort()).toEqual(["blkio", "cpu", "cpuacct", "cpuset", "memory", "name=systemd", "pids", "unified"]);
  });

  test("co-mounted cpu,cpuacct is joined late, like cpu", () => {
    const co = new CgroupV1Manager(v1Host({ comounted: true }), "mydocker/c1", fake);
    expect(co.earlyProcsFiles().some((f) => f.includes("cpu,cpuacct"))).toBe(false);
  });

  test("co-mounted cpu,cpuacct: one directory gets the cpu files and gives the CPU usage", () => {
    const mounts = v1Host({ comounted: true });
    const m = new CgroupV1Manager(mounts, "mydocker/c1", fake);
    m.create();
    m.set({ cpuShares: 256 });
    expect(fake.value(`${mounts["cpu,cpuacct"]}/mydocker/c1/cpu.shares`)).toBe("256");
    fake.setFile(`${mounts["cpu,cpuacct"]}/mydocker/c1/cpuacct.usage`, "123456789\n");
    expect(m.stats().cpuUsageNs).toBe(123456789);
  });

  test("memory and memsw are written in the order the kernel accepts when limits grow or shrink", () => {
    const mounts = v1Host();
    const m = new CgroupV1Manager(mounts, "mydocker/c1", fake);
    m.create();
    const dir = `${mounts.memory}/mydocker/c1`;
    m.set({ memory: 100 << 20, memorySwap: 200 << 20 });
    m.set({ memory: 300 << 20, memorySwap: 600 << 20 }); // grow past the current memsw: memsw first
    expect(fake.value(`${dir}/memory.limit_in_bytes`)).toBe(String(300 << 20));
    m.set({ memory: 50 << 20, memorySwap: 60 << 20 }); // shrink below the current limit: limit first
    expect(fake.value(`${dir}/memory.memsw.limit_in_bytes`)).toBe(String(60 << 20));
    m.set({ memory: 70 << 20, memorySwap: -1 });
    expect(fake.value(`${dir}/memory.memsw.limit_in_bytes`)).toBe("9223372036854771712");
    expect(fake.value(`${dir}/memory.limit_in_bytes`)).toBe(String(70 << 20));
  });

  test("without swap accounting (no memsw files) the memory limit alone is written", () => {
    const mounts = v1Host({ noMemsw: true });
    const m = new CgroupV1Manager(mounts, "mydocker/c1", fake);
    m.create();
    m.set({ memory: 64 << 20, memorySwap: 128 << 20 });
    expect(fake.value(`${mounts.memory}/mydocker/c1/memory.limit_in_bytes`)).toBe(String(64 << 20));
    expect(fake.writes.some(([p]) => p.includes("memsw"))).toBe(false);
    const support = probeSupport({ mode: "v1", v1: [{ version: 1, controllers: ["memory"], mountpoint: mounts.memory, root: "/" }], unified: null }, fake, fake.base);
    expect(support.memory).toBe(true);
    expect(support.swap).toBe(false);
  });

  test("stats: memory without inactive file cache, the limit, OOM kills, pids, block I/O", () => {
    const mounts = v1Host();
    const m = new CgroupV1Manager(mounts, "mydocker/c1", fake);
    m.create();
    m.set({ memory: 16 << 20 });
    const d = (k: string) => `${mounts[k]}/mydocker/c1`;
    fake.setFile(`${d("memory")}/memory.usage_in_bytes`, "10485760\n");
    fake.setFile(`${d("memory")}/memory.stat`, "cache 4096\ntotal_inactive_file 2097152\n");
    fake.setFile(`${d("memory")}/memory.oom_control`, "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    fake.setFile(`${d("pids")}/pids.current`, "3\n");
    fake.setFile(`${d("blkio")}/blkio.throttle.io_service_bytes_recursive`, "8:0 Read 4096\n8:0 Write 8192\n8:0 Total 12288\n8:16 Read 1\nTotal 12289\n");
    expect(m.stats()).toEqual({ cpuUsageNs: 0, memoryUsage: 8 << 20, memoryLimit: 16 << 20, pids: 3, blockRead: 4097, blockWrite: 8192, oomKills: 2 });
  });

  test("destroy removes the cgroup everywhere and the mydocker parent once empty; retries a busy cgroup", () => {
    const mounts = v1Host();
    const a = new CgroupV1Manager(mounts, "mydocker/a", fake);
    const b = new CgroupV1Manager(mounts, "mydocker/b", fake);
    a.create();
    expect(b.create()).toEqual([]); // the parent existed already
    a.destroy(["mydocker"]);
    for (const mp of Object.values(mounts)) {
      expect(fake.exists(`${mp}/mydocker/a`)).toBe(false);
      expect(fake.exists(`${mp}/mydocker/b`)).toBe(true); // b's parent stays
    }
    fake.busyFor(`${mounts.memory}/mydocker/b`, 3);
    b.destroy(["mydocker"]);
    for (const mp of Object.values(mounts)) expect(fake.exists(`${mp}/mydocker`)).toBe(false);
    b.destroy(["mydocker"]); // twice is fine
  });

  test("a cgroup that stays busy is reported, naming it; the other hierarchies are still cleaned", () => {
    const mounts = v1Host();
    const m = new CgroupV1Manager(mounts, "mydocker/c1", fake);
    m.create();
    fake.busyFor(`${mounts.pids}/mydocker/c1`, 100);
    expect(() => m.destroy(["mydocker"])).toThrow(/rmdir .*pids\/mydocker\/c1: EBUSY/);
    expect(fake.exists(`${mounts.memory}/mydocker`)).toBe(false);
  });
});

describe("freezing (pause/unpause)", () => {
  test("v1: freezer.state goes FROZEN, then THAWED; written in the freezer hierarchy only", () => {
    const mounts = v1Host();
    mounts.freezer = fake.mountV1(["freezer"]);
    const m = new CgroupV1Manager(mounts, "mydocker/c1", fake);
    m.create();
    fake.writes.length = 0;
    m.freeze(true);
    expect(fake.value(`${mounts.freezer}/mydocker/c1/freezer.state`)).toBe("FROZEN");
    m.freeze(false);
    expect(fake.value(`${mounts.freezer}/mydocker/c1/freezer.state`)).toBe("THAWED");
    expect(fake.writes.map(([p, v]) => [p.slice(fake.base.length), v])).toEqual([
      ["/freezer/mydocker/c1/freezer.state", "FROZEN"], ["/freezer/mydocker/c1/freezer.state", "THAWED"],
    ]);
  });

  test("v1: a freeze that stays FREEZING is undone and reported, naming the cgroup", () => {
    const mounts = v1Host();
    mounts.freezer = fake.mountV1(["freezer"]);
    const m = new CgroupV1Manager(mounts, "mydocker/c1", fake);
    m.create();
    fake.stuckFreezing = true;
    expect(() => m.freeze(true)).toThrow(/cgroup .*\/freezer\/mydocker\/c1 did not become FROZEN within 2 s/);
    expect(fake.value(`${mounts.freezer}/mydocker/c1/freezer.state`)).toBe("THAWED");
  });

  test("hybrid without a v1 freezer uses cgroup.freeze of the cgroup2 directory; neither is a host error", () => {
    const mounts = v1Host();
    mounts[""] = fake.mountV2([]);
    const m = new CgroupV1Manager(mounts, "mydocker/c1", fake);
    m.create();
    m.freeze(true);
    expect(fake.value(`${mounts[""]}/mydocker/c1/cgroup.freeze`)).toBe("1");
    m.freeze(false);
    expect(fake.value(`${mounts[""]}/mydocker/c1/cgroup.freeze`)).toBe("0");
    const { [""]: _, ...v1Only } = mounts; // the same host without its cgroup2 mount
    const bare = new CgroupV1Manager(v1Only, "mydocker/c2", fake);
    bare.create();
    expect(() => bare.freeze(true)).toThrow(/no freezer cgroup hierarchy/);
  });

  test("v2: cgroup.freeze, done when cgroup.events says frozen; a stuck freeze is undone", () => {
    fake = new FakeCgroupfs();
    const root = fake.mountV2(["memory", "pids"]);
    const m = new CgroupV2Manager(root, "mydocker/c1", fake);
    m.create();
    m.freeze(true);
    expect(fake.value(`${root}/mydocker/c1/cgroup.events`)).toContain("frozen 1");
    m.freeze(false);
    expect(fake.value(`${root}/mydocker/c1/cgroup.events`)).toContain("frozen 0");
    fake.stuckFreezing = true;
    expect(() => m.freeze(true)).toThrow(/did not become frozen within 2 s/);
    expect(fake.value(`${root}/mydocker/c1/cgroup.freeze`)).toBe("0");
  });
});

describe("cgroup v2 manager", () => {
  function v2Host(offered = ["cpuset", "cpu", "io", "memory", "hugetlb", "pids"]) {
    fake = new FakeCgroupfs();
    return fake.mountV2(offered);
  }

  test("enables mydocker's controllers on the way down and writes converted values", () => {
    const root = v2Host();
    const m = new CgroupV2Manager(root, "mydocker/c1", fake);
    expect(m.create()).toEqual(["mydocker"]);
    expect(fake.value(`${root}/cgroup.subtree_control`).split(" ").sort()).toEqual(["cpu", "cpuset", "io", "memory", "pids"]);
    expect(fake.value(`${root}/mydocker/cgroup.subtree_control`).split(" ").sort()).toEqual(["cpu", "cpuset", "io", "memory", "pids"]);
    m.set({ memory: 100 << 20, memorySwap: 300 << 20, memoryReservation: 50 << 20, cpuShares: 1024, cpuPeriod: 100000, cpuQuota: 150000,
      cpusetCpus: "0", cpusetMems: "0", pidsLimit: 20, blkioWeight: 500 });
    const f = (file: string) => fake.value(`${root}/mydocker/c1/${file}`);
    expect(f("memory.max")).toBe(String(100 << 20));
    expect(f("memory.swap.max")).toBe(String(200 << 20)); // memory+swap 300M, memory 100M → swap 200M
    expect(f("memory.low")).toBe(String(50 << 20));
    expect(f("cpu.weight")).toBe("39");
    expect(f("cpu.max")).toBe("150000 100000");
    expect(f("cpuset.cpus")).toBe("0");
    expect(f("pids.max")).toBe("20");
    expect(f("io.weight")).toBe("4950");
    expect(m.procsFiles()).toEqual([`${root}/mydocker/c1/cgroup.procs`]);
    expect(m.oomFile()).toBe(`${root}/mydocker/c1/memory.events`);
    m.set({ memory: -1, pidsLimit: -1, cpuQuota: -1, memorySwap: -1 });
    expect([f("memory.max"), f("memory.swap.max"), f("pids.max"), f("cpu.max")]).toEqual(["max", "max", "max", "max"]);
  });

  test("a controller the host does not offer: nothing to enable, and asking for its limit names it", () => {
    const root = v2Host(["hugetlb"]); // this machine's /sys/fs/cgroup/unified
    const m = new CgroupV2Manager(root, "mydocker/c1", fake);
    m.create();
    expect(fake.writes.filter(([p]) => p.endsWith("subtree_control"))).toEqual([]);
    m.set({});
    expect(() => m.set({ memory: 64 << 20 })).toThrow(/memory controller is not available/);
    expect(m.oomFile()).toBeNull();
    m.addProcess(77);
    expect(m.stats()).toMatchObject({ pids: 1, memoryLimit: null, oomKills: null });
    expect(() => m.destroy(["mydocker"])).toThrow(/EBUSY/); // the process is still there
  });

  test("stats read cpu.stat, memory.current/stat/events, pids.current and io.stat", () => {
    const root = v2Host();
    const m = new CgroupV2Manager(root, "mydocker/c1", fake);
    m.create();
    m.set({ memory: 64 << 20 });
    const d = `${root}/mydocker/c1`;
    fake.setFile(`${d}/cpu.stat`, "usage_usec 2500\nuser_usec 2000\n");
    fake.setFile(`${d}/memory.current`, "4194304\n");
    fake.setFile(`${d}/memory.stat`, "anon 1\ninactive_file 1048576\n");
    fake.setFile(`${d}/memory.events`, "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
    fake.setFile(`${d}/pids.current`, "2\n");
    fake.setFile(`${d}/io.stat`, "8:0 rbytes=100 wbytes=200 rios=1 wios=2\n8:16 rbytes=1 wbytes=2\n");
    expect(m.stats()).toEqual({ cpuUsageNs: 2_500_000, memoryUsage: 3 << 20, memoryLimit: 64 << 20, pids: 2, blockRead: 101, blockWrite: 202, oomKills: 1 });
    m.destroy(["mydocker"]);
    expect(fake.exists(`${root}/mydocker`)).toBe(false);
  });

  test("a parent pruned by another container between mkdirs is made again", () => {
    const root = v2Host();
    const m = new CgroupV2Manager(root, "mydocker/c1", fake);
    const realMkdir = fake.mkdir.bind(fake);
    let raced = false;
    fake.mkdir = (p: string) => {
      const made = realMkdir(p);
      if (!raced && p.endsWith("/mydocker")) { raced = true; fake.rmdir(p); } // a concurrent prune
      return made;
    };
    m.create();
    expect(raced).toBe(true);
    expect(fake.exists(`${root}/mydocker/c1/cgroup.procs`)).toBe(true);
  });

  test("v1 → v2 conversions", () => {
    expect([2, 512, 1024, 262144].map(cpuSharesToWeight)).toEqual([1, 20, 39, 10000]);
    expect(cpuSharesToWeight(0)).toBe(0);
    expect([10, 500, 1000].map(blkioWeightToIoWeight)).toEqual([1, 4950, 10000]);
    expect(cpuMax(50000, 100000)).toBe("50000 100000");
    expect(cpuMax(-1, 100000)).toBe("max 100000");
    expect(cpuMax(0, 0)).toBeNull();
    expect(memorySwapMax(200, 100)).toBe("100");
    expect(memorySwapMax(100, 100)).toBe("0");
    expect(memorySwapMax(-1, 100)).toBe("max");
    expect(memorySwapMax(0, -1)).toBe("max");
    expect(memorySwapMax(0, 100)).toBeNull();
    expect(() => memorySwapMax(200, 0)).toThrow(/without memory limit/);
    expect(sumIoStat("8:0 rbytes=5 wbytes=6\n")).toEqual({ read: 5, write: 6 });
    expect(sumServiceBytes("8:0 Read 5\n8:0 Write 6\nTotal 11\n")).toEqual({ read: 5, write: 6 });
  });
});

// ---- Docker's flags and checks ----

const HOST: CgroupSupport = { mode: "hybrid", memory: true, swap: true, cpuShares: true, cpuCfs: true, cpuset: true, pids: true, blkioWeight: true, cpus: "0-1", mems: "0" };

function verify(flags: Record<string, string>, host = HOST): { rc: ResourceConfig; warnings: string[] } {
  const rc = { ...emptyResourceConfig(), ...parseResourceFlags(flags) };
  const warnings = verifyResources(rc, host);
  return { rc, warnings };
}

describe("resource flags as Docker reads them", () => {
  test("sizes: b k m g with optional i/b suffixes, binary multiples; decimals; garbage refused", () => {
    expect(ramInBytes("100m")).toBe(100 * 1024 * 1024);
    expect(ramInBytes("1.5g")).toBe(1.5 * 1024 ** 3);
    expect(ramInBytes("512MiB")).toBe(512 * 1024 * 1024);
    expect(ramInBytes("64 kb")).toBe(65536);
    expect(ramInBytes("1024")).toBe(1024);
    expect(ramInBytes("7b")).toBe(7);
    for (const bad of ["", "m", "-1", "10x", "1e3", "ten"]) expect(ramInBytes(bad)).toBeNull();
    expect(() => parseResourceFlags({ memory: "ten" })).toThrow(`invalid argument "ten" for "-m, --memory" flag: invalid size: 'ten'`);
    expect(parseResourceFlags({ "memory-swap": "-1" }).MemorySwap).toBe(-1);
  });

  test("--cpus is a decimal of at most 9 places; -c and the other integers parse as int64", () => {
    expect(parseNanoCpus("1.5")).toBe(1_500_000_000);
    expect(parseNanoCpus(".25")).toBe(250_000_000);
    expect(parseNanoCpus("2")).toBe(2_000_000_000);
    expect(parseNanoCpus("0.000000001")).toBe(1);
    expect(() => parseNanoCpus("0.0000000001")).toThrow("value is too precise");
    expect(() => parseNanoCpus("one")).toThrow(`invalid argument "one" for "--cpus" flag: failed to parse one as a rational number`);
    expect(() => parseResourceFlags({ "cpu-shares": "x" })).toThrow(`invalid argument "x" for "-c, --cpu-shares" flag: strconv.ParseInt: parsing "x": invalid syntax`);
    expect(() => parseResourceFlags({ "blkio-weight": "70000" })).toThrow(/value out of range/);
    expect(parseCpuList("0-2,4")).toEqual(new Set([0, 1, 2, 4]));
    expect(parseCpuList("2-1")).toBeNull();
    expect(parseCpuList("a")).toBeNull();
  });

  test("memory checks and defaults", () => {
    expect(verify({ memory: "100m" }).rc).toMatchObject({ Memory: 100 << 20, MemorySwap: 200 << 20 });
    expect(verify({ memory: "100m", "memory-swap": "-1" }).rc.MemorySwap).toBe(-1);
    expect(verify({ memory: "6m" }).rc.Memory).toBe(6 << 20);
    expect(() => verify({ memory: "5m" })).toThrow("Minimum memory limit allowed is 6MB");
    expect(() => verify({ memory: "100m", "memory-swap": "50m" })).toThrow("Minimum memoryswap limit should be larger than memory limit, see usage");
    expect(() => verify({ "memory-swap": "50m" })).toThrow("You should always set the Memory limit when using Memoryswap limit, see usage");
    expect(() => verify({ "memory-reservation": "1m" })).toThrow("Minimum memory reservation allowed is 6MB");
    expect(() => verify({ memory: "10m", "memory-reservation": "20m" })).toThrow("Minimum memory limit can not be less than memory reservation limit, see usage");
    const noSwap = verify({ memory: "100m", "memory-swap": "300m" }, { ...HOST, swap: false });
    expect(noSwap.rc.MemorySwap).toBe(-1);
    expect(noSwap.warnings).toEqual(["Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap."]);
  });

  test("cpu checks: conflicts, ranges against the host's CPUs, shares clamped", () => {
    expect(verify({ cpus: "1.5" }).rc.NanoCpus).toBe(1.5e9);
    expect(() => verify({ cpus: "3" })).toThrow("Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available");
    expect(() => verify({ cpus: "0.001" })).toThrow(/Range of CPUs/);
    expect(() => verify({ cpus: "1", "cpu-period": "100000" })).toThrow("Conflicting options: Nano CPUs and CPU Period cannot both be set");
    expect(() => verify({ cpus: "1", "cpu-quota": "50000" })).toThrow("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
    expect(() => verify({ "cpu-period": "999" })).toThrow("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
    expect(() => verify({ "cpu-quota": "999" })).toThrow("CPU cfs quota can not be less than 1ms (i.e. 1000)");
    expect(verify({ "cpu-quota": "-1" }).rc.CpuQuota).toBe(-1);
    expect(verify({ "cpu-shares": "-5" }).rc.CpuShares).toBe(2);
    expect(verify({ "cpu-shares": "999999" }).rc.CpuShares).toBe(262144);
    expect(() => verify({ cpus: "1" }, { ...HOST, cpuCfs: false })).toThrow(/CFS scheduler/);
  });

  test("cpuset lists are checked against the host's online CPUs and memory nodes", () => {
    expect(verify({ "cpuset-cpus": "0-1", "cpuset-mems": "0" }).rc.CpusetCpus).toBe("0-1");
    expect(() => verify({ "cpuset-cpus": "1-0" })).toThrow("Invalid value 1-0 for cpuset cpus");
    expect(() => verify({ "cpuset-cpus": "0,7" })).toThrow("Requested CPUs are not available - requested 0,7, available: 0-1");
    expect(() => verify({ "cpuset-mems": "1" })).toThrow("Requested memory nodes are not available - requested 1, available: 0");
    expect(() => verify({ "cpuset-cpus": "0-4294967295" })).toThrow(/not available/);
  });

  test("pids, blkio; what the host lacks is discarded with Docker's warning", () => {
    expect(verify({ "pids-limit": "20" }).rc.PidsLimit).toBe(20);
    expect(verify({ "pids-limit": "-1" }).rc.PidsLimit).toBeNull();
    expect(verify({ "pids-limit": "0" }).rc.PidsLimit).toBeNull();
    expect(() => verify({ "blkio-weight": "5" })).toThrow("Range of blkio weight is from 10 to 1000");
    const lacking = verify({ "blkio-weight": "500", "pids-limit": "9", "cpu-shares": "10" }, { ...HOST, blkioWeight: false, pids: false, cpuShares: false });
    expect(lacking.rc).toMatchObject({ BlkioWeight: 0, PidsLimit: null, CpuShares: 0 });
    expect(lacking.warnings).toHaveLength(3);
  });

  test("update: changes over the current values, Docker's memoryswap rule, --cpus replaces period/quota", () => {
    const cur = verify({ memory: "100m" }).rc; // swap 200m
    expect(mergeUpdate(cur, { Memory: 150 << 20 }).Memory).toBe(150 << 20);
    expect(() => mergeUpdate(cur, { Memory: 300 << 20 })).toThrow("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
    expect(mergeUpdate(cur, { Memory: 300 << 20, MemorySwap: 600 << 20 })).toMatchObject({ Memory: 300 << 20, MemorySwap: 600 << 20 });
    const q = verify({ "cpu-quota": "50000", "cpu-period": "100000" }).rc;
    expect(mergeUpdate(q, { NanoCpus: 5e8 })).toMatchObject({ NanoCpus: 5e8, CpuQuota: 0, CpuPeriod: 0 });
    expect(mergeUpdate({ ...cur, PidsLimit: 5 }, { PidsLimit: -1 }).PidsLimit).toBe(-1);
  });

  test("HostConfig → what the manager writes: --cpus is a quota over a 100 ms period", () => {
    expect(toResources(verify({ cpus: "0.5" }).rc)).toEqual({ cpuPeriod: 100000, cpuQuota: 50000 });
    expect(toResources(emptyResourceConfig())).toEqual({});
    expect(toResources(verify({ memory: "64m", "pids-limit": "7" }).rc)).toEqual({ memory: 64 << 20, memorySwap: 128 << 20, pidsLimit: 7 });
  });

  test("--cgroup-parent: a path below each hierarchy's root, never above it", () => {
    expect(normalizeCgroupParent("")).toBe("");
    expect(normalizeCgroupParent("/my/parent/")).toBe("my/parent");
    for (const bad of ["/", "../x", "a/./b", "a//b"]) expect(() => normalizeCgroupParent(bad)).toThrow(InvalidInputError);
  });
});
