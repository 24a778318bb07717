// Reading /proc: process start times (so a reused pid is never taken for a container), the boot
// id (so a record from before a reboot is never trusted), liveness.

import { readFileSync } from "node:fs";

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot), or null if pid is gone. */
export function processStartTime(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return null;
  }
  // comm (field 2) may hold spaces and parentheses: split after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state); field 22 is rest[19]. A zombie has exited already.
  if (rest[0] === "Z" || rest[0] === "X") return null;
  return Number(rest[19]);
}

let bootIdCache: string | undefined;
export function bootId(): string {
  bootIdCache ??= readFileSync("/proc/sys/kernel/random/boot_id", "latin1").trim();
  return bootIdCache;
}

/** True when pid is alive and is the same process that started at startTime in this boot. */
export function isSameProcess(pid: number, startTime: number, recordedBootId: string): boolean {
  if (!pid || recordedBootId !== bootId()) return false;
  return processStartTime(pid) === startTime;
}

export function clockTicksToMs(ticks: number): number {
  return ticks * 10; // CLK_TCK is 100 on every Linux architecture mydocker targets
}

/** The host's kernel hostname and release, read from /proc (node:os costs ~1 ms to import). */
export function hostHostname(): string {
  return readFileSync("/proc/sys/kernel/hostname", "latin1").trim();
}

export function kernelRelease(): string {
  return readFileSync("/proc/sys/kernel/osrelease", "latin1").trim();
}
