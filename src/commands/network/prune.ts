// `mydocker network prune [-f] [--filter label=…]`: removes networks no container uses.

import { readSync } from "node:fs";
import { InvalidInputError } from "../../errors";
import { pruneNetworks } from "../../network/manage";
import { err, out } from "../../output";
import { bool, defineVerb, list } from "../_define";

function confirm(): boolean {
  err("WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ");
  const buf = Buffer.alloc(64);
  let n = 0;
  try { n = readSync(0, buf, 0, buf.length, null); } catch { return false; }
  return /^y(es)?$/i.test(buf.toString("utf8", 0, n).trim());
}

export default defineVerb({
  meta: { name: "prune", description: "Remove all unused networks", usage: "[OPTIONS]" },
  args: {
    force: { type: "boolean", alias: "f", description: "Do not prompt for confirmation" },
    filter: { type: "string", multiple: true, description: "Provide filter values (e.g. \"label=<label>\")" },
  },
  run({ args, globals }) {
    const filters = list(args, "filter").map((f) => {
      const m = /^(label!?)=([^=]+)(?:=(.*))?$/.exec(f);
      if (!m) throw new InvalidInputError(`invalid filter '${f}' (label=KEY[=VALUE] or label!=KEY[=VALUE])`);
      return { negate: m[1] === "label!", key: m[2], value: m[3] };
    });
    if (!bool(args, "force") && !confirm()) return;
    const removed = pruneNetworks(globals.root, (n) => !filters.every((f) => {
      const has = f.key in n.Labels && (f.value === undefined || n.Labels[f.key] === f.value);
      return f.negate ? !has : has;
    }));
    if (removed.length) out(`Deleted Networks:\n${removed.map((n) => n + "\n").join("")}`);
  },
});
