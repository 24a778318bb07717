// Waiting for processes that are not our children (the container's pid 1, its monitor), and for
// a container to stop (`wait`).

import type { Globals } from "../commands/_define";
import { isSameProcess } from "../sys/proc";
import { closeFd, pidfdOpen, waitReadable } from "../sys/process";
import { observe, readExit } from "./status";
import { ContainerStore } from "./store";

/**
 * Waits until the process (pid + start time) is gone; false on timeout. Through a pidfd, which
 * wakes us the moment it exits (polling found a SIGKILLed container up to a polling step late);
 * by polling where the kernel has none.
 */
export async function waitGone(pid: number, startTime: number, bootId: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const fd = pidfdOpen(pid);
  if (fd >= 0) {
    try {
      // opened first, checked second: the fd is for our process, not a later one with its pid
      if (!isSameProcess(pid, startTime, bootId)) return true;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        // in slices, so signal handlers and timers still run while we wait
        if (waitReadable(fd, Math.min(left, 50))) return true;
        await Bun.sleep(0);
      }
    } finally {
      closeFd(fd);
    }
  }
  let delay = 1;
  while (isSameProcess(pid, startTime, bootId)) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(delay);
    delay = Math.min(delay * 2, 20);
  }
  return true;
}

/** Waits for a container to stop and returns its exit code (also for a --rm one that vanishes). */
export async function waitForExit(globals: Globals, ref: string): Promise<number> {
  const store = new ContainerStore(globals.root);
  const id = store.resolve(ref);
  let delay = 2;
  let last = 0;
  for (;;) {
    // exit.json appears before cleanup can delete a --rm record: read it first
    const exit = readExit(store, id);
    if (exit && !exit.restarting) return exit.exitCode;
    const state = observe(store, id);
    if (!state) return last;
    if (state.Status === "exited" || state.Status === "dead") return state.ExitCode;
    last = state.ExitCode;
    if (state.Status === "running" && (await waitGone(state.Pid, state.PidStartTime, state.BootId, 1000))) {
      delay = 1; // its exit record follows within a few ms (the monitor drains the output first)
      await Bun.sleep(delay);
      continue;
    }
    await Bun.sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
}
