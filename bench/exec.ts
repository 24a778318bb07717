// `exec C true` into a running busybox `sleep`, against `runc exec` and `crun exec` on the same
// rootfs. Target (exec issue): median ≤ 15 ms (runc 25–30, crun 7–8 on these machines).

import { CRUN_NOTE, crunCommand, hyperfine, peerContainers, type Measurement, type SuiteResult } from "./lib";

export function execTrue(): SuiteResult {
  const c = peerContainers("exec", ["sleep", "100000"]);
  const rows: Measurement[] = [];
  try {
    const mine = hyperfine(`${c.md} exec ${c.name} true`, { runs: 50, warmup: 5 });
    rows.push({ name: "mydocker", median: mine });
    if (c.runc) rows.push({ name: "runc", median: hyperfine(`runc exec ${c.runc} true`, { runs: 50, warmup: 5 }) });
    if (c.crun) rows.push({ name: "crun", median: hyperfine(crunCommand(`crun exec ${c.crun} true`), { runs: 50, warmup: 5, shell: true }) });
    return { title: "exec C true (running busybox sleep)", target: "median ≤ 15 ms", rows, met: mine !== null && mine <= 15, notes: c.crun ? [CRUN_NOTE] : [] };
  } finally {
    c.done();
  }
}
