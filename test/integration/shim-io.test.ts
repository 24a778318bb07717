// The shim's relays under pressure: a paste larger than the pty's buffers through `exec -it`,
// an `attach` client that never reads its output, and a `run` whose reader is slow.

import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, constants, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, eventually, IS_ROOT, useSandbox } from "./harness";
import { readTrim, Tmux } from "./terminal";

describe.skipIf(!IS_ROOT)("shim i/o", () => {
  const sb = useSandbox("shimio");
  const sessions: Tmux[] = [];
  afterAll(() => { for (const t of sessions) t.close(); });

  test("a 64 kB paste into exec -it comes back whole while the command echoes it", async () => {
    sb.ok(["run", "-d", "--name", "box", "busybox", "sleep", "1000"]);
    try {
      // 1024 lines of 64 bytes: each shorter than the pty's line limit, all far more than its buffers
      const lines = Array.from({ length: 1024 }, (_, i) => `${String(i).padStart(5, "0")} ${"abcdefghij".repeat(5)}${"x".repeat(7)}`);
      const text = lines.join("\n") + "\n";
      expect(text.length).toBe(65536);
      const paste = join(sb.root, "paste.txt");
      writeFileSync(paste, text);
      const t = new Tmux(sb.root, "paste");
      sessions.push(t);
      const code = join(sb.root, "paste.code");
      // tee writes every line back to the terminal (as cat does) and into a file to compare
      t.start(`${BIN} --root ${sb.root} exec -it box sh -c 'echo ready; exec tee /tmp/got'; echo $? > ${code}`, 100, 30);
      await t.waitFor(/^ready$/m);
      const tmux = (...args: string[]) => {
        const r = Bun.spawnSync(["tmux", "-S", join(sb.root, "tmux-paste.sock"), ...args]);
        if (r.exitCode !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr}`);
      };
      tmux("load-buffer", "-b", "big", paste);
      tmux("paste-buffer", "-b", "big", "-t", "paste"); // newlines arrive as CR, the pty makes them LF
      const size = () => Number(sb.run(["exec", "box", "sh", "-c", "wc -c < /tmp/got"]).stdout.trim());
      expect(await eventually(() => size() === text.length, 15_000, 100)).toBe(true);
      t.keys("C-d");
      await t.waitExit(10_000);
      expect(readTrim(code)).toBe("0");
      const want = new Bun.CryptoHasher("sha256").update(text).digest("hex");
      expect(sb.ok(["exec", "box", "sha256sum", "/tmp/got"]).split(" ")[0]).toBe(want);
      expect(t.screen()).toContain("01023 abcdefghij");
    } finally {
      sb.run(["rm", "-f", "box"]);
    }
  }, 40_000);

  test("an attach client that never reads is let go; the log keeps growing", async () => {
    // about 150 kB a second of output
    sb.ok(["run", "-d", "--name", "chatty", "busybox", "sh", "-c",
      `while :; do i=0; while [ $i -lt 10 ]; do echo "$i ${"y".repeat(90)}"; i=$((i+1)); done; sleep 0.005; done`]);
    const fifo = join(sb.root, "stalled");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    // the read end is held open and never read: the client's stdout fills and stays full
    const rfd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const wfd = openSync(fifo, constants.O_WRONLY);
    let attach: ReturnType<typeof Bun.spawn> | undefined;
    try {
      attach = Bun.spawn([BIN, "--root", sb.root, "attach", "--no-stdin", "--sig-proxy=false", "chatty"], {
        stdin: "ignore", stdout: wfd, stderr: "pipe", env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
      });
      const logged = () => sb.run(["logs", "chatty"]).stdout.length;
      await Bun.sleep(1500); // by now its pipe is full
      const before = logged();
      await Bun.sleep(1000);
      expect(logged()).toBeGreaterThan(before + 10_000);
      expect(sb.run(["inspect", "-f", "{{.State.Running}}", "chatty"]).stdout.trim()).toBe("true");
      // the monitor let the client go once its pipe and queue were full, and told it why
      const code = await Promise.race([attach.exited, Bun.sleep(5000).then(() => "still attached")]);
      expect(code).not.toBe("still attached");
      expect(code).not.toBe(0);
      expect(await new Response(attach.stderr as ReadableStream).text()).toContain("output not read");
      // another client attached meanwhile gets the output
      const second = sb.spawn(["attach", "--no-stdin", "--sig-proxy=false", "chatty"]);
      const reader = (second.stdout as ReadableStream<Uint8Array>).getReader();
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toMatch(/y{90}/);
      second.kill();
      await second.exited;
    } finally {
      if (attach && attach.exitCode === null) { attach.kill(); await attach.exited; }
      closeSync(wfd);
      closeSync(rfd);
      sb.run(["rm", "-f", "chatty"]);
    }
  }, 40_000);

  test("run's own output is never dropped for a slow reader: the container waits for it", () => {
    const r = Bun.spawnSync(["sh", "-c", `${BIN} --root ${sb.root} run --rm busybox seq 1 200000 | (sleep 1; wc -l)`], {
      env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" }, timeout: 30_000,
    });
    expect(r.stdout.toString().trim()).toBe("200000");
  }, 40_000);

  test("nothing is left behind", async () => {
    for (const t of sessions) t.close();
    await eventually(() => sb.leftovers().length === 0);
    expect(sb.leftovers()).toEqual([]);
  });
});
