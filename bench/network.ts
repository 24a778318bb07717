// Networking (issue 7): `run --rm busybox true` on the default bridge network, and with a
// published port, against podman on the same machine. Targets: ≤ 50 ms and ≤ 60 ms.
//
// podman runs from its own temporary storage with runc (its default crun refuses this host's
// hybrid cgroups) and the rlimits PLATFORM.md notes. Docker is not run here: there is no dockerd
// on these machines, and starting one turns the host's FORWARD policy to DROP and adds its own
// bridge and chains on a machine other work shares; its figures come from PLATFORM.md.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchRoot, have, hyperfine, REPO, sh, type Measurement, type SuiteResult } from "./lib";

function freePort(): number {
  const s = Bun.listen({ hostname: "0.0.0.0", port: 0, socket: { data() {} } });
  const p = s.port;
  s.stop(true);
  return p;
}

/** podman with throw-away storage; undoes the host-wide traces its network stack leaves. */
function podmanPeer(): { run: (args: string) => string; cleanup: () => void } | null {
  if (!have("podman") || !have("runc")) return null;
  const dir = mkdtempSync(join(tmpdir(), "bench-podman-"));
  writeFileSync(join(dir, "containers.conf"), '[containers]\ndefault_ulimits = ["nofile=20000:20000","nproc=32768:32768"]\n');
  const p = `CONTAINERS_CONF=${dir}/containers.conf podman --root ${dir}/root --runroot ${dir}/run --runtime runc`;
  // netavark (podman0, NETAVARK-*) or CNI (cni-podman0, CNI-*), whichever this podman uses
  const PODMAN_CHAIN = /^:(NETAVARK|CNI-)/;
  const chainsBefore = new Set(sh("iptables-save").split("\n").filter((l) => PODMAN_CHAIN.test(l)));
  const links = sh("ip -o link show");
  const linksBefore = ["podman0", "cni-podman0"].filter((l) => links.includes(`: ${l}:`) || links.includes(`: ${l}@`));
  try {
    sh(`${REPO}/test/fixtures/busybox-rootfs.sh ${dir}/bb.tar && ${p} import ${dir}/bb.tar localhost/busybox >/dev/null 2>&1`);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    run: (args) => `${p} run --rm ${args} localhost/busybox true`,
    cleanup: () => {
      Bun.spawnSync(["bash", "-c", `${p} rm -a -f >/dev/null 2>&1; ${p} system reset -f >/dev/null 2>&1`]);
      // podman's network stack keeps its chains and bridge after its last container: remove what it added
      for (const table of ["nat", "filter"]) {
        const save = sh(`iptables-save -t ${table}`);
        const mine = save.split("\n").filter((l) => PODMAN_CHAIN.test(l) && !chainsBefore.has(l)).map((l) => l.slice(1).split(" ")[0]);
        if (!mine.length) continue;
        const jumps = save.split("\n").filter((l) => l.startsWith("-A ") && mine.some((c) => l.includes(` -j ${c}`)) && !mine.some((c) => l.startsWith(`-A ${c} `)));
        const batch = [`*${table}`, ...jumps.map((l) => "-D" + l.slice(2)), ...mine.flatMap((c) => [`-F ${c}`]), ...mine.map((c) => `-X ${c}`), "COMMIT", ""].join("\n");
        Bun.spawnSync(["iptables-restore", "--noflush"], { stdin: Buffer.from(batch) });
      }
      for (const l of ["podman0", "cni-podman0"]) if (!linksBefore.includes(l)) Bun.spawnSync(["ip", "link", "del", l], { stderr: "ignore" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function network(): SuiteResult[] {
  const { md, cleanup } = benchRoot("net");
  const peer = podmanPeer();
  const results: SuiteResult[] = [];
  const forward = sh("cat /proc/sys/net/ipv4/ip_forward").trim();
  try {
    const none = hyperfine(`${md} run --rm --network none busybox true`, { runs: 30 });
    const bridge: Measurement[] = [{ name: "mydocker", median: hyperfine(`${md} run --rm busybox true`, { runs: 30 }) }];
    const port = freePort();
    const publish: Measurement[] = [{ name: "mydocker", median: hyperfine(`${md} run --rm -p ${port}:80 busybox true`, { runs: 30 }) }];
    if (peer) {
      bridge.push({ name: "podman 4.3 (runc)", median: hyperfine(peer.run(""), { runs: 10, shell: true }) });
      publish.push({ name: "podman 4.3 (runc)", median: hyperfine(peer.run(`-p ${port}:80`), { runs: 10, shell: true }) });
    }
    const docker = "docker 20.10 is not run here (no dockerd; see the suite's header): PLATFORM.md has";
    results.push({
      title: "run --rm busybox true on the default bridge network", target: "≤ 50 ms", rows: bridge,
      met: bridge[0].median !== null && bridge[0].median <= 50,
      notes: [`Same run with --network none: ${none?.toFixed(1) ?? "–"} ms (the network's share is the difference).`,
        `${docker} docker 404–449 ms, podman 470–519 ms for this.`],
    });
    results.push({
      title: "run --rm -p PORT:80 busybox true (bridge + published port)", target: "≤ 60 ms", rows: publish,
      met: publish[0].median !== null && publish[0].median <= 60,
      notes: [`${docker} docker 562–566 ms, podman 578–648 ms for this.`,
        "Each run adds the DNAT rule (one iptables-restore batch, ~3 ms) and removes it when the container exits (~15 ms: after a rule deletion, iptables-restore's exit waits for an RCU grace period while nf_tables frees the old rules)."],
    });
  } finally {
    cleanup();
    peer?.cleanup();
    // mydocker (like Docker) turns forwarding on and leaves it on; the bench leaves the host as it found it
    writeFileSync("/proc/sys/net/ipv4/ip_forward", forward);
  }
  return results;
}
