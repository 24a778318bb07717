// A real terminal for interactive tests: a tmux server on a socket inside the test's own
// sandbox, one pane running the command under test. Keys go in with send-keys, the screen comes
// back with capture-pane, and resize-window changes the pane's size like a user dragging the
// window. The server is killed through its own socket (never by name) in close().

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class Tmux {
  private serverPid = 0;
  private readonly sock: string;
  private readonly conf: string;

  constructor(private readonly dir: string, private readonly name = "t") {
    this.sock = join(dir, `tmux-${name}.sock`);
    this.conf = join(dir, `tmux-${name}.conf`);
    // the pane stays after its command ends, so its last screen and exit status can be read
    writeFileSync(this.conf, "set -g remain-on-exit on\nset -g history-limit 5000\n");
  }

  private tmux(args: string[]): string {
    const r = Bun.spawnSync(["tmux", "-S", this.sock, "-f", this.conf, ...args], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "xterm" } });
    if (r.exitCode !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  }

  /** Starts `command` (a shell line) in a cols×rows pane. */
  start(command: string, cols = 80, rows = 24): this {
    this.tmux(["new-session", "-d", "-s", this.name, "-x", String(cols), "-y", String(rows), command]);
    this.serverPid = Number(this.tmux(["display-message", "-p", "#{pid}"]).trim());
    return this;
  }

  /** Types text literally (no key names). */
  type(text: string): void {
    this.tmux(["send-keys", "-t", this.name, "-l", text]);
  }

  /** Sends tmux key names: "Enter", "C-c", "C-d", "C-z", "BSpace", "C-p". */
  keys(...names: string[]): void {
    this.tmux(["send-keys", "-t", this.name, ...names]);
  }

  /** Types a line and presses Enter. */
  line(text: string): void {
    this.type(text);
    this.keys("Enter");
  }

  /** The pane's scrollback and screen, trailing blank lines dropped. */
  screen(): string {
    return this.tmux(["capture-pane", "-p", "-J", "-S", "-", "-t", this.name]).replace(/\n+$/, "");
  }

  /** Waits until the screen matches re; returns the screen (throws with it on timeout). */
  async waitFor(re: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (re.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} on screen:\n${s}`);
      await Bun.sleep(25);
    }
  }

  /**
   * Types `text` and waits for re, typing it again every half second: for a question whose answer
   * changes once something asynchronous lands (a resize reaching the container's pty).
   */
  async lineUntil(text: string, re: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.line(text);
      try {
        return await this.waitFor(re, 500);
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
    }
  }

  resize(cols: number, rows: number): void {
    this.tmux(["resize-window", "-t", this.name, "-x", String(cols), "-y", String(rows)]);
  }

  /** The exit status of the pane's command once it ended, else null. */
  exitStatus(): number | null {
    const [dead, status] = this.tmux(["display-message", "-p", "-t", this.name, "#{pane_dead} #{pane_dead_status}"]).trim().split(" ");
    return dead === "1" ? Number(status) : null;
  }

  async waitExit(timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.exitStatus();
      if (s !== null) return s;
      if (Date.now() > deadline) throw new Error(`pane still running after ${timeoutMs} ms:\n${this.screen()}`);
      await Bun.sleep(25);
    }
  }

  /** Ends the server (and the pane's processes with SIGHUP), by its socket or else its pid. */
  close(): void {
    const pid = this.serverPid;
    this.serverPid = 0;
    if (existsSync(this.sock)) {
      try { this.tmux(["kill-server"]); return; } catch { /* gone, or the socket was removed */ }
    }
    if (pid) {
      try { process.kill(pid, "SIGTERM"); } catch { /* already gone */ }
    }
  }
}

/** Reads a file the pane's command wrote (stty -g dumps, exit codes), trimmed. */
export function readTrim(path: string): string {
  return readFileSync(path, "utf8").trim();
}
