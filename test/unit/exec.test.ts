import { describe, expect, test } from "bun:test";
import { DEFAULT_DETACH_KEYS, detachKeysArg, parseDetachKeys } from "../../src/container/detach-keys";
import { execFailure, planExec, type ExecOptions } from "../../src/container/exec";
import type { ContainerConfig } from "../../src/container/record";

describe("detach keys (Docker's --detach-keys grammar)", () => {
  test("ctrl-X, specials and single characters", () => {
    expect(parseDetachKeys(DEFAULT_DETACH_KEYS)).toEqual([16, 17]);
    expect(parseDetachKeys("ctrl-a,x,ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_")).toEqual([1, 120, 0, 27, 28, 29, 30, 31]);
    expect(detachKeysArg(undefined)).toBe("16,17");
    expect(detachKeysArg("ctrl-x,x")).toBe("24,120");
  });
  test("what Docker refuses", () => {
    for (const bad of ["ctrl-", "ctrl-1", "ab", "", "ctrl-p,,ctrl-q", "ctrl-A"]) expect(() => parseDetachKeys(bad)).toThrow(/invalid detach keys/);
  });
});

describe("exec plan", () => {
  const config = {
    Name: "web",
    Runtime: { env: ["PATH=/bin", "A=1", "B=2"], cwd: "/srv", cgroupProcs: ["/sys/fs/cgroup/pids/x/cgroup.procs"] },
  } as unknown as ContainerConfig;
  const opts: ExecOptions = { container: "web", command: ["sh"], detach: false, interactive: false, tty: false, env: [], envFiles: [], privileged: false };
  const root = { uid: 0, gid: 0, additionalGids: [0, 10], home: "/root" };

  test("env: the container's, -e replaces in place, HOME from the user, TERM only under -t", () => {
    expect(planExec(config, opts, root, ["B=3", "C=4"]).env).toEqual(["PATH=/bin", "A=1", "B=3", "C=4", "HOME=/root"]);
    expect(planExec(config, { ...opts, tty: true }, root, []).env).toContain("TERM=xterm");
    expect(planExec(config, { ...opts, tty: true }, root, ["TERM=vt100"]).env.filter((e) => e.startsWith("TERM="))).toEqual(["TERM=vt100"]);
    expect(planExec(config, opts, root, ["HOME=/h"]).env).not.toContain("HOME=/root");
  });

  test("shim arguments: cwd, user, cgroups, tty, detach, env", () => {
    const p = planExec(config, { ...opts, tty: true, interactive: true, workdir: "/tmp" }, { uid: 5, gid: 6, additionalGids: [], home: "/" }, []);
    expect(p.args.slice(0, 6)).toEqual(["--cwd", "/tmp", "--user", "5", "6", "-"]);
    expect(p.args).toContain("/sys/fs/cgroup/pids/x/cgroup.procs");
    expect(p.args).toContain("--tty");
    expect(p.args).toContain("--stdin");
    expect(p.args).not.toContain("--detach");
    expect(planExec(config, opts, root, []).args.slice(0, 6)).toEqual(["--cwd", "/srv", "--user", "0", "0", "0,10"]);
  });

  test("the security block becomes the shim's capability, no_new_privs and seccomp flags", () => {
    const caps = { bounding: "421", effective: "1", permitted: "421", inheritable: "0", ambient: "0" };
    const secured = { ...config, Runtime: { ...config.Runtime, security: { capabilities: caps, noNewPrivileges: true } } } as unknown as ContainerConfig;
    const args = planExec(secured, opts, root, []).args.join(" ");
    expect(args).toContain("--cap-bounding 421 --cap-effective 1 --cap-permitted 421 --cap-inheritable 0 --cap-ambient 0");
    expect(args).toContain("--no-new-privs");
    const privileged = planExec(secured, { ...opts, privileged: true }, root, []).args.join(" ");
    expect(privileged).not.toContain("--cap-");
    expect(privileged).toContain("--no-new-privs");
    expect(planExec(config, opts, root, []).args.join(" ")).not.toMatch(/--cap-|--no-new-privs/);
  });

  test("failures from the shim in Docker's words and codes", () => {
    const f = (line: string, cmd = "foo") => { const e = execFailure(line, cmd, "web"); return [e.exitCode, e.message]; };
    expect(f("lookup 2 foo")).toEqual([127, 'exec: "foo": executable file not found in $PATH']);
    expect(f("exec 2 /x", "/x")).toEqual([127, 'exec: "/x": stat /x: no such file or directory']);
    expect(f("exec 13 /x", "/x")).toEqual([126, 'exec: "/x": permission denied']);
    expect(f("exec 21 /etc", "/etc")).toEqual([126, 'exec: "/etc": is a directory']);
    expect(f("chdir 2 /no where")).toEqual([126, 'exec: chdir to cwd "/no where": no such file or directory']);
    expect(f("setns 1 ")).toEqual([125, "exec in container web: setns: EPERM (operation not permitted)"]);
    expect(f("cgroup 13 /sys/fs/cgroup/x/cgroup.procs")).toEqual([125, "exec in container web: cgroup /sys/fs/cgroup/x/cgroup.procs: EACCES (permission denied)"]);
  });
});
