// Security defaults, as root inside a container: every escape below must fail, and the flags
// that lift a default (--privileged, --cap-add, --security-opt) lift exactly that one.

import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hierarchyOf, parseMountinfo } from "../../src/cgroups/mountinfo";
import { procStatusMask, toHex } from "../../src/security/capabilities";
import { attachDeviceProgramV2, writeDeviceRulesV1 } from "../../src/security/device-cgroup";
import { DEFAULT_DEVICE_RULES } from "../../src/security/devices";
import type { DeviceRule } from "../../src/security/spec";
import { eventually, IS_ROOT, useSandbox } from "./harness";

const sb = useSandbox("security");
/** The bounding set of this test process, which mydocker inherits. */
const HOST_BOUNDING = toHex(procStatusMask("CapBnd"));

/** Runs a shell script as root in a fresh container (removed afterwards). */
function sh(script: string, flags: string[] = []) {
  return sb.run(["run", "--rm", ...flags, "busybox", "sh", "-c", script]);
}

/** The container's own view of its confinement, from /proc/self/status. */
function status(flags: string[] = [], user?: string): Record<string, string> {
  const r = sh("cat /proc/self/status", user ? [...flags, "-u", user] : flags);
  expect(r.code).toBe(0);
  const out: Record<string, string> = {};
  for (const line of r.stdout.split("\n")) {
    const m = /^(Cap\w+|Seccomp|NoNewPrivs):\s*(\S+)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

const DEFAULT_CAPS = "00000000a80425fb";
/** An unbound loop device: a host block device the host can read (empty) that tests may open. */
const HAS_LOOP7 = existsSync("/dev/loop7");

describe.skipIf(!IS_ROOT)("security defaults", () => {
  afterAll(() => expect(sb.leftovers()).toEqual([]));

  test("Docker's capability set, seccomp filter, no no_new_privs", () => {
    expect(status()).toEqual({
      CapInh: "0000000000000000", CapPrm: DEFAULT_CAPS, CapEff: DEFAULT_CAPS, CapBnd: DEFAULT_CAPS,
      CapAmb: "0000000000000000", NoNewPrivs: "0", Seccomp: "2",
    });
  });

  test("a non-root user keeps the bounding set but holds no capabilities, and gets its image groups", () => {
    const s = status([], "nobody");
    expect([s.CapEff, s.CapPrm, s.CapBnd, s.Seccomp]).toEqual(["0000000000000000", "0000000000000000", DEFAULT_CAPS, "2"]);
    const id = sh("id", ["-u", "root"]);
    expect(id.stdout.trim()).toBe("uid=0(root) gid=0(root) groups=0(root),10(wheel)");
  });

  test("mount fails", () => {
    const r = sh("mount -t tmpfs none /tmp && echo MOUNTED");
    expect(r.stdout).not.toContain("MOUNTED");
    expect(r.stderr).toMatch(/permission denied|Operation not permitted/i);
  });

  test("/proc/sys, /sys and /proc/sysrq-trigger are read-only", () => {
    // writing back the current value: nothing changes even if protection failed
    const r = sh([
      "v=$(cat /proc/sys/kernel/printk_ratelimit); echo $v > /proc/sys/kernel/printk_ratelimit && echo PROCSYS",
      "v=$(cat /sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan); echo $v > /sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan && echo SYS",
      "echo > /proc/sysrq-trigger && echo SYSRQ",
      "true",
    ].join("; "));
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/printk_ratelimit: Read-only file system/);
    expect(r.stderr).toMatch(/pages_to_scan: Read-only file system/);
    // this kernel may lack sysrq: then the file is absent in the container too
    expect(r.stderr).toMatch(existsSync("/proc/sysrq-trigger") ? /sysrq-trigger: Read-only file system/ : /sysrq-trigger: nonexistent directory|No such file/);
  });

  test("masked /proc files read empty; /proc/kcore too (or is absent, as on the host)", () => {
    expect(readFileSync("/proc/timer_list").length).toBeGreaterThan(0);
    const r = sh("wc -c < /proc/timer_list; wc -c < /proc/interrupts; wc -c < /proc/kcore 2>/dev/null || echo absent; ls /sys/firmware | wc -l");
    expect(r.stdout.split("\n").slice(0, 4)).toEqual(["0", "0", existsSync("/proc/kcore") ? "0" : "absent", "0"]);
  });

  test("/dev holds only the default nodes; /dev/kmsg cannot be made usable; dmesg fails", () => {
    const r = sh("ls /dev; mknod /tmp/kmsg c 1 11 && head -c 1 /tmp/kmsg; dmesg");
    expect(r.stdout.split("\n").filter(Boolean).sort()).toEqual(
      ["core", "fd", "full", "mqueue", "null", "ptmx", "pts", "random", "shm", "stderr", "stdin", "stdout", "tty", "urandom", "zero"]);
    expect(r.stderr).toContain("head: /tmp/kmsg: Operation not permitted");
    expect(r.stderr).toContain("dmesg: klogctl: Operation not permitted");
  });

  test.skipIf(!HAS_LOOP7)("mknod of a host block device works, reading it does not", () => {
    // the host itself can read /dev/loop7 (an unbound loop device reads as empty)
    expect(Bun.spawnSync(["head", "-c", "1", "/dev/loop7"]).exitCode).toBe(0);
    const r = sh("mknod /tmp/disk b 7 7 && echo MADE; head -c 1 /tmp/disk && echo READ");
    expect(r.stdout).toBe("MADE\n");
    expect(r.stderr).toContain("head: /tmp/disk: Operation not permitted");
  });

  test("kernel modules cannot be loaded", () => {
    const r = sh("echo not-a-module > /tmp/x.ko; insmod /tmp/x.ko");
    expect(r.stderr).toContain("insmod: can't insert '/tmp/x.ko': Operation not permitted");
  });

  test("host processes are not visible, so not traceable", () => {
    const r = sh(`test -e /proc/${process.pid} && echo VISIBLE; kill -0 ${process.pid} && echo SIGNALLED; cat /proc/1/comm; true`);
    expect(r.stdout).toBe("sh\n"); // PID 1 is the container's own shell
    expect(r.stderr).toContain("No such process");
  });

  test("a hard rlimit cannot be raised", () => {
    const hostHard = Bun.spawnSync(["sh", "-c", "ulimit -Hn"]).stdout.toString();
    const r = sh("h=$(ulimit -Hn); ulimit -Hn $((h + 1)) && echo RAISED; ulimit -Hn");
    expect(r.stdout).toBe(hostHard);
    expect(r.stderr).toContain("error setting limit: Operation not permitted");
  });

  test("mydocker's binary, as the container's first process runs it, cannot be reopened for writing", async () => {
    // Catch `mydocker _init` (the container's PID 1 before it execs the command) and hold its
    // exe; once nothing runs the binary any more, reopening it for writing must still fail:
    // init runs it through a read-only bind mount (CVE-2019-5736). Opening writes nothing.
    const cli = sb.spawn(["run", "-d", "--name", "exe-probe", "busybox", "sleep", "30"]);
    let fd = -1;
    for (const deadline = Date.now() + 10_000; fd < 0 && Date.now() < deadline;) {
      for (const pid of readdirSync("/proc")) {
        if (!/^\d+$/.test(pid)) continue;
        try {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, "latin1");
          if (cmd.includes("\0_init\0") && cmd.includes(sb.root)) { fd = openSync(`/proc/${pid}/exe`, "r"); break; }
        } catch { /* gone */ }
      }
    }
    expect(await cli.exited).toBe(0);
    try {
      expect(fd).toBeGreaterThanOrEqual(0);
      // ETXTBSY: some mydocker process (a _cleanup of another container) runs the binary right
      // now, which says nothing about the mount: try again once it has finished
      let outcome = "ETXTBSY";
      for (const deadline = Date.now() + 10_000; outcome === "ETXTBSY" && Date.now() < deadline; await Bun.sleep(20)) {
        outcome = "opened for writing";
        try { closeSync(openSync(`/proc/self/fd/${fd}`, "a")); } catch (e: any) { outcome = e.code; }
      }
      expect(outcome).toBe("EROFS");
    } finally {
      if (fd >= 0) closeSync(fd);
      sb.run(["rm", "-f", "exe-probe"]);
    }
  });

  test("the shim a container runs (--init) is a sealed memfd: it cannot be rewritten", async () => {
    const id = sb.ok(["run", "-d", "--init", "busybox", "sleep", "30"]);
    const pid = sb.ok(["inspect", "-f", "{{.State.Pid}}", id]);
    const fd = openSync(`/proc/${pid}/exe`, "r");
    try {
      expect(readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0")[0]).toBe("mydocker-init");
      sb.ok(["rm", "-f", id]); // nothing runs this memfd any more: only the seals protect it
      let outcome = "written";
      try {
        const w = openSync(`/proc/self/fd/${fd}`, "a");
        try { require("node:fs").writeSync(w, "x"); } finally { closeSync(w); }
      } catch (e: any) { outcome = e.code; }
      expect(outcome).toBe("EPERM");
    } finally { closeSync(fd); }
  });

  test("no file descriptor of mydocker leaks into the container", () => {
    const r = sh("ls /proc/1/fd; true");
    expect(r.stdout.split("\n").filter(Boolean)).toEqual(["0", "1", "2"]);
  });

  test("new namespaces cannot be made (seccomp), unless seccomp is unconfined", () => {
    expect(sh("unshare -U true && echo UNSHARED").stderr).toContain("Operation not permitted");
    const r = sh("unshare -U true && echo UNSHARED", ["--security-opt", "seccomp=unconfined"]);
    expect(r.stdout).toBe("UNSHARED\n");
  });
});

describe.skipIf(!IS_ROOT)("flags that lift a default lift exactly that", () => {
  test("--privileged: every capability mydocker holds, no seccomp, writable /proc/sys and /sys, host devices, nothing masked", () => {
    expect(status(["--privileged"])).toEqual({
      CapInh: "0000000000000000", CapPrm: HOST_BOUNDING, CapEff: HOST_BOUNDING, CapBnd: HOST_BOUNDING,
      CapAmb: "0000000000000000", NoNewPrivs: "0", Seccomp: "0",
    });
    const r = sh([
      "mount -t tmpfs none /tmp && echo MOUNT",
      "v=$(cat /proc/sys/kernel/printk_ratelimit); echo $v > /proc/sys/kernel/printk_ratelimit && echo PROCSYS",
      "v=$(cat /sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan); echo $v > /sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan && echo SYS",
      HAS_LOOP7 ? "test -b /dev/loop7 && head -c 1 /dev/loop7 && echo LOOP" : "echo LOOP",
      "test $(wc -c < /proc/timer_list) -gt 0 && echo TIMERS",
    ].join("; "), ["--privileged"]);
    expect(r.stdout.split("\n").filter(Boolean)).toEqual(["MOUNT", "PROCSYS", "SYS", "LOOP", "TIMERS"]);
  });

  test("--cap-add SYS_ADMIN: mount works, seccomp stays, the rest of the walls too", () => {
    const s = status(["--cap-add", "SYS_ADMIN"]);
    expect([s.CapEff, s.CapBnd, s.Seccomp]).toEqual(["00000000a82425fb", "00000000a82425fb", "2"]);
    const r = sh("mount -t tmpfs none /tmp && echo MOUNT; echo > /tmp/x.ko; insmod /tmp/x.ko || echo NOMODULE; wc -c < /proc/timer_list", ["--cap-add", "SYS_ADMIN"]);
    expect(r.stdout.split("\n").filter(Boolean)).toEqual(["MOUNT", "NOMODULE", "0"]);
  });

  test("--security-opt seccomp=unconfined: no filter, same capabilities", () => {
    const s = status(["--security-opt", "seccomp=unconfined"]);
    expect([s.CapEff, s.CapBnd, s.Seccomp]).toEqual([DEFAULT_CAPS, DEFAULT_CAPS, "0"]);
    expect(sh("mount -t tmpfs none /tmp && echo MOUNT", ["--security-opt", "seccomp=unconfined"]).stdout).toBe("");
  });

  test("--security-opt no-new-privileges, --cap-drop ALL, --cap-add", () => {
    expect(status(["--security-opt", "no-new-privileges"]).NoNewPrivs).toBe("1");
    expect(status(["--cap-drop", "ALL"]).CapEff).toBe("0000000000000000");
    expect(status(["--cap-drop", "all", "--cap-add", "chown"]).CapBnd).toBe("0000000000000001");
    expect(status(["--cap-add", "NET_ADMIN", "--cap-drop", "NET_RAW"]).CapBnd).toBe("00000000a80415fb"); // +bit 12, -bit 13
  });

  test("a seccomp profile in Docker's format", () => {
    const path = join(sb.root, "deny-mkdir.json");
    writeFileSync(path, JSON.stringify({
      defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 13 }],
    }));
    const r = sh("mkdir /tmp/d && echo MADE; grep Seccomp: /proc/self/status", ["--security-opt", `seccomp=${path}`]);
    expect(r.stdout).toBe("Seccomp:\t2\n");
    expect(r.stderr).toContain("Permission denied");
  });

  test("--ulimit within the caller's hard limit; above it is a clear error before anything is made", () => {
    expect(sh("ulimit -Sn; ulimit -Hn", ["--ulimit", "nofile=100:200"]).stdout).toBe("100\n200\n");
    const before = sb.containerIds().length;
    const r = sb.run(["run", "--rm", "--ulimit", "nofile=1024:99999999", "busybox", "true"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/ulimit nofile: hard limit 99999999 is above mydocker's own hard limit \d+/);
    expect(sb.containerIds().length).toBe(before);
  });

  test("--sysctl sets namespaced keys inside the container only; others are refused", () => {
    const host = readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8");
    const r = sh("cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni", ["--sysctl", "net.ipv4.ip_forward=1", "--sysctl", "kernel.shmmni=1234"]);
    expect(r.stdout).toBe("1\n1234\n");
    expect(readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8")).toBe(host);
    const bad = sb.run(["run", "--rm", "--sysctl", "vm.swappiness=1", "busybox", "true"]);
    expect([bad.code, bad.stderr.trim()]).toEqual([125, expect.stringContaining(`sysctl "vm.swappiness" is not allowed`)]);
  });

  test.skipIf(!HAS_LOOP7)("--device adds one node with the permissions asked for", () => {
    const r = sh("ls -l /dev/xloop; head -c 1 /dev/xloop && echo READ; echo x > /dev/xloop && echo WROTE", ["--device", "/dev/loop7:/dev/xloop:r"]);
    expect(r.stdout).toMatch(/^b[rw-]{9}\s+1 root\s+\S+\s+7,\s+7 .* \/dev\/xloop\nREAD\n$/);
    expect(r.stderr).toContain("Operation not permitted");
  });

  test("--read-only: the root filesystem cannot be written, /dev/shm still can, /tmp only through --tmpfs", () => {
    const r = sh("touch /x || echo ROOT; touch /tmp/x || echo TMP; touch /dev/shm/x && echo SHM", ["--read-only"]);
    expect(r.stdout).toBe("ROOT\nTMP\nSHM\n");
    expect(r.stderr).toContain("Read-only file system");
    const t = sh("touch /x || echo ROOT; touch /tmp/x && echo TMP", ["--read-only", "--tmpfs", "/tmp"]);
    expect(t.stdout).toBe("ROOT\nTMP\n");
  });

  test("bad security flags fail with 125 and leave nothing", () => {
    const before = sb.containerIds().length;
    for (const [flags, msg] of [
      [["--cap-add", "BOGUS"], /invalid capability: "BOGUS"/],
      [["--security-opt", "seccomp=/nonexistent.json"], /opening seccomp profile \(\/nonexistent.json\) failed/],
      [["--security-opt", "whatever"], /invalid --security-opt/],
      [["--device", "/dev/nonexistent"], /error gathering device information/],
    ] as [string[], RegExp][]) {
      const r = sb.run(["run", "--rm", ...flags, "busybox", "true"]);
      expect([flags, r.code]).toEqual([flags, 125]);
      expect(r.stderr).toMatch(msg);
    }
    expect(sb.containerIds().length).toBe(before);
  });
});

/** The mountpoint of a cgroup filesystem ("cgroup2", or the v1 hierarchy with `controller`). */
function cgroupMount(fstype: "cgroup2" | "cgroup", controller?: string): string | undefined {
  let layout;
  try { layout = parseMountinfo(readFileSync("/proc/self/mountinfo", "utf8")); } catch { return undefined; } // no cgroups mounted
  return fstype === "cgroup2" ? layout.unified?.mountpoint : hierarchyOf(layout, controller!)?.mountpoint;
}

describe.skipIf(!IS_ROOT)("device cgroup rules on the kernel's own cgroups", () => {
  const rules: DeviceRule[] = [...DEFAULT_DEVICE_RULES, { allow: true, type: "b", major: 7, minor: 7, access: "r" }];
  // in the cgroup, the shell may use /dev/null, read /dev/loop7, and nothing else
  const script = (procs: string) =>
    `echo $$ > ${procs} || exit 99; head -c 1 /dev/null && echo NULL; head -c 1 /dev/loop7 && echo READ7; ` +
    "head -c 1 /dev/loop6 && echo READ6; true > /dev/loop7 && echo WRITE7; true";

  function inCgroup(dir: string, apply: () => void): string {
    mkdirSync(dir);
    try {
      apply();
      const r = Bun.spawnSync(["sh", "-c", script(`${dir}/cgroup.procs`)]);
      expect(r.exitCode).toBe(0);
      return r.stdout.toString();
    } finally {
      // the shell has exited; the kernel may take a moment to see the cgroup empty
      void eventually(() => { try { rmdirSync(dir); return true; } catch { return false; } });
    }
  }

  const v1 = cgroupMount("cgroup", "devices");
  test.skipIf(!v1 || !HAS_LOOP7)("v1: devices.deny a, then the allow list", async () => {
    const dir = `${v1}/mydocker-sectest-${process.pid}`;
    expect(inCgroup(dir, () => writeDeviceRulesV1(dir, rules))).toBe("NULL\nREAD7\n");
    await eventually(() => !existsSync(dir));
    expect(existsSync(dir)).toBe(false);
  });

  const v2 = cgroupMount("cgroup2");
  test.skipIf(!v2 || !HAS_LOOP7)("v2: a BPF_PROG_TYPE_CGROUP_DEVICE program", async () => {
    const dir = `${v2}/mydocker-sectest-${process.pid}`;
    expect(inCgroup(dir, () => attachDeviceProgramV2(dir, rules))).toBe("NULL\nREAD7\n");
    await eventually(() => !existsSync(dir));
    expect(existsSync(dir)).toBe(false);
  });
});

describe.skipIf(!IS_ROOT)("exec runs under the container's confinement", () => {
  /** The capability and seccomp lines of /proc/PID/status as seen by `exec` in the container. */
  function execStatus(id: string, pid: string, user?: string): Record<string, string> {
    const out: Record<string, string> = {};
    const text = sb.ok(["exec", ...(user ? ["-u", user] : []), id, "cat", `/proc/${pid}/status`]);
    for (const line of text.split("\n")) {
      const m = /^(Cap\w+|Seccomp|NoNewPrivs):\s*(\S+)$/.exec(line);
      if (m) out[m[1]] = m[2];
    }
    return out;
  }

  for (const flags of [[], ["--cap-add", "SYS_ADMIN", "--cap-drop", "NET_RAW", "--security-opt", "no-new-privileges"], ["--security-opt", "seccomp=unconfined"]]) {
    test(`exec gets the same sets as the container (${flags.join(" ") || "defaults"})`, () => {
      const id = sb.ok(["run", "-d", ...flags, "busybox", "sleep", "60"]);
      try {
        const container = execStatus(id, "1"), exec = execStatus(id, "self");
        expect(exec).toEqual(container);
        expect(container.CapBnd).toBe(status(flags).CapBnd);
        // a non-root exec keeps the bounding set and holds nothing, as the container's own would
        const nobody = execStatus(id, "self", "nobody");
        expect([nobody.CapEff, nobody.CapBnd, nobody.Seccomp]).toEqual(["0000000000000000", container.CapBnd, container.Seccomp]);
      } finally { sb.run(["rm", "-f", id]); }
    });
  }

  test("exec'd processes see no fd beyond 0-2, and the container's PID 1 still none", () => {
    const id = sb.ok(["run", "-d", "busybox", "sleep", "60"]);
    try {
      expect(sb.ok(["exec", id, "sh", "-c", "ls /proc/$$/fd; echo --; ls /proc/1/fd"]).split("\n")).toEqual(["0", "1", "2", "--", "0", "1", "2"]);
    } finally { sb.run(["rm", "-f", id]); }
  });

  test("while execs come and go, no /proc/PID/exe a container process can see is writable but its own files", () => {
    // The watcher does what CVE-2019-5736 did: it opens a visible process's exe read-only (a
    // foreign one: not busybox under /bin, /usr/bin, /sbin, /usr/sbin), then tries for a second
    // to append to it through that fd, which succeeds once the runtime binary is no longer
    // executing unless it is a sealed memfd. Were the shim a host file, this test would append
    // "x" to it: the very harm it checks for.
    const watcher = "while :; do for p in /proc/[0-9]*; do e=$(readlink $p/exe 2>/dev/null) || continue; " +
      "case $e in /bin/*|/usr/bin/*|/sbin/*|/usr/sbin/*) continue;; esac; " +
      "exec 3<$p/exe 2>/dev/null || continue; " +
      "if [ \"$(readlink /proc/self/fd/3)\" = \"$e\" ]; then echo \"seen $e\" >> /tmp/log; n=0; " +
      "while [ $n -lt 20 ]; do { echo x >> /proc/self/fd/3; } 2>/dev/null && { echo \"WRITABLE $e\" >> /tmp/log; break; }; " +
      "n=$((n+1)); sleep 0.05; done; fi; exec 3<&-; done; done";
    // three watchers: an exec'd process shows the shim's exe only between its fork and its
    // execve. The shim looks the command up in the exec's PATH, an execve per entry: thousands of
    // entries that do not exist hold each exec in that window for milliseconds, so the watchers
    // (a fork per /proc entry) see it within a few execs, not by luck after hundreds.
    const id = sb.ok(["run", "-d", "busybox", "sh", "-c", `touch /tmp/log; for w in 1 2 3; do (${watcher}) & done; wait`]);
    const slowPath = `PATH=${Array.from({ length: 8000 }, (_, n) => `/n${n}`).join(":")}:/bin`;
    try {
      // The watcher must catch at least one exec'd process before its execve (the exec shim), or
      // the check below would pass without having tried anything.
      const foreign = (log: string) => log.split("\n").filter((l) => l.startsWith("seen "));
      let log = "";
      for (let round = 0; round < 40 && foreign(log).length === 0; round++) {
        for (let i = 0; i < 5; i++) sb.ok(["exec", "-e", slowPath, id, "true"]);
        log = sb.ok(["exec", id, "cat", "/tmp/log"]);
      }
      expect(foreign(log).length).toBeGreaterThan(0);
      Bun.sleepSync(1500); // the watchers' second of write attempts on what they saw
      log = sb.ok(["exec", id, "cat", "/tmp/log"]);
      expect(log.split("\n").filter((l) => l.startsWith("WRITABLE"))).toEqual([]);
    } finally { sb.run(["rm", "-f", id]); }
  });
});
