// `run` in the foreground: namespaces, rootfs, environment, arguments, exit codes, and that
// nothing is left behind. Everything goes through the compiled binary on the real kernel.

import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eventually, IS_ROOT, useSandbox } from "./harness";

describe.skipIf(!IS_ROOT)("run (foreground)", () => {
  const sb = useSandbox("run");

  test("stdout and stderr of the container reach the CLI separately", () => {
    const r = sb.run(["run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("out\n");
    expect(r.stderr).toBe("err\n");
  });

  test("arguments reach the process exactly and options after IMAGE belong to the command", () => {
    expect(sb.ok(["run", "--rm", "busybox", "printf", "%s|", "a b", "c", "-la"])).toBe("a b|c|-la|");
    expect(sb.ok(["run", "--rm", "busybox", "ls", "-la", "/"])).toContain("bin");
  });

  test("the command is PID 1 in its own pid, uts, ipc, mount and net namespaces", () => {
    const out = sb.ok(["run", "--rm", "busybox", "sh", "-c",
      "echo $$; for n in pid uts ipc mnt net; do readlink /proc/self/ns/$n; done; ls /sys/class/net"]);
    const [pid, ...rest] = out.split("\n");
    expect(pid).toBe("1");
    const nets = rest.slice(5);
    expect(nets).toEqual(["eth0", "lo"]); // the default bridge network
    for (const [i, kind] of ["pid", "uts", "ipc", "mnt", "net"].entries()) {
      const host = require("node:fs").readlinkSync(`/proc/self/ns/${kind}`);
      expect(rest[i]).not.toBe(host);
    }
  });

  test("loopback is up, /proc /dev /sys are mounted, /sys is read-only", () => {
    // /sys read-only: write an existing sysfs file back with its own value (sysfs never lets
    // anyone create files, so only a write to an existing one tells ro from rw)
    const r = sb.run(["run", "--rm", "busybox", "sh", "-c",
      "cat /sys/class/net/lo/operstate; grep -c . /proc/mounts >/dev/null && echo proc; ls /dev; " +
      "f=/sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan; v=$(cat $f) && echo $v > $f && echo SYS-WRITABLE || echo sys-ro"]);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain("unknown"); // lo reports "unknown" when up
    expect(out).toContain("proc");
    for (const d of ["null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm", "mqueue"]) expect(out).toContain(d);
    expect(out).toContain("sys-ro");
    expect(out).not.toContain("SYS-WRITABLE");
    expect(r.stderr).toMatch(/pages_to_scan: Read-only file system/);
  });

  test("hostname is the short id, or --hostname; /etc/hostname /etc/hosts /etc/resolv.conf exist", () => {
    const name = `host-${Date.now()}`;
    const out = sb.ok(["run", "--name", name, "busybox", "sh", "-c", "hostname; cat /etc/hostname; grep -c localhost /etc/hosts; test -f /etc/resolv.conf && echo resolv"]);
    const id = sb.ok(["inspect", "-f", "{{.Id}}", name]);
    expect(out.split("\n")).toEqual([id.slice(0, 12), id.slice(0, 12), "2", "resolv"]);
    sb.ok(["rm", name]);
    expect(sb.ok(["run", "--rm", "-h", "web01", "busybox", "hostname"])).toBe("web01");
  });

  test("environment: PATH default, HOSTNAME, image Env, -e and --env-file; never the host's", () => {
    const envFile = `${sb.root}/envfile`;
    require("node:fs").writeFileSync(envFile, "# comment\nFROM_FILE=1\n\nOVERRIDE=file\n");
    const r = sb.run(["run", "--rm", "-h", "envtest", "--env-file", envFile, "-e", "A=b c", "-e", "OVERRIDE=flag", "-e", "PASSED", "busybox", "env"],
      { env: { HOST_SECRET: "leak", PASSED: "from-host" } });
    expect(r.code).toBe(0);
    const env = r.stdout.trim().split("\n");
    expect(env).toContain("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    expect(env).toContain("HOSTNAME=envtest");
    expect(env).toContain("A=b c");
    expect(env).toContain("FROM_FILE=1");
    expect(env).toContain("OVERRIDE=flag");
    expect(env).toContain("PASSED=from-host");
    expect(env).toContain("HOME=/root");
    expect(r.stdout).not.toContain("HOST_SECRET");
  });

  test("-w sets the working directory (created if missing); -u runs as that user", () => {
    expect(sb.ok(["run", "--rm", "-w", "/work/dir", "busybox", "pwd"])).toBe("/work/dir");
    expect(sb.ok(["run", "--rm", "-u", "nobody", "busybox", "id"])).toContain("uid=65534(nobody)");
    expect(sb.ok(["run", "--rm", "-u", "1234:5678", "busybox", "id", "-u"])).toBe("1234");
  });

  test("exit codes: the command's, 127 not found, 126 not executable, 128+N by signal", () => {
    expect(sb.run(["run", "--rm", "busybox", "sh", "-c", "exit 42"]).code).toBe(42);
    const nf = sb.run(["run", "--rm", "busybox", "no-such-command"]);
    expect(nf.code).toBe(127);
    expect(nf.stderr).toContain("executable file not found");
    const ne = sb.run(["run", "--rm", "busybox", "/etc/passwd"]);
    expect(ne.code).toBe(126);
    expect(ne.stderr).toContain("permission denied");
  });

  test("a container killed by SIGKILL exits 137", async () => {
    const proc = sb.spawn(["run", "--name", "killme", "busybox", "sleep", "100"]);
    const pid = await eventually(() => {
      const r = sb.run(["inspect", "-f", "{{.State.Pid}}", "killme"]);
      return r.code === 0 && Number(r.stdout.trim()) > 0 ? Number(r.stdout.trim()) : 0;
    });
    process.kill(pid, "SIGKILL");
    expect(await proc.exited).toBe(137);
    expect(sb.ok(["inspect", "-f", "{{.State.ExitCode}}", "killme"])).toBe("137");
    sb.ok(["rm", "killme"]);
  });

  test("SIGTERM and SIGINT to the CLI reach the container", async () => {
    for (const [sig, code] of [["SIGTERM", 7], ["SIGINT", 8]] as const) {
      const proc = sb.spawn(["run", "--rm", "busybox", "sh", "-c",
        `trap 'echo got; exit ${code}' ${sig.slice(3)}; echo ready; while true; do sleep 0.05; done`]);
      const reader = proc.stdout.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toContain("ready");
      proc.kill(sig);
      expect(await proc.exited).toBe(code);
    }
  });

  test("-i connects stdin; without -i stdin is /dev/null", () => {
    expect(sb.ok(["run", "--rm", "-i", "busybox", "cat"], { stdin: "hello\n" })).toBe("hello");
    expect(sb.ok(["run", "--rm", "busybox", "cat"], { stdin: "hello\n" })).toBe("");
  });

  test("writes in a container never change the image", () => {
    sb.ok(["run", "--rm", "busybox", "sh", "-c", "echo x > /bin/newfile; rm /bin/ls"]);
    expect(sb.ok(["run", "--rm", "busybox", "sh", "-c", "test -e /bin/newfile && echo leaked; test -e /bin/ls && echo intact"])).toBe("intact");
  });

  test("--rm removes the record; without it ps -a shows it exited; rm removes it", () => {
    const before = sb.containerIds().length;
    sb.ok(["run", "--rm", "busybox", "true"]);
    expect(sb.containerIds().length).toBe(before);
    expect(sb.run(["run", "--name", "keep", "busybox", "sh", "-c", "exit 3"]).code).toBe(3);
    const ps = sb.ok(["ps", "-a", "--format", "{{.Names}} {{.Status}}"]);
    expect(ps).toMatch(/keep Exited \(3\) /);
    expect(sb.ok(["rm", "keep"])).toBe("keep");
    expect(sb.containerIds().length).toBe(before);
  });

  test("a foreground run leaves no mount, process or record behind", async () => {
    sb.ok(["run", "--rm", "busybox", "sh", "-c", "echo data > /written"]);
    expect(sb.leftovers()).toEqual([]);
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(sb.root);
    // the record's directory was renamed out of sight at once; the monitor removes it, upper
    // layer and all, before it exits
    const dirs = () => readdirSync(join(sb.root, "containers")).filter((n) => n !== ".names");
    expect(await eventually(() => dirs().length === 0, 3000)).toBe(true);
  });
});
