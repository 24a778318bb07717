// `pull` of the busybox image from a registry on 127.0.0.1 (Debian's docker-registry, started
// here), into an empty store each time, against `skopeo copy` to a local dir (download and
// verify only: skopeo does not unpack) and `podman pull` (download and unpack) when installed.
// Target (registry issue): median ≤ skopeo's.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistry } from "../test/integration/registry-fixture";
import { BIN, REPO, have, hyperfine, sh, type Measurement, type SuiteResult } from "./lib";

export async function pull(): Promise<SuiteResult> {
  const reg = await startRegistry();
  const dir = mkdtempSync(join(tmpdir(), "bench-pull-"));
  const rows: Measurement[] = [];
  try {
    const ref = `${reg.addr}/busybox:latest`;
    sh(`${REPO}/test/fixtures/busybox-rootfs.sh ${dir}/busybox.tar`);
    const src = join(dir, "src");
    sh(`${BIN} --root ${src} import -c 'CMD ["sh"]' ${dir}/busybox.tar ${ref} && ${BIN} --root ${src} push ${ref}`);
    const root = join(dir, "root");
    // each timed run starts from an empty store: the whole image comes over the wire
    const mine = hyperfine(`${BIN} --root ${root} pull ${ref}`, { runs: 30, prepare: `rm -rf ${root}` });
    rows.push({ name: "mydocker", median: mine });
    let skopeo: number | null = null;
    if (have("skopeo")) {
      skopeo = hyperfine(`skopeo --insecure-policy copy -q --src-tls-verify=false docker://${ref} dir:${dir}/skopeo`, { runs: 30, prepare: `rm -rf ${dir}/skopeo` });
      rows.push({ name: "skopeo", median: skopeo, note: "copy to dir, no unpack" });
    }
    if (have("podman")) {
      const p = `podman --root ${dir}/podman/root --runroot ${dir}/podman/run --storage-driver vfs`;
      rows.push({ name: "podman", median: hyperfine(`${p} pull -q --tls-verify=false ${ref}`, { runs: 15, prepare: `rm -rf ${dir}/podman` }), note: "vfs storage" });
    }
    const met = mine !== null && (skopeo === null || mine <= skopeo);
    const notes = ["skopeo copy to a dir downloads and verifies only; mydocker and podman also unpack the layer. A cold mydocker pull of " +
      "busybox on a Firecracker VM (2026-12-02, trace marks): ~17 ms until the pull's code runs (Bun start, modules), ~11–16 ms the " +
      "ping and the manifest (the first fetch starts Bun's HTTP client; the ping is gone since, ~5 ms less), ~12–25 ms config and layer (the registry shares the 2 vCPUs), " +
      "gunzip (libdeflate) ~5 ms, unpack of 287 entries ~15–19 ms, the store's files ~2 ms. Page faults cost ~17 µs each on this VM: " +
      "with huge pages advised on the heap's reservations (src/sys/memory.ts) a pull takes ~1700 of them instead of ~3700, ~20 ms less."];
    return { notes, title: `pull busybox (${Math.round(Bun.file(`${dir}/busybox.tar`).size / 1024)} KiB) from a loopback registry`, target: "≤ skopeo copy's time", rows, met };
  } finally {
    await reg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
