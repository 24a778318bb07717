// Verbs that take several targets (rm, stop, kill, start, rmi…) act on each in turn, report each
// failure on its own line, and fail as a whole (exit 125) if any target failed, like Docker.

import { MydockerError } from "../errors";
import { err } from "../output";

export async function forEachTarget(targets: string[], fn: (t: string) => Promise<void>): Promise<number> {
  let failed = false;
  for (const t of targets) {
    try {
      await fn(t);
    } catch (e) {
      failed = true;
      const msg = e instanceof MydockerError ? e.message : (e as Error)?.message ?? String(e);
      err(`mydocker: ${msg}\n`);
    }
  }
  return failed ? 125 : 0;
}
