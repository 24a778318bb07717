// `exec`: namespaces, cgroups, env, working dir, user, exit codes, stdin/tty, signals, the
// security interface of config.Runtime.security, and that the process dies with its container.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hierarchyOf, parseMountinfo } from "../../src/cgroups/mountinfo";
import { procStatusMask, toHex } from "../../src/security/capabilities";
import { BIN, eventually, IS_ROOT, useSandbox } from "./harness";
import { readTrim, Tmux } from "./terminal";

describe.skipIf(!IS_ROOT)("exec", () => {
  const sb = useSandbox("exec");
  const sessions: Tmux[] = [];
  beforeAll(() => {
    sb.ok(["run", "-d", "--name", "box", "-e", "A=1", "-e", "B=2", "-w", "/srv", "busybox", "sleep", "1000"]);
  });
  afterAll(() => { for (const t of sessions) t.close(); });

  const configPath = (name: string) => join(sb.root, "containers", sb.ok(["inspect", "-f", "{{.Id}}", name]), "config.json");
  /** Edits a container's runtime spec the way a module's configure hook would have. */
  function patchRuntime(name: string, edit: (rt: any) => void): void {
    const p = configPath(name);
    const config = JSON.parse(readFileSync(p, "utf8"));
    edit(config.Runtime);
    writeFileSync(p, JSON.stringify(config));
  }
  /** Processes on the host whose command line is exactly argv. */
  function hostProcesses(argv: string[]): number[] {
    const want = argv.join("\0") + "\0";
    return readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
      try { return readFileSync(`/proc/${p}/cmdline`, "utf8") === want; } catch { return false; }
    }).map(Number);
  }

  test("runs in every namespace of the container, not as PID 1, visible in its ps", () => {
    const out = sb.ok(["exec", "box", "sh", "-c",
      'echo pid=$$; for n in pid mnt net uts ipc cgroup; do [ "$(readlink /proc/self/ns/$n)" = "$(readlink /proc/1/ns/$n)" ] && echo same-$n; done; hostname; ps -o pid,args']);
    const lines = out.split("\n");
    expect(Number(lines[0].slice(4))).toBeGreaterThan(1);
    for (const n of ["pid", "mnt", "net", "uts", "ipc", "cgroup"]) expect(lines).toContain(`same-${n}`);
    const id = sb.ok(["inspect", "-f", "{{.Id}}", "box"]);
    expect(lines).toContain(id.slice(0, 12));
    expect(out).toMatch(/^\s*1\s+sleep 1000$/m); // PID 1 is the container's own command
    expect(out).toMatch(/ps -o pid,args$/m); // and the exec'd process sits beside it
    for (const n of ["pid", "mnt", "net"]) {
      const inside = sb.ok(["exec", "box", "readlink", `/proc/self/ns/${n}`]);
      expect(inside).not.toBe(require("node:fs").readlinkSync(`/proc/self/ns/${n}`));
    }
  });

  test("environment: the container's plus -e, HOME, TERM under -t; never the host's", () => {
    const r = sb.run(["exec", "-e", "B=3", "-e", "C=4", "-e", "FROM_HOST", "box", "env"], { env: { HOST_SECRET: "leak", FROM_HOST: "yes" } });
    expect(r.code).toBe(0);
    const env = r.stdout.trim().split("\n");
    for (const kv of ["A=1", "B=3", "C=4", "FROM_HOST=yes", "HOME=/root", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]) expect(env).toContain(kv);
    expect(env.some((e) => e.startsWith("HOSTNAME="))).toBe(true);
    expect(r.stdout).not.toContain("HOST_SECRET");
    expect(r.stdout).not.toContain("TERM=");
    expect(sb.ok(["exec", "-t", "box", "sh", "-c", "echo $TERM"])).toBe("xterm");
  });

  test("working directory: the container's, or -w; a missing one is exit 126, a relative one 125", () => {
    expect(sb.ok(["exec", "box", "pwd"])).toBe("/srv");
    expect(sb.ok(["exec", "-w", "/tmp", "box", "pwd"])).toBe("/tmp");
    const missing = sb.run(["exec", "-w", "/nonexistent", "box", "true"]);
    expect(missing.code).toBe(126);
    expect(missing.stderr).toContain('chdir to cwd "/nonexistent": no such file or directory');
    expect(sb.run(["exec", "-w", "rel", "box", "true"]).code).toBe(125);
  });

  test("user: the container's by default, -u name/uid:gid from the container's own passwd file", () => {
    sb.ok(["run", "-d", "--name", "asnobody", "-u", "nobody", "busybox", "sleep", "1000"]);
    try {
      expect(sb.ok(["exec", "asnobody", "id", "-u"])).toBe("65534");
      expect(sb.ok(["exec", "-u", "root", "asnobody", "id", "-u"])).toBe("0");
      expect(sb.ok(["exec", "-u", "1234:5678", "asnobody", "id"])).toMatch(/^uid=1234 gid=5678/);
      const ghost = sb.run(["exec", "-u", "ghost", "asnobody", "true"]);
      expect(ghost.code).toBe(125);
      expect(ghost.stderr).toContain("unable to find user ghost");
      // /etc/passwd as an absolute symlink is followed inside the container, never on the host
      sb.ok(["exec", "-u", "root", "asnobody", "sh", "-c",
        "cp /etc/passwd /etc/pw2 && echo 'zed:x:4242:4243::/zed:/bin/sh' >> /etc/pw2 && rm /etc/passwd && ln -s /etc/pw2 /etc/passwd"]);
      expect(sb.ok(["exec", "-u", "zed", "asnobody", "sh", "-c", "id -u; id -g; echo $HOME"])).toBe("4242\n4243\n/zed");
    } finally {
      sb.run(["rm", "-f", "asnobody"]);
    }
  });

  test("exit codes: the command's, 127 not found, 126 not executable, 128+N by signal", () => {
    expect(sb.run(["exec", "box", "sh", "-c", "exit 42"]).code).toBe(42);
    const nf = sb.run(["exec", "box", "no-such-command"]);
    expect(nf.code).toBe(127);
    expect(nf.stderr.trim()).toBe('mydocker: exec: "no-such-command": executable file not found in $PATH');
    const nfPath = sb.run(["exec", "box", "/no/such"]);
    expect(nfPath.code).toBe(127);
    expect(nfPath.stderr).toContain("no such file or directory");
    const ne = sb.run(["exec", "box", "/etc/passwd"]);
    expect(ne.code).toBe(126);
    expect(ne.stderr).toContain("permission denied");
    expect(sb.run(["exec", "box", "/etc"]).stderr).toContain("is a directory");
    expect(sb.run(["exec", "box", "sh", "-c", "kill -9 $$"]).code).toBe(137);
  });

  test("a stopped or missing container is an error naming it, exit 125", () => {
    sb.ok(["run", "--name", "stopped", "busybox", "true"]);
    const r = sb.run(["exec", "stopped", "true"]);
    expect(r.code).toBe(125);
    expect(r.stderr.trim()).toBe("mydocker: container stopped is not running");
    const m = sb.run(["exec", "ghost", "true"]);
    expect(m.code).toBe(125);
    expect(m.stderr.trim()).toBe("mydocker: No such container: ghost");
    expect(sb.run(["exec", "box"]).code).toBe(125); // no command
    sb.ok(["rm", "stopped"]);
  });

  test("stdin: -i connects it, without -i it is /dev/null; the command inherits no stray fds", () => {
    expect(sb.ok(["exec", "-i", "box", "sh", "-c", "cat; echo end"], { stdin: "piped\n" })).toBe("piped\nend");
    expect(sb.ok(["exec", "box", "sh", "-c", "cat; echo end"], { stdin: "piped\n" })).toBe("end");
    // 0-2 and ls's own directory fd: no namespace fds, no shim image, no control socket
    expect(sb.ok(["exec", "box", "ls", "/proc/self/fd"]).split(/\s+/)).toEqual(["0", "1", "2", "3"]);
  });

  test("signals to the CLI reach the command; -d returns at once and leaves it running", async () => {
    for (const [sig, code] of [["SIGTERM", 5], ["SIGINT", 6]] as const) {
      const proc = sb.spawn(["exec", "box", "sh", "-c", `trap 'exit ${code}' ${sig.slice(3)}; echo ready; while :; do sleep 0.05; done`]);
      const first = await proc.stdout.getReader().read();
      expect(new TextDecoder().decode(first.value)).toContain("ready");
      proc.kill(sig);
      expect(await proc.exited).toBe(code);
    }
    const started = Date.now();
    expect(sb.run(["exec", "-d", "box", "sleep", "4321"]).code).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(sb.ok(["exec", "box", "ps", "-o", "args"])).toContain("sleep 4321");
    // -d -t: the pty stays open after the CLI left (no SIGHUP); a finished -d command is reaped
    expect(sb.run(["exec", "-d", "-t", "box", "sh", "-c", "sleep 0.3; echo survived > /tmp/dt"]).code).toBe(0);
    expect(sb.run(["exec", "-d", "box", "true"]).code).toBe(0);
    expect(await eventually(() => sb.run(["exec", "box", "cat", "/tmp/dt"]).stdout.trim() === "survived", 5000)).toBe(true);
    expect(sb.ok(["exec", "box", "ps", "-o", "stat,args"])).not.toMatch(/^\s*Z/m);
    expect(sb.run(["exec", "-d", "box", "no-such-command"]).code).toBe(127);
  });

  test("the exec'd process dies with its container", async () => {
    sb.ok(["run", "-d", "--name", "doomed", "busybox", "sleep", "1000"]);
    const proc = sb.spawn(["exec", "doomed", "sleep", "1234"]);
    expect(await eventually(() => hostProcesses(["sleep", "1234"]).length === 1)).toBe(true);
    sb.ok(["rm", "-f", "doomed"]);
    expect(await proc.exited).toBe(137);
    expect(hostProcesses(["sleep", "1234"])).toEqual([]);
  });

  test("it joins the container's cgroups, every hierarchy, and only the command does", () => {
    const id = sb.ok(["inspect", "-f", "{{.Id}}", "box"]);
    const pid1 = sb.ok(["exec", "box", "cat", "/proc/1/cgroup"]);
    expect(pid1).toContain(id); // the cgroups module gave the container cgroups of its own
    expect(sb.ok(["exec", "box", "cat", "/proc/self/cgroup"])).toBe(pid1);
  });

  test("the command is in every cgroup.procs of the container; the shim waiting for it is in none", async () => {
    const proc = sb.spawn(["exec", "box", "sleep", "2345"]);
    try {
      const pid = await eventually(() => hostProcesses(["sleep", "2345"])[0] ?? 0);
      expect(pid).toBeGreaterThan(0);
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const shim = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const files: string[] = JSON.parse(readFileSync(configPath("box"), "utf8")).Runtime.cgroupProcs;
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const members = readFileSync(f, "utf8").split("\n").map(Number);
        expect(members).toContain(pid);
        expect(members).not.toContain(shim);
      }
    } finally {
      proc.kill("SIGTERM"); // forwarded to sleep
      await proc.exited;
    }
  });

  test("it joins exactly the cgroup.procs files of Runtime.cgroupProcs", () => {
    // a cgroup of the test's own stands in for the module's: the join follows the record
    const layout = parseMountinfo(readFileSync("/proc/self/mountinfo", "utf8"));
    const v1 = hierarchyOf(layout, "pids")?.mountpoint;
    const v2 = layout.unified?.mountpoint === "/sys/fs/cgroup" ? layout.unified.mountpoint : undefined;
    const base = v1 ?? v2;
    expect(base).toBeDefined();
    const dir = join(base!, `mydocker-exec-test-${process.pid}`);
    mkdirSync(dir);
    let saved: string[] = [];
    try {
      patchRuntime("box", (rt) => { saved = rt.cgroupProcs; rt.cgroupProcs = [join(dir, "cgroup.procs")]; });
      const cg = sb.ok(["exec", "box", "cat", "/proc/self/cgroup"]);
      expect(cg).toContain(`/mydocker-exec-test-${process.pid}`);
      expect(readTrim(join(dir, "cgroup.procs"))).toBe(""); // neither the command nor the shim stayed
    } finally {
      patchRuntime("box", (rt) => { rt.cgroupProcs = saved; });
      if (existsSync(dir)) rmdirSync(dir);
    }
  });

  test.skipIf(process.arch !== "x64")("security: capability masks, no_new_privs and a seccomp filter from Runtime.security", () => {
    // mkdir (83) and mkdirat (258) fail with EPERM, everything else is allowed
    const insn = (code: number, jt: number, jf: number, k: number) => {
      const b = Buffer.alloc(8);
      b.writeUInt16LE(code, 0); b.writeUInt8(jt, 2); b.writeUInt8(jf, 3); b.writeUInt32LE(k >>> 0, 4);
      return b;
    };
    const profile = join(sb.root, "no-mkdir.bpf");
    writeFileSync(profile, Buffer.concat([insn(0x20, 0, 0, 0), insn(0x15, 2, 0, 83), insn(0x15, 1, 0, 258),
      insn(0x06, 0, 0, 0x7fff0000), insn(0x06, 0, 0, 0x00050001)]));
    sb.ok(["run", "-d", "--name", "locked", "busybox", "sleep", "1000"]);
    try {
      const caps = { bounding: "421", effective: "421", permitted: "421", inheritable: "400", ambient: "400" };
      patchRuntime("locked", (rt) => { rt.security = { capabilities: caps, noNewPrivileges: true, seccompProfile: profile }; });
      const status = (user: string) => Object.fromEntries(sb.ok(["exec", "-u", user, "locked", "cat", "/proc/self/status"])
        .split("\n").map((l) => l.split(":\t")).filter((kv) => /^(Cap|NoNewPrivs|Seccomp$)/.test(kv[0])));
      const root = status("root");
      expect(root).toMatchObject({ CapBnd: "0000000000000421", CapEff: "0000000000000421", NoNewPrivs: "1", Seccomp: "2" });
      const nobody = status("nobody");
      expect(nobody).toMatchObject({ CapBnd: "0000000000000421", CapEff: "0000000000000400", CapPrm: "0000000000000400", CapAmb: "0000000000000400", CapInh: "0000000000000400" });
      const blocked = sb.run(["exec", "locked", "mkdir", "/tmp/x"]);
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toContain("Operation not permitted");
      // without no_new_privs the filter goes in before the uid switch, and still holds
      patchRuntime("locked", (rt) => { rt.security = { seccompProfile: profile }; });
      const r = sb.run(["exec", "-u", "nobody", "locked", "sh", "-c", "grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status; mkdir /tmp/y"]);
      expect(r.stdout).toMatch(/NoNewPrivs:\s+0\nSeccomp:\s+2/);
      expect(r.stderr).toContain("Operation not permitted");
      // --privileged keeps every capability: the ones mydocker (spawned by this test) holds
      patchRuntime("locked", (rt) => { rt.security = { capabilities: caps }; });
      const priv = sb.ok(["exec", "--privileged", "locked", "grep", "CapBnd", "/proc/self/status"]);
      expect(priv).not.toContain("0000000000000421");
      expect(priv).toBe(`CapBnd:\t${toHex(procStatusMask("CapBnd"))}`);
    } finally {
      sb.run(["rm", "-f", "locked"]);
    }
  });

  test("exec -it: a pty from the container's devpts, window size, Ctrl-C, exit code, terminal restored", async () => {
    const f = (n: string) => join(sb.root, `it.${n}`);
    const t = new Tmux(sb.root, "it");
    sessions.push(t);
    t.start(`stty -g > ${f("before")}; ${BIN} --root ${sb.root} exec -it box sh; echo $? > ${f("code")}; stty -g > ${f("after")}`, 100, 30);
    await t.waitFor(/# $/m);
    t.line("tty; stty size; pwd");
    await t.waitFor(/^\/dev\/pts\/\d+\n30 100\n\/srv$/m);
    t.resize(70, 20);
    await t.lineUntil("stty size", /^20 70$/m);
    t.line("sleep 300");
    await Bun.sleep(200);
    t.keys("C-c");
    t.line("echo alive");
    await t.waitFor(/^alive$/m);
    t.line("exit 3");
    await t.waitExit(10_000);
    expect(readTrim(f("code"))).toBe("3");
    expect(readTrim(f("after"))).toBe(readTrim(f("before")));
    const notTty = sb.run(["exec", "-it", "box", "true"], { stdin: "" });
    expect(notTty.code).toBe(1);
    expect(notTty.stderr).toContain("the input device is not a TTY");
  });

  test("an exec'd process lives under the container's --ulimit values", () => {
    sb.ok(["run", "-d", "--name", "limited", "--ulimit", "nofile=1000:1500", "busybox", "sleep", "100"]);
    expect(sb.ok(["exec", "limited", "sh", "-c", "ulimit -n; ulimit -Hn"])).toBe("1000\n1500");
    sb.ok(["rm", "-f", "limited"]);
  });

  test("nothing is left behind", async () => {
    for (const t of sessions) t.close();
    sb.ok(["rm", "-f", "box"]);
    await eventually(() => sb.leftovers().length === 0);
    expect(sb.leftovers()).toEqual([]);
  });
});
