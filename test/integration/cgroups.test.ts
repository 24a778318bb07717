// Resource limits on the real kernel (this machine: hybrid, v1 controllers): every flag lands in
// its file in the container's own cgroup, memory and pids limits are enforced (OOM → 137 +
// OOMKilled; a fork bomb is contained), update and stats work on running containers, bad values
// create nothing, and the cgroup trees are left exactly as they were. The v2 manager is run on
// the real cgroup2 hierarchy as far as this host allows (no controllers there).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CgroupV2Manager, parseMountinfo, type CgroupLayout } from "../../src/cgroups";
import { BIN, eventually, IS_ROOT, Sandbox, useSandbox } from "./harness";

const layout: CgroupLayout | null = IS_ROOT ? parseMountinfo(readFileSync("/proc/self/mountinfo", "utf8")) : null;
const isV1 = layout?.mode === "v1" || layout?.mode === "hybrid";

/** The container's directory in the v1 hierarchy holding controller (or in cgroup2 when "unified"). */
function cgDir(controller: string, id: string, parent = "mydocker"): string {
  const mp = controller === "unified" ? layout!.unified!.mountpoint : layout!.v1.find((h) => h.controllers.includes(controller))!.mountpoint;
  return `${mp}/${parent}/${id}`;
}

function cgFile(controller: string, id: string, file: string, parent?: string): string {
  return readFileSync(`${cgDir(controller, id, parent)}/${file}`, "utf8").trim();
}

/** Every cgroup directory on the host, except the workplace's own tree (other sessions change it). */
function cgroupTree(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const p = join(dir, e.name);
      if (p.includes("/process_api")) continue;
      out.push(p);
      walk(p);
    }
  };
  walk("/sys/fs/cgroup");
  return out.sort();
}

function mydockerCgroups(): string[] {
  return cgroupTree().filter((p) => p.toLowerCase().includes("mydocker"));
}

describe.skipIf(!IS_ROOT || !isV1)("cgroups (v1 / hybrid host)", () => {
  const sb = useSandbox("cgroups");
  let treeBefore: string[] = [];
  let ownCgroupBefore = "";
  beforeAll(() => {
    treeBefore = cgroupTree();
    ownCgroupBefore = readFileSync("/proc/self/cgroup", "utf8");
  });
  afterAll(() => {
    sb.destroy();
  });

  test("every flag lands in its file of the container's own cgroup; inspect shows Docker's fields", () => {
    const name = "limits";
    const id = sb.ok(["run", "-d", "--name", name, "-m", "100m", "--memory-swap", "300m", "--memory-reservation", "50m",
      "-c", "512", "--cpus", "1.5", "--cpuset-cpus", "1", "--cpuset-mems", "0", "--pids-limit", "20", "--blkio-weight", "300",
      "busybox", "top"]);
    try {
      expect(cgFile("memory", id, "memory.limit_in_bytes")).toBe(String(100 << 20));
      expect(cgFile("memory", id, "memory.memsw.limit_in_bytes")).toBe(String(300 << 20));
      expect(cgFile("memory", id, "memory.soft_limit_in_bytes")).toBe(String(50 << 20));
      expect(cgFile("cpu", id, "cpu.shares")).toBe("512");
      expect(cgFile("cpu", id, "cpu.cfs_period_us")).toBe("100000");
      expect(cgFile("cpu", id, "cpu.cfs_quota_us")).toBe("150000");
      expect(cgFile("cpuset", id, "cpuset.cpus")).toBe("1");
      expect(cgFile("cpuset", id, "cpuset.mems")).toBe("0");
      expect(cgFile("pids", id, "pids.max")).toBe("20");
      const blkio = existsSync(`${cgDir("blkio", id)}/blkio.weight`) ? "blkio.weight" : "blkio.bfq.weight";
      expect(cgFile("blkio", id, blkio)).toBe("300");

      const pid = Number(sb.ok(["inspect", "-f", "{{.State.Pid}}", name]));
      const lines = readFileSync(`/proc/${pid}/cgroup`, "utf8").trim().split("\n");
      for (const h of layout!.v1) expect(lines.some((l) => l.endsWith(`:${h.controllers.join(",")}:/mydocker/${id}`))).toBe(true);
      if (layout!.unified) expect(lines).toContain(`0::/mydocker/${id}`);
      expect(readFileSync(`${cgDir("memory", id)}/cgroup.procs`, "utf8").trim().split("\n")).toContain(String(pid));

      const hc = JSON.parse(sb.ok(["inspect", "-f", "{{json .HostConfig}}", name]));
      expect(hc).toMatchObject({ Memory: 100 << 20, MemorySwap: 300 << 20, MemoryReservation: 50 << 20, CpuShares: 512,
        NanoCpus: 1.5e9, CpusetCpus: "1", CpusetMems: "0", PidsLimit: 20, BlkioWeight: 300, CgroupParent: "" });
    } finally {
      sb.ok(["rm", "-f", name]);
    }
    expect(existsSync(cgDir("memory", id))).toBe(false);
  });

  test("the first user process already runs inside the cgroup; cpuset starts with the parent's CPUs", () => {
    // memory is joined at execve: the runtime's own start-up is not charged, so Docker's minimum works
    expect(sb.run(["run", "--rm", "-m", "6m", "busybox", "true"]).code).toBe(0);
    const out = sb.ok(["run", "--rm", "busybox", "cat", "/proc/self/cgroup"]);
    const lines = out.split("\n");
    expect(lines.length).toBe(layout!.v1.length + (layout!.unified ? 1 : 0));
    for (const l of lines) expect(l).toMatch(/:\/mydocker\/[0-9a-f]{64}$/);
    const id = sb.ok(["run", "-d", "busybox", "top"]);
    try {
      const root = layout!.v1.find((h) => h.controllers.includes("cpuset"))!.mountpoint;
      expect(cgFile("cpuset", id, "cpuset.cpus")).toBe(readFileSync(`${root}/cpuset.cpus`, "utf8").trim());
      expect(cgFile("cpuset", id, "cpuset.mems")).toBe(readFileSync(`${root}/cpuset.mems`, "utf8").trim());
      expect(BigInt(cgFile("memory", id, "memory.limit_in_bytes"))).toBeGreaterThan(2n ** 62n); // no -m: unlimited
      expect(JSON.parse(sb.ok(["inspect", "-f", "{{json .HostConfig}}", id]))).toMatchObject({ Memory: 0, MemorySwap: 0, NanoCpus: 0, PidsLimit: null });
    } finally {
      sb.ok(["rm", "-f", id]);
    }
  });

  test("the seed's spellings --cpushare and --cpuset still work", () => {
    const id = sb.ok(["run", "-d", "--cpushare", "300", "--cpuset", "0", "busybox", "top"]);
    try {
      expect(cgFile("cpu", id, "cpu.shares")).toBe("300");
      expect(cgFile("cpuset", id, "cpuset.cpus")).toBe("0");
    } finally {
      sb.ok(["rm", "-f", id]);
    }
  });

  test("--cgroup-parent puts the cgroup below that path; parents it made are removed with it", () => {
    const parent = `mydocker-it-parent-${process.pid}/sub`;
    const id = sb.ok(["run", "-d", "--cgroup-parent", `/${parent}`, "-m", "64m", "busybox", "top"]);
    try {
      expect(cgFile("memory", id, "memory.limit_in_bytes", parent)).toBe(String(64 << 20));
      expect(sb.ok(["inspect", "-f", "{{.HostConfig.CgroupParent}}", id])).toBe(`/${parent}`);
    } finally {
      sb.ok(["rm", "-f", id]);
    }
    expect(mydockerCgroups()).toEqual([]);
  });

  test("a container killed by the memory limit exits 137 and inspect says OOMKilled", async () => {
    try {
      const r = sb.run(["run", "--name", "oom", "-m", "16m", "busybox", "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]);
      expect(r.code).toBe(137);
      expect(sb.ok(["inspect", "-f", "{{.State.OOMKilled}} {{.State.ExitCode}}", "oom"])).toBe("true 137");
      // detached: the monitor records it
      sb.ok(["run", "-d", "--name", "oom-d", "-m", "16m", "busybox", "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]);
      expect(await eventually(() => sb.ok(["inspect", "-f", "{{.State.Status}}", "oom-d"]) === "exited", 10_000, 50)).toBe(true);
      expect(sb.ok(["inspect", "-f", "{{.State.OOMKilled}} {{.State.ExitCode}}", "oom-d"])).toBe("true 137");
      // create, then start: the monitor is spawned after the record, not early (early-start.ts)
      sb.ok(["create", "--name", "oom-c", "-m", "16m", "busybox", "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]);
      expect(sb.run(["start", "-a", "oom-c"]).code).toBe(137);
      expect(sb.ok(["inspect", "-f", "{{.State.OOMKilled}} {{.State.ExitCode}}", "oom-c"])).toBe("true 137");
      // a SIGKILL that is not the OOM killer's is not reported as OOM
      expect(sb.run(["run", "--name", "notoom", "-m", "64m", "busybox", "sh", "-c", "sh -c 'kill -9 $$'; exit $?"]).code).toBe(137);
      expect(sb.ok(["inspect", "-f", "{{.State.OOMKilled}}", "notoom"])).toBe("false");
      // and the same work fits under a big enough limit
      expect(sb.run(["run", "--rm", "-m", "256m", "busybox", "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]).code).toBe(0);
    } finally {
      sb.run(["rm", "-f", "oom", "oom-d", "oom-c", "notoom"]);
    }
  }, 30_000);

  test("a fork bomb is stopped by --pids-limit and ended by rm -f", async () => {
    const id = sb.ok(["run", "-d", "--pids-limit", "16", "busybox", "sh", "-c", "b() { b | b & }; b; sleep 600"]);
    try {
      const hitLimit = await eventually(() => /max [1-9]/.test(cgFile("pids", id, "pids.events")), 10_000, 50);
      expect(hitLimit).toBe(true);
      const current = Number(cgFile("pids", id, "pids.current"));
      expect(current).toBeLessThanOrEqual(16);
      expect(current).toBeGreaterThan(1);
      const row = JSON.parse(sb.ok(["stats", "--no-stream", "--format", "json", id]));
      expect(Number(row.PIDs)).toBeLessThanOrEqual(16);
    } finally {
      sb.ok(["rm", "-f", id]);
    }
    expect(existsSync(cgDir("pids", id))).toBe(false);
  }, 30_000);

  test("update changes the limits of a running container; bad values change nothing", () => {
    const id = sb.ok(["run", "-d", "--name", "upd", "-m", "100m", "busybox", "top"]);
    try {
      expect(sb.ok(["update", "-m", "64m", "--memory-swap", "128m", "--cpus", "0.5", "--pids-limit", "30", "-c", "256",
        "--cpuset-cpus", "0", "--blkio-weight", "200", "upd"])).toBe("upd");
      expect(cgFile("memory", id, "memory.limit_in_bytes")).toBe(String(64 << 20));
      expect(cgFile("memory", id, "memory.memsw.limit_in_bytes")).toBe(String(128 << 20));
      expect(cgFile("cpu", id, "cpu.cfs_quota_us")).toBe("50000");
      expect(cgFile("cpu", id, "cpu.shares")).toBe("256");
      expect(cgFile("cpuset", id, "cpuset.cpus")).toBe("0");
      expect(cgFile("pids", id, "pids.max")).toBe("30");
      expect(JSON.parse(sb.ok(["inspect", "-f", "{{json .HostConfig}}", "upd"]))).toMatchObject({ Memory: 64 << 20, MemorySwap: 128 << 20, NanoCpus: 5e8, PidsLimit: 30, CpuShares: 256 });
      expect(sb.ok(["update", "--pids-limit", "-1", "upd"])).toBe("upd");
      expect(cgFile("pids", id, "pids.max")).toBe("max");
      for (const bad of [["-m", "1m"], ["-m", "200m"], ["--cpus", "9"], ["--cpuset-cpus", "5"], ["-m", "lots"], ["--blkio-weight", "2"]]) {
        const r = sb.run(["update", ...bad, "upd"]);
        expect(r.code).toBe(125);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
      }
      expect(cgFile("memory", id, "memory.limit_in_bytes")).toBe(String(64 << 20));
      expect(cgFile("cpuset", id, "cpuset.cpus")).toBe("0");
      expect(sb.run(["update", "upd"]).code).toBe(125);
      // a container that is not running keeps the new values for its next start
      sb.ok(["stop", "-t", "0", "upd"]);
      expect(existsSync(cgDir("memory", id))).toBe(false);
      expect(sb.ok(["update", "-m", "48m", "upd"])).toBe("upd");
      sb.ok(["start", "upd"]);
      expect(cgFile("memory", id, "memory.limit_in_bytes")).toBe(String(48 << 20));
      expect(cgFile("pids", id, "pids.max")).toBe("max");
    } finally {
      sb.ok(["rm", "-f", "upd"]);
    }
  });

  test("stats: Docker's columns, the memory limit, JSON; once when not on a terminal, refreshed on one", async () => {
    const id = sb.ok(["run", "-d", "--name", "st", "-m", "100m", "busybox", "sh", "-c", "while :; do :; done"]);
    try {
      const table = sb.ok(["stats", "--no-stream"]).split("\n");
      expect(table[0]).toMatch(/^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
      const row = table.find((l) => l.startsWith(id.slice(0, 12)))!;
      // NET I/O: the container is on the default bridge network, so its eth0 may have counted a few bytes
      expect(row).toMatch(/\sst\s+\d+\.\d\d%\s+[\d.]+[KMG]?i?B \/ 100MiB\s+\d+\.\d\d%\s+[\d.]+[kMG]?B \/ [\d.]+[kMG]?B\s+\S+ \/ \S+\s+1$/);
      const json = JSON.parse(sb.ok(["stats", "--no-stream", "--format", "json", "st"]));
      expect(Object.keys(json)).toEqual(["BlockIO", "CPUPerc", "Container", "ID", "MemPerc", "MemUsage", "Name", "NetIO", "PIDs"]);
      expect(json.Container).toBe("st");
      expect(json.MemUsage).toEndWith("/ 100MiB");
      expect(parseFloat(json.CPUPerc)).toBeGreaterThan(30); // a busy loop on one CPU
      const once = sb.run(["stats", "st"], { timeoutMs: 10_000 }); // stdout is a pipe: one table, then exit
      expect(once.code).toBe(0);
      expect(once.stdout.trim().split("\n")).toHaveLength(2);
      expect(sb.ok(["stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", "st"])).toBe("st 1");
      expect(sb.run(["stats", "--no-stream", "nosuch"]).code).toBe(125);
      // on a terminal the table is redrawn in place every second until interrupted
      const tty = Bun.spawn(["script", "-qc", `${BIN} --root ${sb.root} stats --format '{{.Name}} {{.MemUsage}}' st`, "/dev/null"],
        { stdin: "ignore", stdout: "pipe", stderr: "ignore" });
      await Bun.sleep(2800);
      tty.kill(15);
      await tty.exited;
      const screen = await new Response(tty.stdout).text();
      expect(screen.split("\x1b[2J\x1b[H").length - 1).toBeGreaterThanOrEqual(2);
      expect(screen).toContain("st ");
      expect(screen).toContain("/ 100MiB");
    } finally {
      sb.ok(["rm", "-f", "st"]);
    }
  }, 30_000);

  test("invalid values: exit 125, one line naming the problem, nothing created", () => {
    const cases: [string[], RegExp][] = [
      [["-m", "1m"], /Minimum memory limit allowed is 6MB/],
      [["-m", "abc"], /invalid argument "abc" for "-m, --memory" flag: invalid size/],
      [["-m", "20m", "--memory-swap", "10m"], /memoryswap limit should be larger than memory limit/],
      [["--memory-swap", "10m"], /always set the Memory limit/],
      [["--cpus", "abc"], /--cpus/],
      [["--cpus", "64"], /Range of CPUs is from 0.01 to/],
      [["--cpus", "1", "--cpu-quota", "50000"], /Conflicting options/],
      [["--cpu-period", "10"], /CPU cfs period/],
      [["--cpu-quota", "10"], /CPU cfs quota/],
      [["-c", "many"], /"-c, --cpu-shares" flag/],
      [["--cpuset-cpus", "99"], /Requested CPUs are not available/],
      [["--cpuset-cpus", "1-0"], /Invalid value 1-0 for cpuset cpus/],
      [["--cpuset-mems", "9"], /Requested memory nodes are not available/],
      [["--pids-limit", "x"], /--pids-limit/],
      [["--blkio-weight", "5"], /Range of blkio weight is from 10 to 1000/],
      [["--memory-reservation", "1m"], /Minimum memory reservation/],
      [["--cgroup-parent", "../escape"], /invalid --cgroup-parent/],
    ];
    for (const [flags, msg] of cases) {
      const r = sb.run(["run", "--rm", ...flags, "busybox", "true"]);
      expect(r.code).toBe(125);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(sb.ok(["ps", "-aq"])).toBe("");
    expect(mydockerCgroups()).toEqual([]);
  });

  test("100 run/rm cycles, some in parallel from two roots, leave the cgroup trees exactly as before", async () => {
    for (let i = 0; i < 50; i++) sb.ok(["run", "--rm", "-m", "32m", "--pids-limit", "50", "busybox", "true"]);
    for (let i = 0; i < 10; i++) {
      const id = sb.ok(["run", "-d", "-m", "32m", "busybox", "top"]);
      sb.ok(["rm", "-f", id]);
    }
    const other = new Sandbox("cgroups-b");
    try {
      other.importBusybox();
      const loop = (box: Sandbox, n: number) => Bun.spawn(["bash", "-c",
        `for i in $(seq 1 ${n}); do "$0" --root "$1" run --rm -m 32m busybox true || exit 1; done`, BIN, box.root],
        { stdout: "ignore", stderr: "pipe" });
      const procs = [loop(sb, 10), loop(sb, 10), loop(other, 10), loop(other, 10)];
      const codes = await Promise.all(procs.map((p) => p.exited));
      expect(codes).toEqual([0, 0, 0, 0]);
    } finally {
      other.destroy();
    }
    expect(sb.ok(["ps", "-aq"])).toBe("");
    expect(mydockerCgroups()).toEqual([]);
    expect(cgroupTree()).toEqual(treeBefore);
    expect(readFileSync("/proc/self/cgroup", "utf8")).toBe(ownCgroupBefore); // the workplace's cgroup untouched
  }, 180_000);
});

describe.skipIf(!IS_ROOT || !layout?.unified)("cgroup v2 manager on the real cgroup2 hierarchy", () => {
  test("creates, places a process, reads stats, freezes and thaws, refuses limits of absent controllers, removes", async () => {
    const parent = `mydocker-it-v2-${process.pid}`;
    const mount = layout!.unified!.mountpoint;
    const m = new CgroupV2Manager(mount, `${parent}/c1`);
    // a busy loop (no forks: one process), so the cgroup's cpu.stat has usage to show
    const sleeper = Bun.spawn(["sh", "-c", "while :; do :; done"]);
    try {
      expect(m.create()).toEqual([parent]);
      const offered = readFileSync(`${mount}/cgroup.controllers`, "utf8").trim();
      m.set({}); // no limits: nothing to write
      if (!offered.split(" ").includes("memory")) {
        expect(() => m.set({ memory: 64 << 20 })).toThrow(/memory controller is not available/);
        expect(m.oomFile()).toBeNull();
      } else {
        m.set({ memory: 64 << 20 });
        expect(readFileSync(`${mount}/${parent}/c1/memory.max`, "utf8").trim()).toBe(String(64 << 20));
        expect(m.oomFile()).toBe(`${mount}/${parent}/c1/memory.events`);
      }
      m.addProcess(sleeper.pid);
      expect(readFileSync(`/proc/${sleeper.pid}/cgroup`, "utf8")).toContain(`0::/${parent}/c1\n`);
      expect(m.pids()).toEqual([sleeper.pid]);
      const s = m.stats();
      expect(s.pids).toBe(1);
      // cpu.stat is a core file of every cgroup2 group: the loop's time shows up without a cpu controller
      expect(await eventually(() => m.stats().cpuUsageNs > 0, 5000)).toBe(true);
      // frozen, the loop stops using the CPU (a frozen task is not runnable); thawed, it goes on
      m.freeze(true);
      expect(readFileSync(`${mount}/${parent}/c1/cgroup.events`, "utf8")).toContain("frozen 1");
      const frozenAt = m.stats().cpuUsageNs;
      await Bun.sleep(200);
      expect(m.stats().cpuUsageNs).toBe(frozenAt);
      m.freeze(false);
      expect(await eventually(() => m.stats().cpuUsageNs > frozenAt, 5000)).toBe(true);
      expect(() => m.destroy([parent])).toThrow(/EBUSY/); // still populated: reported after retries
    } finally {
      try { m.freeze(false); } catch { /* not made, or already gone */ }
      sleeper.kill(9);
      await sleeper.exited;
      m.destroy([parent]);
    }
    expect(existsSync(`${mount}/${parent}`)).toBe(false);
  });
});
