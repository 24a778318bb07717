// `mydocker network inspect [-f FORMAT] NETWORK...`: a JSON array, Docker's fields.

import { openNetworks } from "../../network/manage";
import { inspectNetwork } from "../../network/store";
import { err, out } from "../../output";
import { defineVerb, str } from "../_define";
import { inspectOutput } from "../_format";

export default defineVerb({
  meta: { name: "inspect", description: "Display detailed information on one or more networks", usage: "[OPTIONS] NETWORK [NETWORK...]" },
  positionals: { min: 1 },
  args: {
    format: { type: "string", alias: "f", description: "Format output using a custom template" },
    verbose: { type: "boolean", alias: "v", description: "Verbose output for diagnostics", hidden: true },
  },
  run({ args, globals }) {
    const store = openNetworks(globals.root);
    const results: unknown[] = [];
    let failed = false;
    for (const ref of args._) {
      try {
        const n = store.get(ref);
        results.push(inspectNetwork(n, store.readState(n.Id)));
      } catch (e) {
        failed = true;
        err(`mydocker: ${(e as Error).message}\n`);
      }
    }
    const format = str(args, "format");
    out(inspectOutput(results, format));
    return failed ? 125 : 0;
  },
});
