// `run --rm --network none busybox true` against `runc run` and `crun run` on the same rootfs.
// Target (Foundation issue): median ≤ 0.6× runc's and within 2× crun's.

import { rmSync } from "node:fs";
import { benchRoot, crunCommand, have, hyperfine, ociBundle, type SuiteResult } from "./lib";

export function runTrue(): SuiteResult {
  const { md, cleanup } = benchRoot("runtrue");
  const rows = [];
  let bundle: string | undefined;
  try {
    const mine = hyperfine(`${md} run --rm --network none busybox true`, { runs: 30 });
    rows.push({ name: "mydocker", median: mine });
    let runc: number | null = null, crun: number | null = null;
    if (have("runc") || have("crun")) bundle = ociBundle(["true"]);
    if (have("runc")) {
      runc = hyperfine(`runc run -b ${bundle} bench-runc-${process.pid}`, { runs: 30, shell: true });
      rows.push({ name: "runc", median: runc });
    }
    if (have("crun")) {
      crun = hyperfine(crunCommand(`crun run -b ${bundle} bench-crun-${process.pid}`), { runs: 30, shell: true });
      rows.push({ name: "crun", median: crun });
    }
    const met = mine !== null && (runc === null || mine <= 0.6 * runc) && (crun === null || mine <= 2 * crun);
    return { title: "run --rm --network none busybox true", target: "≤ 0.6× runc and ≤ 2× crun", rows, met };
  } finally {
    cleanup();
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  }
}
