// `exec C true` into a running busybox `sleep`, against `runc exec` and `crun exec` on the same
// rootfs. Target (exec issue): median ≤ 15 ms (runc 25–30, crun 7–8 on these machines).

import { rmSync } from "node:fs";
import { benchRoot, crunCommand, have, hyperfine, ociBundle, sh, type Measurement, type SuiteResult } from "./lib";

export function execTrue(): SuiteResult {
  const { md, cleanup } = benchRoot("exec");
  const rows: Measurement[] = [];
  const notes: string[] = [];
  let bundle: string | undefined;
  const runcId = `bench-exec-runc-${process.pid}`, crunId = `bench-exec-crun-${process.pid}`;
  try {
    sh(`${md} run -d --name bench-exec --network none busybox sleep 100000`);
    const mine = hyperfine(`${md} exec bench-exec true`, { runs: 50, warmup: 5 });
    rows.push({ name: "mydocker", median: mine });
    if (have("runc") || have("crun")) bundle = ociBundle(["sleep", "100000"]);
    if (have("runc")) {
      sh(`runc run -d -b ${bundle} ${runcId} </dev/null >/dev/null 2>&1`);
      rows.push({ name: "runc", median: hyperfine(`runc exec ${runcId} true`, { runs: 50, warmup: 5 }) });
    }
    if (have("crun")) {
      sh(`${crunCommand(`crun run -d -b ${bundle} ${crunId}`)} </dev/null >/dev/null 2>&1`);
      rows.push({ name: "crun", median: hyperfine(crunCommand(`crun exec ${crunId} true`), { runs: 50, warmup: 5, shell: true }) });
      notes.push("crun runs inside `unshare -m` (this host's hybrid cgroups, see PLATFORM.md); that wrapper is part of its figure.");
    }
    return { title: "exec C true (running busybox sleep)", target: "median ≤ 15 ms", rows, met: mine !== null && mine <= 15, notes };
  } finally {
    if (have("runc")) Bun.spawnSync(["runc", "delete", "-f", runcId]);
    if (have("crun")) Bun.spawnSync(["sh", "-c", crunCommand(`crun delete -f ${crunId}`)]);
    cleanup();
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  }
}
