// `pause C` of a running busybox `sleep` (each run prepared by an unpause), against `runc pause`
// and `crun pause` of the same rootfs. No issue sets a target: the figure is recorded beside the
// peers' so a regression shows.

import { rmSync } from "node:fs";
import { benchRoot, crunCommand, have, hyperfine, ociBundle, sh, type Measurement, type SuiteResult } from "./lib";

export function pauseBench(): SuiteResult {
  const { md, cleanup } = benchRoot("pause");
  const rows: Measurement[] = [];
  const notes: string[] = [];
  let bundle: string | undefined;
  const runcId = `bench-pause-runc-${process.pid}`, crunId = `bench-pause-crun-${process.pid}`;
  try {
    sh(`${md} run -d --name bench-pause --network none busybox sleep 100000`);
    // each timed pause is prepared by an unpause, so the container starts paused
    sh(`${md} pause bench-pause`);
    rows.push({ name: "mydocker", median: hyperfine(`${md} pause bench-pause`, { runs: 30, warmup: 3, prepare: `${md} unpause bench-pause` }) });
    sh(`${md} unpause bench-pause`);
    if (have("runc") || have("crun")) bundle = ociBundle(["sleep", "100000"]);
    if (have("runc")) {
      sh(`runc run -d -b ${bundle} ${runcId} </dev/null >/dev/null 2>&1 && runc pause ${runcId}`);
      rows.push({ name: "runc", median: hyperfine(`runc pause ${runcId}`, { runs: 30, warmup: 3, prepare: `runc resume ${runcId}` }) });
      sh(`runc resume ${runcId}`);
    }
    if (have("crun")) {
      sh(`${crunCommand(`crun run -d -b ${bundle} ${crunId}`)} </dev/null >/dev/null 2>&1`);
      sh(crunCommand(`crun pause ${crunId}`));
      rows.push({ name: "crun", median: hyperfine(crunCommand(`crun pause ${crunId}`), { runs: 30, warmup: 3, shell: true, prepare: crunCommand(`crun resume ${crunId}`) }) });
      sh(crunCommand(`crun resume ${crunId}`));
      notes.push("crun runs inside `unshare -m` (this host's hybrid cgroups, see PLATFORM.md); that wrapper is part of its figure.");
    }
    return { title: "pause C (running busybox sleep; unpause between runs)", target: "none set", rows, notes };
  } finally {
    if (have("runc")) Bun.spawnSync(["sh", "-c", `runc resume ${runcId}; runc delete -f ${runcId}`], { stderr: "ignore" });
    if (have("crun")) Bun.spawnSync(["sh", "-c", crunCommand(`crun resume ${crunId}; crun delete -f ${crunId}`)], { stderr: "ignore" });
    cleanup();
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  }
}
