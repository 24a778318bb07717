// Lifecycle figures (lifecycle issue): `run -d` ≤ 25 ms, `ps` with 100 running ≤ 15 ms,
// `rm -f` of a running container ≤ 30 ms, monitor ≤ 600 kB RSS per container.
// runc/crun run from an OCI bundle on the same busybox rootfs; their ids come from a counter
// file, so their commands carry a small `sh` wrapper (noted in the table).

import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { benchRoot, crunCommand, have, hyperfine, ociBundle, sh, type Measurement, type SuiteResult } from "./lib";

function monitorRss(md: string, n: number): number[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(sh(`${md} run -d --network none busybox sleep 1000`).trim());
  const rss: number[] = [];
  for (const id of ids) {
    const pid = Number(sh(`${md} inspect -f '{{.State.Pid}}' ${id}`).trim());
    const ppid = Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1]);
    const status = readFileSync(`/proc/${ppid}/status`, "utf8");
    rss.push(Number(/VmRSS:\s+(\d+)/.exec(status)![1]));
  }
  sh(`${md} rm -f ${ids.join(" ")}`);
  return rss;
}

export function lifecycle(): SuiteResult[] {
  const { md, root, cleanup } = benchRoot("life");
  const results: SuiteResult[] = [];
  let bundle: string | undefined;
  try {
    const counter = `${root}/counter`;
    writeFileSync(counter, "0");
    const next = `n=$(cat ${counter}); echo $((n+1)) > ${counter}`;
    if (have("runc") || have("crun")) bundle = ociBundle(["sleep", "1000"]);

    // run -d
    // runc and crun set up no network: --network none compares like with like; the default
    // bridge (veth, address, rules) is timed too, for the record
    const rows: Measurement[] = [{ name: "mydocker", note: "--network none", median: hyperfine(`${md} run -d --network none busybox sleep 1000`, { runs: 20 }) }];
    sh(`${md} rm -f $(${md} ps -aq)`);
    const bridged = hyperfine(`${md} run -d busybox sleep 1000`, { runs: 20 });
    sh(`${md} rm -f $(${md} ps -aq)`);
    // the peers need a fresh id per run: a tiny script takes the next number from a file
    const script = (tool: string) => {
      const f = `${root}/${tool}-run.sh`;
      writeFileSync(f, `${next}\nexec ${tool} run -d -b ${bundle} life-${tool}-$n >/dev/null 2>&1 </dev/null\n`);
      return f;
    };
    const reap = (tool: string, prefix = `life-${tool}-`) => {
      const f = `${root}/${tool}-reap-${prefix}.sh`;
      writeFileSync(f, `for c in $(${tool} list -q | grep ${prefix}); do ${tool} delete -f $c; done\n`);
      return f;
    };
    const same = (c: string) => c;
    if (have("runc")) {
      rows.push({ name: "runc", note: "sh wrapper", median: hyperfine(`sh ${script("runc")}`, { runs: 20 }) });
      sh(`sh ${reap("runc")}`);
    }
    if (have("crun")) {
      rows.push({ name: "crun", note: "sh wrapper", median: hyperfine(crunCommand(`sh ${script("crun")}`), { runs: 20, shell: true }) });
      sh(crunCommand(`sh ${reap("crun")}`));
    }
    const mine = rows[0].median;
    rows.push({ name: "mydocker", note: "default bridge network", median: bridged });
    results.push({ title: "run -d busybox sleep", target: "≤ 25 ms", rows, met: mine !== null && mine <= 25 });

    // ps with 100 running
    for (let i = 0; i < 100; i++) sh(`${md} run -d --network none busybox sleep 1000`);
    const ps = hyperfine(`${md} ps`, { runs: 30 });
    const psRows: Measurement[] = [{ name: "mydocker (100 running)", median: ps }];
    sh(`${md} rm -f $(${md} ps -aq)`);
    // the peers with as many running, in this run: their `list` reads their state directories
    const peerList = (tool: string, wrap: (c: string) => string) => {
      for (let i = 0; i < 100; i++) sh(wrap(`${tool} run -d -b ${bundle} life-ps-${tool}-${i} >/dev/null 2>&1 </dev/null`));
      const t = hyperfine(wrap(`${tool} list`), { runs: 30, shell: wrap !== same });
      sh(wrap(`sh ${reap(tool, "life-ps-")}`));
      return t;
    };
    if (bundle && have("runc")) psRows.push({ name: "runc list (100 running)", median: peerList("runc", same) });
    if (bundle && have("crun")) psRows.push({ name: "crun list (100 running)", median: peerList("crun", crunCommand) });
    results.push({ title: "ps with 100 running containers", target: "≤ 15 ms", rows: psRows, met: ps !== null && ps <= 15,
      notes: ["Peers (PLATFORM.md, 20 running): runc list 19 ms, crun list 6 ms, podman ps 61–74 ms, docker ps 50–54 ms."] });

    // rm -f of a running container
    const rm = hyperfine(`${md} rm -f rmme`, { runs: 20, prepare: `${md} run -d --name rmme busybox sleep 1000` });
    const rmRows: Measurement[] = [{ name: "mydocker", median: rm }];
    const peerRm = (tool: string, wrap: (c: string) => string) =>
      hyperfine(wrap(`${tool} delete -f rmme-${tool}`), { runs: 20, shell: wrap !== same,
        prepare: wrap(`${tool} run -d -b ${bundle} rmme-${tool} >/dev/null 2>&1 </dev/null`) });
    if (bundle && have("runc")) rmRows.push({ name: "runc delete -f", median: peerRm("runc", same) });
    if (bundle && have("crun")) rmRows.push({ name: "crun delete -f", median: peerRm("crun", crunCommand) });
    results.push({ title: "rm -f of a running container", target: "≤ 30 ms", rows: rmRows, met: rm !== null && rm <= 30,
      notes: ["Peers (PLATFORM.md): runc 110 ms, crun 16–17 ms, podman 145–147 ms, docker 132–141 ms."] });

    // monitor RSS
    const rss = monitorRss(md, 10);
    const med = rss.sort((a, b) => a - b)[Math.floor(rss.length / 2)];
    results.push({ title: "monitor resident memory per running container", target: "≤ 600 kB", unit: "kB", met: med <= 600,
      rows: [{ name: "mydocker monitor (median of 10)", median: med }],
      notes: ["Peers (PLATFORM.md): conmon 1.95 MB, containerd-shim 13.2 MB; runc/crun keep no process."] });
  } finally {
    cleanup();
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  }
  return results;
}
