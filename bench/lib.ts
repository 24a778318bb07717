// Side-by-side benchmarks: each suite times mydocker and the peers installed on this machine
// (runc, crun, podman, docker) with hyperfine in the same run, and returns rows for RESULTS.md.
// Targets live here, not in tests: these machines are noisy.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO = resolve(import.meta.dir, "..");
export const BIN = join(REPO, "dist/mydocker");

export interface Measurement { name: string; median: number | null; note?: string }
export interface SuiteResult {
  title: string;
  target: string;
  rows: Measurement[];
  /** Unit of the figures (default "ms"). */
  unit?: string;
  /** Whether the target is met, when it can be judged. */
  met?: boolean;
  notes?: string[];
}

export function have(cmd: string): boolean {
  return Bun.spawnSync(["sh", "-c", `command -v ${cmd}`]).exitCode === 0;
}

export function sh(cmd: string): string {
  const r = Bun.spawnSync(["bash", "-c", cmd]);
  if (r.exitCode !== 0) throw new Error(`${cmd}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** Median wall time (ms) of a command under hyperfine; prepare runs before each timing. */
export function hyperfine(command: string, opts: { runs?: number; warmup?: number; prepare?: string; shell?: boolean } = {}): number | null {
  const dir = mkdtempSync(join(tmpdir(), "bench-"));
  const out = join(dir, "h.json");
  const args = ["hyperfine", "--export-json", out, "-r", String(opts.runs ?? 20), "-w", String(opts.warmup ?? 3), "--style", "none"];
  if (!opts.shell && !opts.prepare) args.push("-N");
  if (opts.prepare) args.push("--prepare", opts.prepare);
  args.push(command);
  try {
    const r = Bun.spawnSync(args, { stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) {
      process.stderr.write(`bench: ${command} failed:\n${r.stderr.toString()}\n`);
      return null;
    }
    return JSON.parse(readFileSync(out, "utf8")).results[0].median * 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Contender { name: string; argv: string[]; prepare?: () => void }

/**
 * Times contenders round by round, in a fresh random order each round, for when two tools are
 * compared on a machine whose speed drifts: hyperfine runs all of one command, then all of the
 * next, and a drift between the two blocks showed up as a ±10% swing in the ratio from one bench
 * run to the next. Returns each contender's median (ms) and, per pair, in how many rounds the
 * first was the faster.
 */
export function interleaved(contenders: Contender[], rounds: number, warmup = 3): { medians: Map<string, number | null>; wins: (a: string, b: string) => number } {
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const perRound: Map<string, number>[] = [];
  for (let i = 0; i < warmup + rounds; i++) {
    const round = new Map<string, number>();
    for (const c of [...contenders].sort(() => Math.random() - 0.5)) {
      c.prepare?.();
      const start = performance.now();
      const r = Bun.spawnSync(c.argv, { stdout: "ignore", stderr: "pipe" });
      const ms = performance.now() - start;
      if (r.exitCode !== 0) {
        process.stderr.write(`bench: ${c.argv.join(" ")} failed:\n${r.stderr.toString()}\n`);
        return { medians: new Map(contenders.map((x) => [x.name, null])), wins: () => 0 };
      }
      if (i >= warmup) { times.get(c.name)!.push(ms); round.set(c.name, ms); }
    }
    if (i >= warmup) perRound.push(round);
  }
  const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
  return {
    medians: new Map([...times].map(([k, v]) => [k, median(v)])),
    wins: (a, b) => perRound.filter((r) => r.get(a)! < r.get(b)!).length,
  };
}

/** A scratch --root with the busybox image imported. */
export function benchRoot(label: string): { root: string; md: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), `bench-${label}-`));
  const tar = join(root, "busybox.tar");
  sh(`${REPO}/test/fixtures/busybox-rootfs.sh ${tar}`);
  sh(`${BIN} --root ${root} import -c 'CMD ["sh"]' ${tar} busybox`);
  return {
    root,
    md: `${BIN} --root ${root}`,
    cleanup: () => {
      const ids = Bun.spawnSync([BIN, "--root", root, "ps", "-aq"]).stdout.toString().split("\n").filter(Boolean);
      for (const id of ids) Bun.spawnSync([BIN, "--root", root, "rm", "-f", id]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** An OCI bundle on the busybox rootfs for runc/crun, running args. */
export function ociBundle(args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "bench-oci-"));
  mkdirSync(join(dir, "rootfs"));
  sh(`${REPO}/test/fixtures/busybox-rootfs.sh ${dir}/rootfs.tar && tar -xf ${dir}/rootfs.tar -C ${dir}/rootfs && rm ${dir}/rootfs.tar`);
  sh(`cd ${dir} && runc spec`);
  const spec = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  spec.process.terminal = false;
  spec.process.args = args;
  spec.root.readonly = false;
  writeFileSync(join(dir, "config.json"), JSON.stringify(spec, null, 2));
  return dir;
}

/** crun refuses this host's hybrid cgroups unless cgroup2 is hidden in a private mount ns. */
export function crunCommand(inner: string): string {
  return existsSync("/sys/fs/cgroup/unified")
    ? `unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec ${inner}'`
    : inner;
}

export function fmt(ms: number | null): string {
  return ms === null ? "–" : ms.toFixed(1);
}

export function ratio(a: number | null, b: number | null): string {
  return a === null || b === null ? "–" : `${(a / b).toFixed(2)}×`;
}

/**
 * A running container of each tool on the busybox rootfs, all running args: mydocker's named
 * `name` in its own bench root, runc's and crun's (when installed) from one OCI bundle. done()
 * removes them all.
 */
export function peerContainers(label: string, args: string[]): { md: string; name: string; runc?: string; crun?: string; done: () => void } {
  const { md, cleanup } = benchRoot(label);
  const name = `bench-${label}`;
  const runcId = have("runc") ? `bench-${label}-runc-${process.pid}` : undefined;
  const crunId = have("crun") ? `bench-${label}-crun-${process.pid}` : undefined;
  let bundle: string | undefined;
  const done = () => {
    if (runcId) Bun.spawnSync(["sh", "-c", `runc resume ${runcId}; runc delete -f ${runcId}`], { stderr: "ignore" });
    if (crunId) Bun.spawnSync(["sh", "-c", crunCommand(`crun resume ${crunId}; crun delete -f ${crunId}`)], { stderr: "ignore" });
    cleanup();
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  };
  try {
    sh(`${md} run -d --name ${name} --network none busybox ${args.join(" ")}`);
    if (runcId || crunId) bundle = ociBundle(args);
    if (runcId) sh(`runc run -d -b ${bundle} ${runcId} </dev/null >/dev/null 2>&1`);
    if (crunId) sh(`${crunCommand(`crun run -d -b ${bundle} ${crunId}`)} </dev/null >/dev/null 2>&1`);
  } catch (e) {
    done();
    throw e;
  }
  return { md, name, runc: runcId, crun: crunId, done };
}

export const CRUN_NOTE = "crun runs inside `unshare -m` (this host's hybrid cgroups, see PLATFORM.md); that wrapper is part of its figure.";
