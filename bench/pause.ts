// `pause C` of a running busybox `sleep` (each run prepared by an unpause), against `runc pause`
// and `crun pause` of the same rootfs. No issue sets a target: the figure is recorded beside the
// peers' so a regression shows.

import { CRUN_NOTE, crunCommand, hyperfine, peerContainers, sh, type Measurement, type SuiteResult } from "./lib";

export function pauseBench(): SuiteResult {
  const c = peerContainers("pause", ["sleep", "100000"]);
  const rows: Measurement[] = [];
  // each timed pause is prepared by a resume, so every container starts paused
  const timed = (name: string, pause: string, resume: string, shell = false) => {
    sh(pause);
    rows.push({ name, median: hyperfine(pause, { runs: 30, warmup: 3, prepare: resume, shell }) });
    sh(resume);
  };
  try {
    timed("mydocker", `${c.md} pause ${c.name}`, `${c.md} unpause ${c.name}`);
    if (c.runc) timed("runc", `runc pause ${c.runc}`, `runc resume ${c.runc}`);
    if (c.crun) timed("crun", crunCommand(`crun pause ${c.crun}`), crunCommand(`crun resume ${c.crun}`), true);
    return { title: "pause C (running busybox sleep; unpause between runs)", target: "none set", rows, notes: c.crun ? [CRUN_NOTE] : [] };
  } finally {
    c.done();
  }
}
