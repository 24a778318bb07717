// Starting the C shim (cshim/), embedded in this executable. It runs from a sealed memfd, never
// from a path on disk: a container process that reaches the shim through /proc/PID/exe can
// neither write it nor replace it (the runc CVE-2019-5736 class).

import { readFileSync, writeSync, closeSync } from "node:fs";
// Bun embeds the file in the compiled binary and gives its $bunfs path here.
import shimPath from "../../build/mydocker-shim" with { type: "file" };
import { addSeals, F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_WRITE, memfdCreate } from "../sys/process";

let sealed: number | undefined;

/** An fd of a sealed, executable memfd holding the shim (one per CLI process). */
export function shimFd(): number {
  if (sealed !== undefined) return sealed;
  const bytes = readFileSync(shimPath);
  const fd = memfdCreate("mydocker-shim", true);
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
  addSeals(fd, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  sealed = fd;
  return fd;
}

export type Stdio = "inherit" | "ignore" | number;

/**
 * Spawns `mydocker-shim <mode> args…` with stdio and extra fds placed at 3, 4, …; the shim's
 * image is the memfd, passed as the last fd and executed through /proc/self/fd/N.
 */
export function spawnShim(mode: "monitor" | "exec" | "rmtree", args: string[], stdio: [Stdio, Stdio, Stdio], extraFds: number[]) {
  const memfd = shimFd();
  const execSlot = 3 + extraFds.length;
  const proc = Bun.spawn([`/proc/self/fd/${execSlot}`, mode, ...args], {
    stdio: [...stdio, ...extraFds, memfd] as any,
    env: {},
    argv0: "mydocker-shim",
    // the monitor (and a tree removal) outlive this CLI: their own session, never waited for
    detached: mode !== "exec",
  });
  if (mode !== "exec") proc.unref();
  return proc;
}

export function closeQuietly(fd: number): void {
  try { closeSync(fd); } catch { /* already closed */ }
}
