// `mydocker network rm NETWORK...`: refused while containers are attached (they are named).

import { removeNetwork } from "../../network/manage";
import { out } from "../../output";
import { defineVerb } from "../_define";
import { forEachTarget } from "../_targets";

export default defineVerb({
  meta: { name: "rm", description: "Remove one or more networks", usage: "NETWORK [NETWORK...]" },
  positionals: { min: 1 },
  args: {
    force: { type: "boolean", alias: "f", description: "Do not error if the network does not exist" },
  },
  run({ args, globals }) {
    return forEachTarget(args._, async (ref) => {
      try {
        removeNetwork(globals.root, ref);
      } catch (e) {
        if (args.force && (e as Error).name === "NotFoundError") return;
        throw e;
      }
      out(ref + "\n");
    });
  },
});
