// Detached containers and their lifecycle without a daemon: the monitor, ps, logs, stop, kill,
// start, restart, wait, rm, inspect, restart policies, --init, and what survives a killed CLI or
// a killed monitor.

import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { eventually, IS_ROOT, Sandbox, useSandbox } from "./harness";

function alive(pid: number): boolean {
  try { return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8")); } catch { return false; }
}

describe.skipIf(!IS_ROOT)("lifecycle", () => {
  const sb = useSandbox("life");
  const inspect = (c: string) => JSON.parse(sb.ok(["inspect", c]))[0];

  test("run -d prints the 64-hex id once the process runs; ps shows it Up", () => {
    const id = sb.ok(["run", "-d", "--name", "top1", "busybox", "top"]);
    expect(id).toMatch(/^[a-f0-9]{64}$/);
    const i = inspect("top1");
    expect(i.State.Status).toBe("running");
    expect(i.State.Running).toBe(true);
    expect(alive(i.State.Pid)).toBe(true);
    const ps = sb.ok(["ps"]).split("\n");
    expect(ps[0]).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    expect(ps[1]).toMatch(new RegExp(`^${id.slice(0, 12)}\\s+busybox\\s+"top"\\s+.* ago\\s+Up .*\\s+top1$`));
    expect(sb.ok(["ps", "-q"])).toBe(id.slice(0, 12));
    expect(sb.ok(["ps", "-q", "--no-trunc"])).toBe(id);
    const json = JSON.parse(sb.ok(["ps", "--format", "json"]));
    expect(json).toMatchObject({ ID: id.slice(0, 12), Names: "top1", State: "running", Image: "busybox" });
    expect(sb.ok(["ps", "--format", "{{.Names}}:{{.State}}"])).toBe("top1:running");
    sb.ok(["rm", "-f", "top1"]);
  });

  test("ps filters, -a, -n, -l", () => {
    sb.ok(["run", "--name", "done1", "busybox", "true"]);
    sb.ok(["run", "-d", "--name", "up1", "-l", "tier=web", "busybox", "sleep", "100"]);
    expect(sb.ok(["ps", "--format", "{{.Names}}"])).toBe("up1");
    expect(sb.ok(["ps", "-a", "--format", "{{.Names}}"]).split("\n").sort()).toEqual(["done1", "up1"]);
    expect(sb.ok(["ps", "-a", "-f", "status=exited", "--format", "{{.Names}}"])).toBe("done1");
    expect(sb.ok(["ps", "-a", "-f", "name=up", "--format", "{{.Names}}"])).toBe("up1");
    expect(sb.ok(["ps", "-a", "-f", "label=tier=web", "--format", "{{.Names}}"])).toBe("up1");
    expect(sb.ok(["ps", "-l", "--format", "{{.Names}}"])).toBe("up1");
    expect(sb.ok(["ps", "-n", "2", "--format", "{{.Names}}"]).split("\n")).toHaveLength(2);
    expect(sb.run(["ps", "-f", "bogus=1"]).code).toBe(125);
    sb.ok(["rm", "-f", "up1", "done1"]);
  });

  test("logs: streams kept apart, --tail, -t, --since, -f ends with the container", async () => {
    sb.ok(["run", "-d", "--name", "chat", "busybox", "sh", "-c", "for i in 1 2 3; do echo out$i; echo err$i >&2; done; sleep 1; echo late"]);
    await eventually(() => sb.ok(["logs", "chat"]).includes("out3"));
    const r = sb.run(["logs", "chat"]);
    expect(r.stdout.startsWith("out1\nout2\nout3\n")).toBe(true);
    expect(r.stderr).toBe("err1\nerr2\nerr3\n");
    expect(sb.ok(["logs", "-t", "chat"]).split("\n")[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z out1$/);
    expect(sb.ok(["logs", "--since", "1h", "chat"])).toContain("out1");
    expect(sb.ok(["logs", "--since", String(Date.now() / 1000 + 3600), "chat"])).toBe("");
    const t0 = Date.now();
    const f = sb.run(["logs", "-f", "chat"]);
    expect(f.stdout).toContain("late");
    expect(Date.now() - t0).toBeLessThan(5000);
    // --tail N counts log entries across both streams (as Docker does): the last 2 entries are
    // the last of out3/err3 (their relative order is the monitor's) and then "late"
    const entries = readFileSync(inspect("chat").LogPath, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    expect(entries).toHaveLength(7);
    const last2 = entries.slice(-2);
    expect(last2[1]).toMatchObject({ log: "late\n", stream: "stdout" });
    expect([{ log: "out3\n", stream: "stdout" }, { log: "err3\n", stream: "stderr" }]).toContainEqual({ log: last2[0].log, stream: last2[0].stream });
    const tail2 = sb.run(["logs", "--tail", "2", "chat"]);
    expect(tail2.stdout).toBe(last2[0].stream === "stdout" ? "out3\nlate\n" : "late\n");
    expect(tail2.stderr).toBe(last2[0].stream === "stderr" ? "err3\n" : "");
    const tail1 = sb.run(["logs", "--tail", "1", "chat"]);
    expect(tail1.stdout).toBe("late\n");
    expect(tail1.stderr).toBe("");
    const line = readFileSync(inspect("chat").LogPath, "utf8").split("\n")[0];
    expect(JSON.parse(line)).toMatchObject({ log: "out1\n", stream: "stdout" });
    expect(JSON.parse(line).time).toMatch(/\.\d{9}Z$/);
    sb.ok(["rm", "chat"]);
  });

  test("log rotation keeps a chatty container's log bounded", async () => {
    sb.ok(["run", "-d", "--name", "chatty", "--log-opt", "max-size=2k", "--log-opt", "max-file=3", "busybox",
      "sh", "-c", "i=0; while [ $i -lt 400 ]; do echo line-$i; i=$((i+1)); done"]);
    expect(sb.ok(["wait", "chatty"])).toBe("0");
    const dir = `${sb.root}/containers/${inspect("chatty").Id}`;
    const logs = readdirSync(dir).filter((f) => f.startsWith("json.log"));
    expect(logs.sort()).toEqual(["json.log", "json.log.1", "json.log.2"]);
    for (const l of logs) expect(statSync(`${dir}/${l}`).size).toBeLessThanOrEqual(2048);
    const out = sb.ok(["logs", "chatty"]).split("\n");
    expect(out[out.length - 1]).toBe("line-399");
    // what is kept is contiguous and in order
    const nums = out.map((l) => Number(l.slice(5)));
    expect(nums.every((n, i) => i === 0 || n === nums[i - 1] + 1)).toBe(true);
    sb.ok(["rm", "chatty"]);
  });

  test("stop escalates to SIGKILL for a PID 1 that ignores SIGTERM, within -t + 1 s", () => {
    sb.ok(["run", "-d", "--name", "stubborn", "busybox", "sleep", "100"]);
    const t0 = Date.now();
    expect(sb.ok(["stop", "-t", "1", "stubborn"])).toBe("stubborn");
    expect(Date.now() - t0).toBeLessThan(2000 + 500);
    const i = inspect("stubborn");
    expect(i.State.Status).toBe("exited");
    expect(i.State.ExitCode).toBe(137);
    expect(alive(i.State.Pid)).toBe(false);
    sb.ok(["rm", "stubborn"]);
  });

  test("stop delivers the StopSignal to a PID 1 that handles it; stop of a stopped container is fine", () => {
    sb.ok(["run", "-d", "--name", "polite", "--stop-signal", "USR1", "busybox", "sh", "-c",
      "trap 'exit 9' USR1; while true; do sleep 0.05; done"]);
    const t0 = Date.now();
    sb.ok(["stop", "polite"]);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(inspect("polite").State.ExitCode).toBe(9);
    expect(sb.ok(["stop", "polite"])).toBe("polite");
    sb.ok(["rm", "polite"]);
  });

  test("kill sends a signal; kill of a stopped container is an error", async () => {
    sb.ok(["run", "-d", "--name", "k", "busybox", "sh", "-c", "trap 'exit 4' HUP; while true; do sleep 0.05; done"]);
    sb.ok(["kill", "-s", "HUP", "k"]);
    expect(sb.ok(["wait", "k"])).toBe("4");
    const r = sb.run(["kill", "k"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain("is not running");
    expect(sb.run(["kill", "-s", "NOPE", "k"]).stderr).toContain("invalid signal");
    sb.ok(["rm", "k"]);
  });

  test("start keeps the filesystem and config; start -a attaches and returns the exit code", () => {
    expect(sb.run(["run", "--name", "keeper", "-e", "X=1", "busybox", "sh", "-c", "echo run$X >> /state; cat /state; exit 3"]).code).toBe(3);
    const r = sb.run(["start", "-a", "keeper"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("run1\nrun1\n");
    expect(sb.ok(["start", "keeper"])).toBe("keeper");
    expect(sb.ok(["wait", "keeper"])).toBe("3");
    expect(sb.ok(["logs", "keeper"]).split("\n")).toHaveLength(6);
    sb.ok(["rm", "keeper"]);
  });

  test("restart gives a new process; rm refuses a running container without -f", () => {
    sb.ok(["run", "-d", "--name", "rs", "busybox", "sleep", "100"]);
    const pid1 = inspect("rs").State.Pid;
    expect(sb.ok(["restart", "-t", "0", "rs"])).toBe("rs");
    const pid2 = inspect("rs").State.Pid;
    expect(pid2).not.toBe(pid1);
    expect(alive(pid2)).toBe(true);
    const r = sb.run(["rm", "rs"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain("stop the container before removing or force remove");
    expect(sb.ok(["rm", "-f", "rs"])).toBe("rs");
    expect(alive(pid2)).toBe(false);
  });

  test("inspect shows Docker's fields", () => {
    expect(sb.run(["run", "--name", "ins", "-h", "hh", "-w", "/tmp", "-e", "A=1", "busybox", "sh", "-c", "exit 2"]).code).toBe(2);
    const i = inspect("ins");
    expect(i.Id).toMatch(/^[a-f0-9]{64}$/);
    expect(i.Name).toBe("/ins");
    expect(i.Path).toBe("sh");
    expect(i.Args).toEqual(["-c", "exit 2"]);
    expect(i.State).toMatchObject({ Status: "exited", Running: false, Paused: false, ExitCode: 2, OOMKilled: false, Pid: 0 });
    expect(Date.parse(i.State.FinishedAt)).toBeGreaterThanOrEqual(Date.parse(i.State.StartedAt));
    expect(i.Config).toMatchObject({ Hostname: "hh", Image: "busybox", WorkingDir: "/tmp", Cmd: ["sh", "-c", "exit 2"] });
    expect(i.Config.Env).toContain("A=1");
    expect(i.HostConfig.RestartPolicy).toEqual({ Name: "no", MaximumRetryCount: 0 });
    expect(existsSync(i.LogPath)).toBe(true);
    expect(sb.ok(["inspect", "-f", "{{.State.ExitCode}} {{.Config.Hostname}}", "ins"])).toBe("2 hh");
    sb.ok(["rm", "ins"]);
  });

  test("names and unique id prefixes select; an ambiguous prefix lists the candidates", () => {
    const ids: string[] = [];
    for (let n = 0; n < 12; n++) ids.push(sb.ok(["create", "busybox", "true"]));
    for (const id of ids) expect(sb.ok(["inspect", "-f", "{{.Id}}", id.slice(0, 12)])).toBe(id);
    // with 12 random ids some share a first hex digit
    const byFirst = new Map<string, number>();
    for (const id of ids) byFirst.set(id[0], (byFirst.get(id[0]) ?? 0) + 1);
    const shared = [...byFirst].find(([, n]) => n > 1)![0];
    const r = sb.run(["inspect", shared]);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain(`multiple containers match "${shared}"`);
    expect(sb.ok(["ps", "-a", "-f", "status=created", "-q"]).split("\n")).toHaveLength(12);
    sb.ok(["rm", ...ids]);
    const missing = sb.run(["inspect", "nosuch"]);
    expect(missing.stderr).toContain("nosuch");
  });

  test("rename, top, and container prune", () => {
    sb.ok(["run", "-d", "--name", "before", "busybox", "sleep", "100"]);
    sb.ok(["rename", "before", "after"]);
    expect(sb.run(["inspect", "before"]).code).toBe(125);
    const top = sb.ok(["top", "after"]);
    expect(top).toMatch(/PID/);
    expect(top).toContain("sleep 100");
    sb.ok(["run", "--name", "stopped1", "busybox", "true"]);
    const stoppedId = inspect("stopped1").Id;
    const runningId = inspect("after").Id;
    const pruned = sb.ok(["container", "prune", "-f"]);
    expect(pruned).toContain("Deleted Containers:");
    expect(pruned.split("\n")).toContain(stoppedId); // the stopped one is listed as deleted
    expect(pruned).not.toContain(runningId.slice(0, 12)); // running one stays
    expect(sb.run(["inspect", "stopped1"]).code).toBe(125);
    expect(inspect("after").State.Running).toBe(true);
    sb.ok(["rm", "-f", "after"]);
  });

  test("--rm works with -d: the record goes when the container exits", async () => {
    const id = sb.ok(["run", "-d", "--rm", "busybox", "sh", "-c", "exit 0"]);
    expect(await eventually(() => !existsSync(`${sb.root}/containers/${id}`), 5000)).toBe(true);
  });

  test("restart policies: on-failure:N retries N times; always restarts until stopped", async () => {
    try {
      sb.ok(["run", "-d", "--name", "flaky", "--restart", "on-failure:2", "busybox", "sh", "-c", "exit 3"]);
      expect(await eventually(() => {
        const i = inspect("flaky");
        return i.State.Status === "exited" && i.RestartCount === 2;
      }, 10_000)).toBe(true);
      expect(inspect("flaky").State.ExitCode).toBe(3);
      expect(sb.ok(["logs", "flaky"])).toBe("");

      sb.ok(["run", "-d", "--name", "phoenix", "--restart", "always", "busybox", "sh", "-c", "echo up; sleep 0.2; exit 1"]);
      // RestartCount grows as a run is set up (_prestart), its "up" reaches the log 10-40 ms later
      const runs = () => sb.ok(["logs", "phoenix"]).split("\n").length;
      expect(await eventually(() => inspect("phoenix").RestartCount >= 2 && runs() >= 3, 10_000)).toBe(true);
      sb.ok(["stop", "-t", "1", "phoenix"]);
      const count = inspect("phoenix").RestartCount;
      await Bun.sleep(1000);
      expect(inspect("phoenix").State.Status).toBe("exited");
      expect(inspect("phoenix").RestartCount).toBe(count);
      sb.ok(["rm", "flaky", "phoenix"]);
    } finally {
      sb.run(["rm", "-f", "flaky", "phoenix"]); // a failure here must not fail the tests after it
    }
  });

  test("pause freezes every process and unpause thaws them; a paused container can be stopped, killed, restarted, removed", async () => {
    try {
      sb.ok(["run", "-d", "--name", "frozen", "busybox", "sh", "-c", "while :; do echo tick; sleep 0.05; done"]);
      const ticks = () => sb.ok(["logs", "frozen"]).split("\n").length;
      expect(await eventually(() => ticks() >= 2)).toBe(true);
      expect(sb.ok(["pause", "frozen"])).toBe("frozen");
      expect(sb.ok(["ps", "-f", "name=frozen", "--format", "{{.Status}}"])).toMatch(/^Up .* \(Paused\)$/);
      expect(inspect("frozen").State).toMatchObject({ Status: "paused", Running: true, Paused: true });
      const n = ticks();
      await Bun.sleep(300);
      expect(ticks()).toBe(n); // 300 ms without a tick: the loop is frozen
      const refused: [string[], string][] = [
        [["exec", "frozen", "true"], "container frozen is paused, unpause the container first"],
        [["pause", "frozen"], "container frozen is already paused"],
        [["start", "frozen"], "cannot start a paused container frozen, try unpause instead"],
      ];
      for (const [args, msg] of refused) {
        const r = sb.run(args);
        expect([r.code, r.stderr.trim()]).toEqual([125, `mydocker: ${msg}`]);
      }
      // a signal that does not end it waits for unpause (sh, as PID 1, has no USR1 handler)
      sb.ok(["kill", "-s", "USR1", "frozen"]);
      expect(inspect("frozen").State.Status).toBe("paused");
      expect(sb.ok(["unpause", "frozen"])).toBe("frozen");
      expect(await eventually(() => ticks() > n)).toBe(true);
      expect(sb.run(["unpause", "frozen"]).stderr.trim()).toBe("mydocker: container frozen is not paused");

      // stop: the stop signal, thawed, killed after -t (sh as PID 1 ignores SIGTERM)
      sb.ok(["pause", "frozen"]);
      sb.ok(["stop", "-t", "1", "frozen"]);
      expect(inspect("frozen").State).toMatchObject({ Status: "exited", ExitCode: 137, Paused: false });
      expect(sb.run(["pause", "frozen"]).stderr.trim()).toBe("mydocker: container frozen is not running");
      // kill: SIGKILL reaches a frozen process only once it is thawed (v1 freezer)
      sb.ok(["start", "frozen"]);
      sb.ok(["pause", "frozen"]);
      sb.ok(["kill", "frozen"]);
      expect(await eventually(() => inspect("frozen").State.Status === "exited")).toBe(true);
      // restart of a paused container: stopped, then running again, not paused
      sb.ok(["start", "frozen"]);
      sb.ok(["pause", "frozen"]);
      sb.ok(["restart", "-t", "0", "frozen"]);
      expect(inspect("frozen").State).toMatchObject({ Status: "running", Paused: false });
      const m = ticks();
      expect(await eventually(() => ticks() > m)).toBe(true);
      // rm -f of a paused container
      sb.ok(["pause", "frozen"]);
      sb.ok(["rm", "-f", "frozen"]);
      expect(sb.leftovers()).toEqual([]);
    } finally {
      sb.run(["rm", "-f", "frozen"]);
    }
  });

  test("create works as the first container command on a root (no containers/ yet)", () => {
    const fresh = new Sandbox("life-fresh");
    try {
      fresh.importBusybox();
      expect(existsSync(`${fresh.root}/containers`)).toBe(false);
      const id = fresh.ok(["create", "--name", "first", "busybox", "true"]);
      expect(fresh.ok(["ps", "-a", "-q", "--no-trunc"])).toBe(id);
    } finally {
      fresh.destroy();
    }
  });

  test("info counts the containers by state and the images, and takes Docker's --format", () => {
    const counts = () => sb.ok(["info", "--format", "{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}}"]).split(" ").map(Number);
    const [all, running, paused, stopped] = counts();
    try {
      sb.ok(["create", "--name", "info-created", "busybox", "true"]);
      sb.ok(["run", "-d", "--name", "info-up", "busybox", "sleep", "100"]);
      sb.ok(["run", "-d", "--name", "info-paused", "busybox", "sleep", "100"]);
      sb.ok(["pause", "info-paused"]);
      expect(counts()).toEqual([all + 3, running + 1, paused + 1, stopped + 1]);
      const info = JSON.parse(sb.ok(["system", "info", "--format", "json"]));
      expect(info.Images).toBe(sb.ok(["images", "-q"]).split("\n").length);
      expect(info).toMatchObject({ Driver: "overlay2", LoggingDriver: "json-file", OSType: "linux", DockerRootDir: sb.root });
      expect(["1", "2"]).toContain(info.CgroupVersion);
      expect(sb.ok(["info"])).toMatch(/^Server:\n Containers: \d+\n  Running: \d+\n  Paused: \d+\n  Stopped: \d+\n Images: \d+$/m);
    } finally {
      sb.run(["rm", "-f", "info-created", "info-up", "info-paused"]);
    }
  });

  test("system prune: stopped containers, unused networks, dangling images; --volumes, -a", () => {
    const bridge = `mdtp-${(process.pid % 100000).toString(36)}`;
    try {
      const done = sb.ok(["run", "-d", "--name", "sp-done", "-v", "/anon", "busybox", "true"]);
      expect(sb.ok(["wait", "sp-done"])).toBe("0");
      sb.ok(["run", "-d", "--name", "sp-up", "busybox", "sleep", "100"]);
      sb.ok(["network", "create", "--subnet", "10.231.20.0/24", "-o", `com.docker.network.bridge.name=${bridge}`, "sp-net"]);
      const dangling = sb.ok(["commit", "sp-done", "sp-img:1"]);
      sb.ok(["commit", "-m", "again", "sp-done", "sp-img:1"]); // the tag moves: the first image dangles
      const volume = inspect("sp-done").Mounts[0].Name;

      const out = sb.ok(["system", "prune", "-f"]);
      expect(out).toContain(`Deleted Containers:\n${done}`);
      expect(out).toContain("Deleted Networks:\nsp-net\n");
      expect(out).toContain(`deleted: ${dangling}`);
      expect(out).toMatch(/\nTotal reclaimed space: \S+$/);
      expect(sb.ok(["ps", "-a", "--format", "{{.Names}}", "-f", "name=sp-"])).toBe("sp-up");
      expect(sb.run(["network", "inspect", "sp-net"]).code).not.toBe(0);
      expect(sb.ok(["volume", "ls", "-q"]).split("\n")).toContain(volume); // volumes only with --volumes
      expect(sb.ok(["images", "--format", "{{.Repository}}", "sp-img"])).toBe("sp-img");

      expect(sb.ok(["system", "prune", "-f", "--volumes"])).toContain(`Deleted Volumes:\n${volume}\n`);
      expect(sb.ok(["system", "prune", "-a", "-f"])).toContain("untagged: sp-img:1");
      expect(sb.ok(["images", "--format", "{{.Repository}}"]).split("\n")).toContain("busybox"); // sp-up uses it
    } finally {
      sb.run(["rm", "-f", "sp-up", "sp-done"]);
      sb.run(["network", "rm", "sp-net"]);
      sb.run(["rmi", "sp-img:1"]);
    }
  });

  test("system df and ps -s: disk used by images, containers and volumes, and what pruning would free", () => {
    const fresh = new Sandbox("life-df");
    try {
      fresh.importBusybox();
      fresh.ok(["run", "--name", "df-big", "--network", "none", "-v", "/vol", "busybox", "sh", "-c",
        "dd if=/dev/zero of=/f bs=1k count=1000 2>/dev/null; dd if=/dev/zero of=/vol/g bs=1k count=500 2>/dev/null"]);
      const df = () => fresh.ok(["system", "df", "--format", "{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}|{{.Reclaimable}}"]).split("\n").map((l) => l.split("|"));
      const [images, containers, volumes, cache] = df();
      expect(images.slice(0, 3)).toEqual(["Images", "1", "1"]);
      expect(images[4]).toBe("0B (0%)"); // a container uses it
      expect(containers).toEqual(["Containers", "1", "0", "1.024MB", "1.024MB (100%)"]); // stopped: reclaimable
      expect(volumes).toEqual(["Local Volumes", "1", "1", "512kB", "0B (0%)"]);
      expect(cache).toEqual(["Build Cache", "0", "0", "0B", "0B"]);
      // ps -s: the container's own bytes, and with its image's
      expect(fresh.ok(["ps", "-a", "-s", "--format", "{{.Size}}"])).toMatch(/^1\.02MB \(virtual \d+(\.\d+)?MB\)$/);
      expect(fresh.ok(["ps", "-a", "-s"]).split("\n")[0]).toMatch(/ +NAMES +SIZE$/);
      fresh.ok(["rm", "df-big"]);
      const after = df();
      expect(after[0][4]).toBe(`${after[0][3]} (100%)`); // no container uses the image now
      expect(after[2]).toEqual(["Local Volumes", "1", "0", "512kB", "512kB (100%)"]);
      expect(fresh.ok(["system", "df"]).split("\n")[0]).toMatch(/^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE$/);
    } finally {
      fresh.destroy();
    }
  });

  test("--init runs a tiny init as PID 1 that forwards signals and reaps zombies", () => {
    expect(sb.ok(["run", "--rm", "--init", "busybox", "sh", "-c", "cat /proc/1/comm"])).toBe("mydocker-init");
    sb.ok(["run", "-d", "--init", "--name", "inited", "busybox", "sh", "-c", "(sleep 0.1 &) ; sleep 100"]);
    const t0 = Date.now();
    sb.ok(["stop", "inited"]); // sh as a child of init dies on SIGTERM: no 10 s wait
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(inspect("inited").State.ExitCode).toBe(143);
    sb.ok(["rm", "inited"]);
  });

  test("the CLI killed with SIGKILL while attached: the container runs on, output and exit code are kept", async () => {
    const cli = sb.spawn(["run", "--name", "orphan", "busybox", "sh", "-c", "echo before; sleep 1; echo after; exit 6"]);
    await eventually(() => sb.run(["logs", "orphan"]).stdout.includes("before"));
    cli.kill("SIGKILL");
    await cli.exited;
    expect(sb.ok(["ps", "--format", "{{.Names}}"])).toContain("orphan");
    expect(sb.ok(["wait", "orphan"])).toBe("6");
    expect(sb.ok(["logs", "orphan"])).toBe("before\nafter");
    expect(inspect("orphan").State.Status).toBe("exited");
    sb.ok(["rm", "orphan"]);
  });

  test("the CLI killed while it still makes the record: the early-started monitor and init leave nothing", async () => {
    // a "registry" that accepts and never answers keeps `run --pull always` inside create, after
    // the container's monitor and init were started (early-start.ts)
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const before = sb.containerIds();
    try {
      const cli = sb.spawn(["run", "--pull", "always", "--name", "never", `127.0.0.1:${silent.port}/x`, "true"]);
      const monitors = () => sb.leftoversNow().filter((l) => l.includes("mydocker-shim monitor "));
      expect(await eventually(() => monitors().length > 0, 5000)).toBe(true);
      cli.kill("SIGKILL");
      await cli.exited;
      const dirs = () => readdirSync(`${sb.root}/containers`).filter((n) => n.length === 64 && !before.includes(n));
      expect(await eventually(() => monitors().length === 0 && dirs().length === 0, 5000)).toBe(true);
      expect(sb.leftovers()).toEqual([]);
    } finally {
      silent.stop(true);
    }
  });

  test("a killed monitor takes its container down, and ps -a shows it exited, never running", async () => {
    sb.ok(["run", "-d", "--name", "monless", "busybox", "sleep", "100"]);
    const id = inspect("monless").Id;
    const state = JSON.parse(readFileSync(`${sb.root}/containers/${id}/state.json`, "utf8"));
    process.kill(state.MonitorPid, "SIGKILL");
    expect(await eventually(() => !alive(state.Pid), 5000)).toBe(true);
    expect(sb.ok(["ps", "-a", "-f", "name=monless", "--format", "{{.Names}} {{.State}}"])).toBe("monless exited");
    expect(inspect("monless").State.Running).toBe(false);
    sb.ok(["rm", "monless"]);
    expect(sb.leftovers()).toEqual([]);
  });

  test("a recorded pid is trusted only with its start time (pid reuse, reboot)", () => {
    const id = sb.ok(["create", "--name", "ghost", "busybox", "true"]);
    const file = `${sb.root}/containers/${id}/state.json`;
    const state = JSON.parse(readFileSync(file, "utf8"));
    const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    // a live pid (this test runner) with the wrong start time, then with another boot's id
    writeFileSync(file, JSON.stringify({ ...state, Status: "running", Pid: process.pid, PidStartTime: 1, BootId: bootId }));
    expect(sb.ok(["ps", "-a", "--format", "{{.State}}", "-f", "name=ghost"])).toBe("exited");
    const real = Number(readFileSync(`/proc/${process.pid}/stat`, "utf8").split(") ")[1].split(" ")[19]);
    writeFileSync(file, JSON.stringify({ ...state, Status: "running", Pid: process.pid, PidStartTime: real, BootId: "other-boot" }));
    expect(sb.ok(["ps", "-a", "--format", "{{.State}}", "-f", "name=ghost"])).toBe("exited");
    sb.ok(["rm", "ghost"]);
  });

  test("twenty run -d and twenty rm -f at once leave exactly the right records", async () => {
    const before = sb.containerIds().length;
    const runs = Array.from({ length: 20 }, (_, n) => sb.spawn(["run", "-d", "--name", `par${n}`, "busybox", "sleep", "100"]));
    const same = Array.from({ length: 5 }, () => sb.spawn(["run", "-d", "--name", "contested", "busybox", "sleep", "100"]));
    const codes = await Promise.all(runs.map((p) => p.exited));
    expect(codes.every((c) => c === 0)).toBe(true);
    const contested = await Promise.all(same.map((p) => p.exited));
    expect(contested.filter((c) => c === 0)).toHaveLength(1);
    expect(sb.containerIds().length).toBe(before + 21);
    for (const id of sb.containerIds()) JSON.parse(readFileSync(`${sb.root}/containers/${id}/config.json`, "utf8"));
    const names = sb.ok(["ps", "--format", "{{.Names}}"]).split("\n");
    expect(new Set(names).size).toBe(names.length);
    const rms = Array.from({ length: 20 }, (_, n) => sb.spawn(["rm", "-f", `par${n}`]));
    expect((await Promise.all(rms.map((p) => p.exited))).every((c) => c === 0)).toBe(true);
    sb.ok(["rm", "-f", "contested"]);
    expect(sb.containerIds().length).toBe(before);
    expect(await eventually(() => sb.leftovers().length === 0, 3000)).toBe(true);
  });

  test("five run -d at once on a name a killed create left claimed: exactly one takes it over", async () => {
    mkdirSync(`${sb.root}/containers/.names`, { recursive: true });
    writeFileSync(`${sb.root}/containers/.names/heir`, "8".repeat(64)); // no such container
    const runs = Array.from({ length: 5 }, () => sb.spawn(["run", "-d", "--name", "heir", "busybox", "sleep", "100"]));
    const codes = await Promise.all(runs.map((p) => p.exited));
    expect(codes.filter((c) => c === 0)).toHaveLength(1);
    expect(codes.filter((c) => c === 125)).toHaveLength(4);
    const owner = readFileSync(`${sb.root}/containers/.names/heir`, "utf8");
    expect(sb.ok(["inspect", "--format", "{{.Id}}", "heir"])).toBe(owner);
    sb.ok(["rm", "-f", "heir"]);
    expect(await eventually(() => sb.leftovers().length === 0, 3000)).toBe(true);
  });

  test("what a killed plain create left (a directory without a record, its name) is swept", () => {
    const containers = `${sb.root}/containers`;
    const abandoned = "7".repeat(64), taken = "5".repeat(64), young = "6".repeat(64);
    for (const id of [abandoned, taken, young]) mkdirSync(`${containers}/${id}`, { recursive: true });
    mkdirSync(`${containers}/.names`, { recursive: true });
    writeFileSync(`${containers}/.names/orphan`, abandoned);
    writeFileSync(`${containers}/.names/reclaimed`, taken);
    const longAgo = new Date(Date.now() - 60_000);
    for (const p of [`${containers}/${abandoned}`, `${containers}/${taken}`, `${containers}/.names/reclaimed`]) utimesSync(p, longAgo, longAgo);
    try {
      // taking over the stale name removes the directory its create left
      const id = sb.ok(["create", "--name", "reclaimed", "busybox", "true"]);
      expect(readFileSync(`${containers}/.names/reclaimed`, "utf8")).toBe(id);
      expect(existsSync(`${containers}/${taken}`)).toBe(false);
      sb.ok(["rm", "reclaimed"]);
      // prune sweeps the others; a young one may be a create under way, and stays
      sb.ok(["container", "prune", "-f"]);
      expect(existsSync(`${containers}/${abandoned}`)).toBe(false);
      expect(existsSync(`${containers}/.names/orphan`)).toBe(false);
      expect(existsSync(`${containers}/${young}`)).toBe(true);
    } finally {
      for (const id of [abandoned, taken, young]) rmSync(`${containers}/${id}`, { recursive: true, force: true });
      rmSync(`${containers}/.names/orphan`, { force: true });
    }
  });
});
