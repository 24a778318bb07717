// `mydocker wait CONTAINER...`: blocks until each stops, prints its exit code.

import { waitForExit } from "../container/wait";
import { out } from "../output";
import { defineVerb } from "./_define";
import { forEachTarget } from "./_targets";

export default defineVerb({
  meta: { name: "wait", description: "Block until one or more containers stop, then print their exit codes", usage: "CONTAINER [CONTAINER...]" },
  positionals: { min: 1 },
  async run({ args, globals }) {
    return forEachTarget(args._, async (ref) => {
      out(`${await waitForExit(globals, ref)}\n`);
    });
  },
});
