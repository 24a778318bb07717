// Waiting for processes that are not our children (the container's pid 1, its monitor).

import { isSameProcess } from "../sys/proc";

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
