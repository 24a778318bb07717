// Images issue figures: `load` of the busybox archive with the image absent (target ≤ 60 ms;
// PLATFORM.md: docker 358–367, podman 396–454) and `commit` of a stopped container with one new
// file (≤ 40 ms; podman 81–89, docker 115–133), side by side with podman when it is installed.
// podman runs with its own --root/--runroot (overlay storage) and runc (crun refuses this host's
// hybrid cgroups); docker is measured only if its daemon answers.

import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchRoot, have, hyperfine, sh, type Measurement, type SuiteResult } from "./lib";

function podmanCmd(root: string): string {
  const conf = join(root, "containers.conf");
  writeFileSync(conf, `[containers]\ndefault_ulimits = ["nofile=20000:20000","nproc=32768:32768"]\n`);
  return `CONTAINERS_CONF=${conf} podman --root ${root}/pm-root --runroot ${root}/pm-run --storage-driver overlay --runtime runc`;
}

function dockerRuns(): boolean {
  return have("docker") && Bun.spawnSync(["docker", "info"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
}

const dockerNote = "docker: its daemon does not run here; PLATFORM.md figures are quoted in the target.";

export function loadBench(): SuiteResult {
  const { md, root, cleanup } = benchRoot("load");
  const archive = join(root, "busybox-saved.tar");
  const rows: Measurement[] = [];
  let pm: string | undefined;
  try {
    sh(`${md} save -o ${archive} busybox`);
    const mine = hyperfine(`${md} load -i ${archive}`, { runs: 30, prepare: `${md} rmi -f busybox >/dev/null 2>&1 || true` });
    rows.push({ name: "mydocker", median: mine });
    if (have("podman")) {
      pm = podmanCmd(root);
      rows.push({ name: "podman", median: hyperfine(`${pm} load -q -i ${archive}`, { runs: 15, prepare: `${pm} rmi -f busybox >/dev/null 2>&1 || true` }) });
    }
    if (dockerRuns()) rows.push({ name: "docker", median: hyperfine(`docker load -q -i ${archive}`, { runs: 15, prepare: "docker rmi -f busybox >/dev/null 2>&1 || true" }) });
    return { title: "load -i busybox.tar (image absent)", target: "≤ 60 ms", rows, met: mine !== null && mine <= 60, notes: dockerRuns() ? [] : [dockerNote] };
  } finally {
    if (pm) sh(`${pm} rmi -a -f >/dev/null 2>&1 || true`);
    cleanup();
  }
}

export function commitBench(): SuiteResult {
  const { md, root, cleanup } = benchRoot("commit");
  const rows: Measurement[] = [];
  let pm: string | undefined;
  try {
    const make = (cli: string) => `${cli} rm -f cm >/dev/null 2>&1; ${cli} run --name cm --network none busybox sh -c 'echo one > /newfile' >/dev/null`;
    const mine = hyperfine(`${md} commit cm committed`, { runs: 30, prepare: make(md) });
    rows.push({ name: "mydocker", median: mine });
    if (have("podman")) {
      pm = podmanCmd(root);
      sh(`${pm} load -q -i ${join(root, "busybox.tar")} >/dev/null 2>&1 || ${pm} import -q ${join(root, "busybox.tar")} busybox >/dev/null`);
      rows.push({ name: "podman", median: hyperfine(`${pm} commit -q cm committed`, { runs: 15, prepare: make(pm) }) });
    }
    if (dockerRuns()) rows.push({ name: "docker", median: hyperfine("docker commit cm committed", { runs: 15, prepare: make("docker") }) });
    return { title: "commit of a stopped container with one new file", target: "≤ 40 ms", rows, met: mine !== null && mine <= 40, notes: dockerRuns() ? [] : [dockerNote] };
  } finally {
    if (pm) sh(`${pm} rm -a -f >/dev/null 2>&1; ${pm} rmi -a -f >/dev/null 2>&1 || true`);
    cleanup();
    rmSync(join(root, "pm-root"), { recursive: true, force: true });
  }
}
