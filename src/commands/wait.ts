// `mydocker wait CONTAINER...`: blocks until each stops, prints its exit code.

import { waitForExit } from "../container/wait";
import { InvalidInputError } from "../errors";
import { out } from "../output";
import { defineVerb } from "./_define";
import { forEachTarget } from "./_targets";

export default defineVerb({
  meta: { name: "wait", description: "Block until one or more containers stop, then print their exit codes", usage: "CONTAINER [CONTAINER...]" },
  async run({ args, globals }) {
    if (args._.length === 0) throw new InvalidInputError(`"mydocker wait" requires at least 1 argument.\nSee 'mydocker wait --help'.`);
    return forEachTarget(args._, async (ref) => {
      out(`${await waitForExit(globals, ref)}\n`);
    });
  },
});
