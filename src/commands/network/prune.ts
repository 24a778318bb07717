// `mydocker network prune [-f] [--filter label=…]`: removes networks no container uses.

import { InvalidInputError } from "../../errors";
import { pruneNetworks } from "../../network/manage";
import { out } from "../../output";
import { confirm } from "../_confirm";
import { bool, defineVerb, list } from "../_define";

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
    if (!bool(args, "force") && !confirm("WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ")) return;
    const removed = pruneNetworks(globals.root, (n) => !filters.every((f) => {
      const has = f.key in n.Labels && (f.value === undefined || n.Labels[f.key] === f.value);
      return f.negate ? !has : has;
    }));
    if (removed.length) out(`Deleted Networks:\n${removed.map((n) => n + "\n").join("")}`);
  },
});
