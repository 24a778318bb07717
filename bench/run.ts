// `npm run bench [suite…]`: runs the suites side by side with the peers and rewrites
// bench/RESULTS.md (each suite's section is replaced, the others kept).

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, fmt, ratio, REPO, type SuiteResult } from "./lib";
import { execTrue } from "./exec";
import { commitBench, loadBench } from "./images";
import { lifecycle } from "./lifecycle";
import { network } from "./network";
import { runTrue } from "./run-true";
import { pull } from "./pull";
import { cgroups } from "./cgroups";
import { pauseBench } from "./pause";

type Suite = () => SuiteResult | SuiteResult[] | Promise<SuiteResult | SuiteResult[]>;
const SUITES: Record<string, Suite> = {
  "run-true": runTrue,
  cgroups,
  lifecycle,
  exec: execTrue,
  pull,
  load: loadBench,
  commit: commitBench,
  pause: pauseBench,
  network,
};

function render(r: SuiteResult): string {
  const mine = r.rows.find((x) => x.name.startsWith("mydocker"))?.median ?? null;
  const lines = [`## ${r.title}`, "", `Target: ${r.target} — ${r.met === undefined ? "not judged" : r.met ? "**met**" : "**not met**"}`, "",
    `| tool | median ${r.unit ?? "ms"} | mydocker ÷ tool |`, "|---|--:|--:|"];
  for (const row of r.rows) lines.push(`| ${row.name}${row.note ? ` (${row.note})` : ""} | ${fmt(row.median)} | ${row.name.startsWith("mydocker") ? "" : ratio(mine, row.median)} |`);
  for (const n of r.notes ?? []) lines.push("", n);
  return lines.join("\n") + "\n";
}

const wanted = process.argv.slice(2);
if (!existsSync(BIN)) throw new Error("bench: build first (npm run build)");
if (process.getuid?.() !== 0) throw new Error("bench: run as root");
const file = join(REPO, "bench/RESULTS.md");
let doc = existsSync(file) ? readFileSync(file, "utf8") : "";
const header = "# Benchmark results\n\nMedians on one machine in one run (`npm run bench`), from hyperfine or, where a suite says so, from rounds that alternate the tools; the machines are noisy (±20 %).\n";
if (!doc.startsWith("# Benchmark results")) doc = header;
for (const [name, suite] of Object.entries(SUITES)) {
  if (wanted.length && !wanted.includes(name)) continue;
  process.stderr.write(`bench: ${name}\n`);
  const got = await suite();
  const results = Array.isArray(got) ? got : [got];
  const body = results.map(render).join("\n");
  const section = `<!-- suite:${name} -->\n${body}<!-- /suite:${name} -->\n`;
  const re = new RegExp(`<!-- suite:${name} -->[\\s\\S]*?<!-- /suite:${name} -->\\n`);
  doc = re.test(doc) ? doc.replace(re, section) : `${doc}\n${section}`;
  process.stdout.write(body + "\n");
}
const stamp = `_Last run: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, kernel ${Bun.spawnSync(["uname", "-r"]).stdout.toString().trim()}, ${navigator.hardwareConcurrency} cores. ` +
  "The issues' absolute targets were set on a machine several times faster than some kinds these runs land on (on a Firecracker VM " +
  "a page fault costs ~20 µs and any Bun process ~13 ms to start): the ratios to runc and crun measured in the same run are the comparable figures._\n";
doc = doc.replace(/\n*_Last run:.*_\n/, "\n");
doc = doc.replace(header, header + "\n" + stamp).replace(/\n{3,}/g, "\n\n");
writeFileSync(file, doc);
