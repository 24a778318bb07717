// `mydocker top CONTAINER [ps OPTIONS]`: the host's `ps` (default -ef), limited to the processes
// in the container's pid namespace, as Docker does.

import { readdirSync, readlinkSync } from "node:fs";
import { ContainerStore } from "../container/store";
import { observe } from "../container/status";
import { assertCan } from "../container/state-machine";
import { HostError, InvalidInputError } from "../errors";
import { out } from "../output";
import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "top", description: "Display the running processes of a container", usage: "CONTAINER [ps OPTIONS]" },
  positionals: { min: 1 },
  stopAtFirstPositional: true,
  run({ args, globals }) {
    const store = new ContainerStore(globals.root);
    const id = store.resolve(args._[0]);
    const state = observe(store, id)!;
    assertCan("exec", state.Status, store.readConfig(id).Name);
    const ns = readlinkSync(`/proc/${state.Pid}/ns/pid`);
    const pids = new Set<string>();
    for (const p of readdirSync("/proc")) {
      if (!/^\d+$/.test(p)) continue;
      try { if (readlinkSync(`/proc/${p}/ns/pid`) === ns) pids.add(p); } catch { /* gone */ }
    }
    const psArgs = args._.length > 1 ? args._.slice(1) : ["-ef"];
    const r = Bun.spawnSync(["ps", ...psArgs], { stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new HostError(`ps ${psArgs.join(" ")}: ${r.stderr.toString().trim()}`);
    const lines = r.stdout.toString().split("\n").filter(Boolean);
    const header = lines[0];
    const col = header.trim().split(/\s+/).indexOf("PID");
    if (col < 0) throw new InvalidInputError(`couldn't find PID field in ps output`);
    const rows = lines.slice(1).filter((l) => pids.has(l.trim().split(/\s+/)[col]));
    out([header, ...rows].join("\n") + "\n");
  },
});
