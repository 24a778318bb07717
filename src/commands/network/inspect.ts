// `mydocker network inspect [-f FORMAT] NETWORK...`: a JSON array, Docker's fields.

import { openNetworks } from "../../network/manage";
import { inspectNetwork } from "../../network/store";
import { defineVerb, str } from "../_define";
import { printInspected } from "../_format";

export default defineVerb({
  meta: { name: "inspect", description: "Display detailed information on one or more networks", usage: "[OPTIONS] NETWORK [NETWORK...]" },
  positionals: { min: 1 },
  args: {
    format: { type: "string", alias: "f", description: "Format output using a custom template" },
    verbose: { type: "boolean", alias: "v", description: "Verbose output for diagnostics", hidden: true },
  },
  run({ args, globals }) {
    const store = openNetworks(globals.root);
    return printInspected(args._, str(args, "format"), (ref) => {
      const n = store.get(ref);
      return inspectNetwork(n, store.readState(n.Id));
    });
  },
});
