// Waiting for processes that are not our children (the container's pid 1, its monitor), and for
// a container to stop (`wait`).

import type { Globals } from "../commands/_define";
import { isSameProcess } from "../sys/proc";
import { observe, readExit } from "./status";
import { ContainerStore } from "./store";

/** Polls until the process (pid + start time) is gone; false on timeout. */
export async function waitGone(pid: number, startTime: number, bootId: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
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
    await Bun.sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
}
