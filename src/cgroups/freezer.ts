// Freezing a cgroup (pause/unpause). The kernel freezes asynchronously: v1's freezer.state reads
// FREEZING until every task has stopped, v2's cgroup.events says "frozen 1" once done. Both are
// written, then polled; a freeze that does not finish is undone, so a failed pause leaves the
// container running rather than half-frozen. A task forking while v1 freezes can leave the
// cgroup FREEZING, so the write is repeated (as runc does).

import { HostError } from "../errors";
import { readFlatKeyed, type CgroupFs } from "./files";

/** How long a freeze may take before it is undone and reported. */
const FREEZE_TIMEOUT_MS = 2000;

function settle(done: () => boolean, retry: () => void): boolean {
  const deadline = Date.now() + FREEZE_TIMEOUT_MS;
  for (let n = 1; ; n++) {
    if (done()) return true;
    if (Date.now() > deadline) return false;
    Bun.sleepSync(1);
    if (n % 10 === 0) retry();
  }
}

/** v1: freezer.state ← FROZEN | THAWED, in the freezer hierarchy's directory `dir`. */
export function freezeV1(fs: CgroupFs, dir: string, frozen: boolean): void {
  const file = `${dir}/freezer.state`;
  const want = frozen ? "FROZEN" : "THAWED";
  fs.write(file, want);
  if (settle(() => fs.read(file).trim() === want, () => fs.write(file, want))) return;
  if (frozen) fs.write(file, "THAWED");
  throw new HostError(`cgroup ${dir} did not become ${want} within ${FREEZE_TIMEOUT_MS / 1000} s`);
}

/** v2: cgroup.freeze ← 1 | 0 in `dir`, done when cgroup.events says so. */
export function freezeV2(fs: CgroupFs, dir: string, frozen: boolean): void {
  const want = frozen ? 1 : 0;
  fs.write(`${dir}/cgroup.freeze`, String(want));
  if (settle(() => readFlatKeyed(fs, `${dir}/cgroup.events`).get("frozen") === want, () => {})) return;
  if (frozen) fs.write(`${dir}/cgroup.freeze`, "0");
  throw new HostError(`cgroup ${dir} did not become ${frozen ? "frozen" : "thawed"} within ${FREEZE_TIMEOUT_MS / 1000} s`);
}
