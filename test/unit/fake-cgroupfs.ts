// A fake cgroupfs on a temp dir that behaves like the kernel where mydocker depends on it:
// mkdir makes the controller files appear (v2: only those the parent enables in
// cgroup.subtree_control), a new v1 cpuset refuses tasks until cpus and mems are set (ENOSPC),
// v1 keeps memory.limit_in_bytes <= memory.memsw.limit_in_bytes (EINVAL), a cgroup with
// processes or children cannot be removed (EBUSY), and missing files cannot be written (ENOENT).
// Every write is logged so tests can check order and values.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CgroupFs } from "../../src/cgroups";
import { SyscallError } from "../../src/errors";
import { errnoText } from "../../src/sys/errno";

const ERRNO: Record<string, number> = { ENOENT: 2, EBUSY: 16, EEXIST: 17, EINVAL: 22, ENOSPC: 28, ENOTEMPTY: 39 };
const fail = (op: string, code: string, path: string) => new SyscallError(op, ERRNO[code], code, errnoText(ERRNO[code]), path);

const UNLIMITED = "9223372036854771712";

/** Files each v1 controller puts in a non-root cgroup, with their initial values. */
const V1_FILES: Record<string, Record<string, string>> = {
  memory: {
    "memory.limit_in_bytes": UNLIMITED, "memory.memsw.limit_in_bytes": UNLIMITED, "memory.soft_limit_in_bytes": UNLIMITED,
    "memory.usage_in_bytes": "0", "memory.stat": "cache 0\ntotal_inactive_file 0\n", "memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n",
  },
  cpu: { "cpu.shares": "1024", "cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "-1" },
  cpuacct: { "cpuacct.usage": "0" },
  cpuset: { "cpuset.cpus": "", "cpuset.mems": "" },
  pids: { "pids.max": "max", "pids.current": "0" },
  blkio: { "blkio.bfq.weight": "100", "blkio.throttle.io_service_bytes_recursive": "Total 0\n" },
  devices: { "devices.list": "a *:* rwm" },
  freezer: { "freezer.state": "THAWED" },
};

/** Files each v2 controller puts in a cgroup whose parent enables it. */
const V2_FILES: Record<string, Record<string, string>> = {
  memory: { "memory.max": "max", "memory.low": "0", "memory.swap.max": "max", "memory.current": "0", "memory.stat": "anon 0\ninactive_file 0\n", "memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n" },
  cpu: { "cpu.weight": "100", "cpu.max": "max 100000" },
  cpuset: { "cpuset.cpus": "", "cpuset.mems": "" },
  pids: { "pids.max": "max", "pids.current": "0" },
  io: { "io.weight": "default 100", "io.stat": "" },
  hugetlb: { "hugetlb.2MB.max": "max" },
};

interface Mount { version: 1 | 2; mountpoint: string; controllers: string[] }

export class FakeCgroupfs implements CgroupFs {
  readonly base = mkdtempSync(join(tmpdir(), "fake-cgroupfs-"));
  readonly writes: [string, string][] = [];
  private mounts: Mount[] = [];
  private busy = new Map<string, number>();
  /** v1 memory files left out (a kernel without swap accounting). */
  noMemsw = false;
  /** A freeze never finishes (v1 stays FREEZING, v2 never reports frozen): a task that keeps forking. */
  stuckFreezing = false;

  /** Mounts a v1 hierarchy with these controllers; returns its mountpoint. */
  mountV1(controllers: string[], name = controllers.join(",")): string {
    const mountpoint = join(this.base, name);
    mkdirSync(mountpoint, { recursive: true });
    this.mounts.push({ version: 1, mountpoint, controllers });
    this.populate(mountpoint, 1, controllers, true);
    return mountpoint;
  }

  /** Mounts cgroup2 offering these controllers at its root; returns its mountpoint. */
  mountV2(offered: string[], name = "unified"): string {
    const mountpoint = join(this.base, name);
    mkdirSync(mountpoint, { recursive: true });
    this.mounts.push({ version: 2, mountpoint, controllers: offered });
    writeFileSync(join(mountpoint, "cgroup.controllers"), offered.join(" ") + "\n");
    writeFileSync(join(mountpoint, "cgroup.subtree_control"), "\n");
    writeFileSync(join(mountpoint, "cgroup.procs"), "");
    writeFileSync(join(mountpoint, "cpu.stat"), "usage_usec 0\n");
    return mountpoint;
  }

  /** Writes a file as the kernel would (stat counters, host CPU lists). */
  setFile(path: string, value: string): void {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, value);
  }

  /** rmdir of path fails with EBUSY the next n times (a cgroup whose tasks are still exiting). */
  busyFor(path: string, n: number): void {
    this.busy.set(path, n);
  }

  cleanup(): void {
    rmSync(this.base, { recursive: true, force: true });
  }

  private mountOf(path: string): Mount {
    const m = this.mounts.find((x) => path === x.mountpoint || path.startsWith(x.mountpoint + "/"));
    if (!m) throw new Error(`fake cgroupfs: ${path} is on no hierarchy`);
    return m;
  }

  private populate(dir: string, version: 1 | 2, controllers: string[], isRoot: boolean): void {
    if (version === 1) {
      writeFileSync(join(dir, "cgroup.procs"), "");
      writeFileSync(join(dir, "tasks"), "");
      for (const c of controllers) {
        for (const [f, v] of Object.entries(V1_FILES[c] ?? {})) {
          if (f.startsWith("memory.memsw") && this.noMemsw) continue;
          if (isRoot && (f === "pids.max" || f === "blkio.bfq.weight")) continue; // not on the root, as in the kernel
          writeFileSync(join(dir, f), isRoot && f.startsWith("cpuset.") ? "0-1" : v);
        }
        if (isRoot && c === "blkio") writeFileSync(join(dir, "blkio.bfq.io_service_bytes"), "Total 0\n");
      }
      return;
    }
    writeFileSync(join(dir, "cgroup.controllers"), controllers.join(" ") + "\n");
    writeFileSync(join(dir, "cgroup.subtree_control"), "\n");
    writeFileSync(join(dir, "cgroup.procs"), "");
    writeFileSync(join(dir, "cpu.stat"), "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
    writeFileSync(join(dir, "cgroup.freeze"), "0\n");
    writeFileSync(join(dir, "cgroup.events"), "populated 0\nfrozen 0\n");
    for (const c of controllers) for (const [f, v] of Object.entries(V2_FILES[c] ?? {})) writeFileSync(join(dir, f), v);
  }

  mkdir(path: string): boolean {
    const m = this.mountOf(path);
    if (existsSync(path)) return false;
    if (!existsSync(join(path, ".."))) throw fail("mkdir", "ENOENT", path);
    mkdirSync(path);
    const controllers = m.version === 1 ? m.controllers : readFileSync(join(path, "..", "cgroup.subtree_control"), "utf8").trim().split(/\s+/).filter(Boolean);
    this.populate(path, m.version, controllers, false);
    return true;
  }

  rmdir(path: string): void {
    this.mountOf(path);
    if (!existsSync(path)) throw fail("rmdir", "ENOENT", path);
    const left = this.busy.get(path) ?? 0;
    if (left > 0) {
      this.busy.set(path, left - 1);
      throw fail("rmdir", "EBUSY", path);
    }
    const children = readdirSync(path).filter((n) => statSync(join(path, n)).isDirectory());
    if (children.length || readFileSync(join(path, "cgroup.procs"), "utf8").trim()) throw fail("rmdir", "EBUSY", path);
    rmSync(path, { recursive: true });
  }

  read(path: string): string {
    if (!existsSync(path)) throw fail("read", "ENOENT", path);
    return readFileSync(path, "latin1");
  }

  readOptional(path: string): string | null {
    return existsSync(path) ? readFileSync(path, "latin1") : null;
  }

  exists(path: string): boolean {
    return existsSync(path);
  }

  /** The current content of a file, trimmed (for assertions). */
  value(path: string): string {
    return readFileSync(path, "latin1").trim();
  }

  write(path: string, value: string): void {
    if (!existsSync(path)) throw fail("open", "ENOENT", path);
    const dir = join(path, "..");
    const file = path.slice(dir.length + 1);
    const m = this.mountOf(path);
    this.writes.push([path, value]);
    if (file === "cgroup.subtree_control") {
      const offered = new Set(this.value(join(dir, "cgroup.controllers")).split(/\s+/));
      const enabled = new Set(this.value(path).split(/\s+/).filter(Boolean));
      const isRoot = dir === m.mountpoint;
      if (!isRoot && this.value(join(dir, "cgroup.procs"))) throw fail("write", "EBUSY", path); // no internal processes
      for (const tok of value.trim().split(/\s+/)) {
        const name = tok.slice(1);
        if (!offered.has(name)) throw fail("write", "ENOENT", path);
        if (tok[0] === "+") enabled.add(name); else enabled.delete(name);
      }
      writeFileSync(path, [...enabled].join(" ") + "\n");
      return;
    }
    if (file === "cgroup.procs") {
      if (m.version === 1 && m.controllers.includes("cpuset") && (!this.value(join(dir, "cpuset.cpus")) || !this.value(join(dir, "cpuset.mems"))))
        throw fail("write", "ENOSPC", path);
      writeFileSync(path, readFileSync(path, "utf8") + value.trim() + "\n");
      return;
    }
    if (m.version === 1 && (file === "memory.limit_in_bytes" || file === "memory.memsw.limit_in_bytes")) {
      const v = value.trim() === "-1" ? UNLIMITED : value.trim();
      const memsw = join(dir, "memory.memsw.limit_in_bytes");
      const limit = join(dir, "memory.limit_in_bytes");
      if (file === "memory.limit_in_bytes" && existsSync(memsw) && BigInt(v) > BigInt(this.value(memsw))) throw fail("write", "EINVAL", path);
      if (file === "memory.memsw.limit_in_bytes" && BigInt(v) < BigInt(this.value(limit))) throw fail("write", "EINVAL", path);
      writeFileSync(path, v + "\n");
      return;
    }
    if (file === "freezer.state") {
      const v = value.trim() === "FROZEN" && this.stuckFreezing ? "FREEZING" : value.trim();
      writeFileSync(path, v + "\n");
      return;
    }
    if (file === "cgroup.freeze") {
      const frozen = value.trim() === "1" && !this.stuckFreezing ? 1 : 0;
      writeFileSync(join(dir, "cgroup.events"), `populated 0\nfrozen ${frozen}\n`);
    }
    writeFileSync(path, value.trim() + "\n");
  }
}
