// Integration-test harness: every test file gets a Sandbox, its own --root in a temp dir, runs
// the compiled dist/mydocker there, and removes everything it made, even when a test fails.

import { afterAll, beforeAll } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO = resolve(import.meta.dir, "../..");
export const BIN = join(REPO, "dist/mydocker");
export const IS_ROOT = process.getuid?.() === 0;
const FIXTURES = join(tmpdir(), "mydocker-test-fixtures");

export interface Result { code: number; stdout: string; stderr: string }

/** The busybox rootfs tarball built from the host's busybox-static (cached per machine). */
export function busyboxTar(): string {
  const out = join(FIXTURES, "busybox.tar");
  if (!existsSync(out)) {
    mkdirSync(FIXTURES, { recursive: true });
    const tmp = `${out}.${process.pid}`;
    const r = Bun.spawnSync(["bash", join(REPO, "test/fixtures/busybox-rootfs.sh"), tmp]);
    if (r.exitCode !== 0) throw new Error(`busybox fixture failed: ${r.stderr.toString()}`);
    require("node:fs").renameSync(tmp, out);
  }
  return out;
}

/** The shell's status for death by a signal: 128 + its number (Bun names it, e.g. "SIGKILL"). */
function signalStatus(name: string | null | undefined): number {
  const n = name ? (constants.signals as Record<string, number>)[name] : undefined;
  if (n === undefined) throw new Error(`process ended with neither an exit code nor a known signal (${name})`);
  return 128 + n;
}

const IP_FORWARD = "/proc/sys/net/ipv4/ip_forward";

export class Sandbox {
  readonly root: string;
  /** mydocker turns IPv4 forwarding on (as Docker does) and leaves it; the sandbox restores it. */
  private forwardBefore: string | undefined;
  constructor(readonly label: string) {
    try { this.forwardBefore = readFileSync(IP_FORWARD, "utf8").trim(); } catch { /* no procfs */ }
    this.root = mkdtempSync(join(tmpdir(), `mdt-${label}-`));
    // test networks take their subnets from 10.231.0.0/16 only: the default network and
    // `network create` without --subnet pick from this pool (Docker's daemon.json keys)
    writeFileSync(join(this.root, "daemon.json"), JSON.stringify({ "default-address-pools": [{ base: "10.231.128.0/17", size: 24 }] }));
  }

  /** Runs `mydocker --root ROOT args…` and collects its output. */
  run(args: string[], opts: { stdin?: string | Uint8Array; env?: Record<string, string>; timeoutMs?: number } = {}): Result {
    const r = Bun.spawnSync([BIN, "--root", this.root, ...args], {
      stdin: opts.stdin === undefined ? "ignore" : Buffer.from(opts.stdin),
      env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...opts.env },
      timeout: opts.timeoutMs ?? 60_000,
    });
    // a CLI the harness had to kill is a hang, never an exit status a test could expect
    if (r.exitedDueToTimeout)
      throw new Error(`mydocker ${args.join(" ")} timed out after ${opts.timeoutMs ?? 60_000} ms\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return { code: r.exitCode ?? signalStatus(r.signalCode), stdout: r.stdout.toString(), stderr: r.stderr.toString() };
  }

  /** run() that must succeed; returns trimmed stdout. */
  ok(args: string[], opts: Parameters<Sandbox["run"]>[1] = {}): string {
    const r = this.run(args, opts);
    if (r.code !== 0) throw new Error(`mydocker ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout.trim();
  }

  /** Spawns mydocker without waiting (for tests that signal or kill the CLI). */
  spawn(args: string[], opts: { stdin?: "pipe" | "ignore" } = {}) {
    return Bun.spawn([BIN, "--root", this.root, ...args], {
      stdin: opts.stdin ?? "ignore", stdout: "pipe", stderr: "pipe",
      env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
    });
  }

  importBusybox(name = "busybox"): string {
    return this.ok(["import", "-c", 'CMD ["sh"]', busyboxTar(), name]);
  }

  containerIds(): string[] {
    const dir = join(this.root, "containers");
    return existsSync(dir) ? readdirSync(dir).filter((n) => n.length === 64) : [];
  }

  /** Removes every container (force), every network, and the root. Safe to call twice. */
  destroy(): void {
    if (!existsSync(this.root)) return;
    for (const id of this.containerIds()) this.run(["rm", "-f", id]);
    this.run(["network", "prune", "-f"]); // user networks' bridges and rules
    rmSync(this.root, { recursive: true, force: true });
    if (this.forwardBefore !== undefined && IS_ROOT) {
      try { writeFileSync(IP_FORWARD, this.forwardBefore); } catch { /* not ours to insist */ }
    }
  }

  /**
   * What this sandbox left on the host: mounts under its root and processes naming it. The
   * default network's collector (`_network-gc`, started when its last container is removed)
   * exits by itself about a second later, and a deleted container's directory is removed after
   * the command returned (by its monitor, or `mydocker-shim rmtree`): these are waited for, not
   * reported, unless they stay.
   */
  leftovers(): string[] {
    for (let waited = 0; waited < 3000; waited += 50) {
      const found = this.leftoversNow();
      if (found.length === 0 || !found.every((l) => /( _network-gc |mydocker-shim monitor |mydocker-shim rmtree )/.test(l))) return found;
      Bun.sleepSync(50);
    }
    return this.leftoversNow();
  }

  leftoversNow(): string[] {
    const out: string[] = [];
    for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n"))
      if (line.includes(this.root)) out.push(`mount: ${line}`);
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        if (cmd.includes(this.root) && !/\) Z /.test(stat)) out.push(`process ${pid}: ${cmd.replace(/\0/g, " ")}`);
      } catch { /* exited meanwhile */ }
    }
    return out;
  }
}

/** A Sandbox with busybox imported, torn down after the file's tests. */
export function useSandbox(label: string, opts: { image?: boolean } = {}): Sandbox {
  const sb = new Sandbox(label);
  beforeAll(() => {
    if (opts.image !== false) sb.importBusybox();
  });
  afterAll(() => sb.destroy());
  return sb;
}

/** Polls fn until it returns truthy or timeoutMs passes. */
export async function eventually<T>(fn: () => T, timeoutMs = 5000, stepMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) return v;
    await Bun.sleep(stepMs);
  }
}
