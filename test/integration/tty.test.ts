// -i and -t: stdin pipes, a real terminal (tmux) for interactive shells, job control, Ctrl-C,
// Ctrl-D, window sizes, raw mode restored on every way out, detach keys and `attach`.

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, eventually, IS_ROOT, useSandbox } from "./harness";
import { readTrim, Tmux } from "./terminal";

describe.skipIf(!IS_ROOT)("run -i / -t and attach", () => {
  const sb = useSandbox("tty");
  const md = () => `${BIN} --root ${sb.root}`;
  const sessions: Tmux[] = [];
  afterAll(() => { for (const t of sessions) t.close(); });

  /** A tmux pane running `cmd` (shell words), recording the terminal settings before and
   *  after it, its pid and its exit code. */
  function terminal(label: string, cmd: string, cols = 80, rows = 24) {
    const f = (n: string) => join(sb.root, `${label}.${n}`);
    const t = new Tmux(sb.root, label);
    sessions.push(t);
    t.start(`stty -g > ${f("before")}; sh -c 'echo $$ > ${f("pid")}; exec "$@"' sh ${cmd}; echo $? > ${f("code")}; stty -g > ${f("after")}`, cols, rows);
    const done = async () => {
      await t.waitExit(10_000);
      return { code: Number(readTrim(f("code"))), restored: readTrim(f("after")) === readTrim(f("before")) };
    };
    const pid = async () => Number(await eventually(() => existsSync(f("pid")) && readTrim(f("pid"))));
    return { t, done, pid };
  }

  const running = (name: string) => sb.run(["inspect", "-f", "{{.State.Running}}", name]).stdout.trim() === "true";

  test("-i connects a pipe; without -i stdin is /dev/null; -d -i keeps stdin open", async () => {
    expect(sb.ok(["run", "--rm", "-i", "busybox", "sh", "-c", "cat; echo end"], { stdin: "one\ntwo\n" })).toBe("one\ntwo\nend");
    expect(sb.ok(["run", "--rm", "busybox", "sh", "-c", "cat; echo end"], { stdin: "one\n" })).toBe("end");
    // Docker keeps a detached -i container's stdin open: `cat` waits instead of exiting at once
    sb.ok(["run", "-d", "-i", "--name", "di", "busybox", "cat"]);
    await Bun.sleep(300);
    expect(running("di")).toBe(true);
    sb.ok(["rm", "-f", "di"]);
  });

  test("-t without a terminal still gets a pty: /dev/pts/0, TERM=xterm, CRLF output, exit code", () => {
    const r = sb.run(["run", "--rm", "-t", "busybox", "sh", "-c", "tty; echo $TERM; test -t 0 && echo stdin-tty; exit 3"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("/dev/pts/0\r\nxterm\r\nstdin-tty\r\n");
  });

  test("-it with stdin that is not a terminal: Docker's error, exit 1, nothing created", () => {
    const before = sb.containerIds().length;
    const r = sb.run(["run", "-it", "--rm", "busybox", "true"], { stdin: "" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("mydocker: the input device is not a TTY");
    expect(sb.containerIds().length).toBe(before);
  });

  test("interactive shell: its own pty, line editing, job control, Ctrl-C, exit code, terminal restored", async () => {
    const { t, done } = terminal("shell", `${md()} run -it --rm --name shell busybox sh`);
    await t.waitFor(/\/ # $/m);
    t.line("tty; echo T=$TERM; readlink /proc/$$/fd/0");
    await t.waitFor(/T=xterm\n\/dev\/pts\/0/);
    expect(t.screen()).not.toContain("job control turned off");
    // line editing happens in the container's pty: backspace removes the X
    t.type("echo abcX");
    t.keys("BSpace");
    t.line("d");
    await t.waitFor(/^abcd$/m);
    // job control: a stopped job, a background job, fg
    t.line("sleep 300");
    // Ctrl-Z at the prompt would stop nothing: wait until sleep runs
    expect(await eventually(() => sb.run(["top", "shell"]).stdout.includes("sleep 300"))).toBe(true);
    t.keys("C-z");
    await t.waitFor(/Stopped/);
    t.line("sleep 301 &");
    t.line("jobs");
    await t.waitFor(/sleep 301/);
    t.line("kill -9 %1 %2; echo killed-jobs");
    await t.waitFor(/^killed-jobs$/m);
    // Ctrl-C interrupts the container's foreground process, not mydocker
    t.line("sleep 302");
    await Bun.sleep(200);
    t.keys("C-c");
    t.line("echo still-here");
    await t.waitFor(/^still-here$/m);
    t.line("exit 7");
    const r = await done();
    expect(r.code).toBe(7);
    expect(r.restored).toBe(true);
  });

  test("the window size follows the user's terminal", async () => {
    const { t, done } = terminal("size", `${md()} run -it --rm busybox sh`, 100, 30);
    await t.waitFor(/\/ # $/m);
    t.line("stty size");
    await t.waitFor(/^30 100$/m);
    t.resize(72, 20);
    await t.lineUntil("stty size", /^20 72$/m);
    t.keys("C-d"); // Ctrl-D ends the shell
    expect((await done()).code).toBe(0);
  });

  test("the terminal is restored after a failed start and after a signal to the CLI", async () => {
    const a = terminal("fail", `${md()} run -it --rm busybox no-such-command`);
    const ra = await a.done();
    expect(ra.code).toBe(127);
    expect(ra.restored).toBe(true);
    expect(a.t.screen()).toContain("executable file not found");

    const b = terminal("sig", `${md()} run -it --rm --name sig busybox sh -c 'trap "exit 9" TERM; echo ready; while :; do sleep 0.05; done'`);
    await b.t.waitFor(/ready/);
    process.kill(await b.pid(), "SIGTERM"); // proxied to the container, which exits 9
    const rb = await b.done();
    expect(rb.code).toBe(9);
    expect(rb.restored).toBe(true);
  });

  test("a tty session is in the container's log", async () => {
    const { t, done } = terminal("log", `${md()} run -it --name logged busybox sh`);
    await t.waitFor(/\/ # $/m);
    t.line("echo logged-$((40+2))");
    await t.waitFor(/^logged-42$/m);
    t.line("exit");
    await done();
    const logs = sb.run(["logs", "logged"]);
    expect(logs.stdout).toContain("echo logged-$((40+2))"); // what the user typed, as echoed by the pty
    expect(logs.stdout).toContain("logged-42\r\n");
    expect(logs.stderr).toBe(""); // a pty is one stream: Docker logs it as stdout
    const id = sb.ok(["inspect", "-f", "{{.Id}}", "logged"]);
    const lines = readFileSync(join(sb.root, "containers", id, "json.log"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(new Set(lines.map((l) => l.stream))).toEqual(new Set(["stdout"]));
    sb.ok(["rm", "logged"]);
  });

  test("Ctrl-P Ctrl-Q detaches from run -it; attach reconnects; its exit code comes back", async () => {
    const a = terminal("detach", `${md()} run -it --name det busybox sh`);
    await a.t.waitFor(/\/ # $/m);
    a.t.keys("C-p", "C-q");
    const ra = await a.done();
    expect(ra.code).toBe(0);
    expect(ra.restored).toBe(true);
    expect(running("det")).toBe(true);

    const b = terminal("attach", `${md()} attach det`, 90, 25);
    await Bun.sleep(300);
    b.t.line("echo back-$((1+1)); stty size");
    await b.t.waitFor(/^back-2\n25 90$/m);
    b.t.line("exit 4");
    const rb = await b.done();
    expect(rb.code).toBe(4);
    expect(rb.restored).toBe(true);
    expect(await eventually(() => !running("det"))).toBe(true);
    expect(sb.ok(["inspect", "-f", "{{.State.ExitCode}}", "det"])).toBe("4");
    sb.ok(["rm", "det"]);
  });

  test("-d -it then attach; --detach-keys; a half-typed key sequence reaches the container", async () => {
    sb.ok(["run", "-dit", "--name", "bg", "busybox", "sh"]);
    const a = terminal("keys", `${md()} attach --detach-keys ctrl-x,x bg`);
    await Bun.sleep(300);
    // Ctrl-X followed by something else is passed through: the shell still gets the line
    a.t.keys("C-x");
    a.t.line("echo passed-through");
    await a.t.waitFor(/^passed-through$/m);
    // the lone Ctrl-X byte itself reaches the container: `cat -v` shows it as ^X (the pty's echo
    // prints the typed line, then cat the line it read)
    a.t.line("echo cat-ready; cat -v");
    await a.t.waitFor(/^cat-ready$/m);
    a.t.keys("C-x");
    a.t.line("marker");
    await a.t.waitFor(/^\^Xmarker\n\^Xmarker$/m);
    a.t.keys("C-d"); // cat ends, the shell stays
    a.t.line("echo after-cat");
    await a.t.waitFor(/^after-cat$/m);
    a.t.keys("C-x");
    a.t.type("x");
    const ra = await a.done();
    expect(ra.code).toBe(0);
    expect(running("bg")).toBe(true);
    sb.ok(["rm", "-f", "bg"]);
    expect(sb.run(["run", "--detach-keys", "ctrl-", "busybox", "true"]).code).toBe(125);
  });

  test("attach to a stopped or missing container fails naming it", () => {
    sb.ok(["run", "--name", "stopped", "busybox", "true"]);
    const r = sb.run(["attach", "stopped"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain("stopped");
    expect(sb.run(["attach", "ghost"]).stderr).toContain("No such container: ghost");
    sb.ok(["rm", "stopped"]);
  });

  test("nothing is left behind", async () => {
    for (const t of sessions) t.close();
    await eventually(() => sb.leftovers().length === 0);
    expect(sb.leftovers()).toEqual([]);
    expect(existsSync(sb.root)).toBe(true);
  });
});
