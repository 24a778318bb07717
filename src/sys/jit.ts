// JavaScriptCore's JIT policy over a command's life. The executable starts reluctant to compile
// (build.ts: --compile-jit-policy): most mydocker commands live tens of milliseconds, and on a
// 2-vCPU VM the compiler threads' work and the fresh memory they touch cost more than the
// compiled code saved there (busybox's 287-entry layer unpacked in 14 ms instead of 19, `run --rm
// true` took 92 ms instead of 99). Work that turns out long, thousands of tar entries or log
// lines, asks for the normal JIT back, as Bun advises an app to once it is past its start-up.

/** Entries (headers, lines) after which a loop is long work. */
export const LONG_WORK = 1000;

let restored = false;

/** JavaScriptCore's normal tier-up thresholds, for the rest of this process. */
export function longWork(): void {
  if (restored) return;
  restored = true;
  Bun.unsafe.setJITPolicy(1);
}
