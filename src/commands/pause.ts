// `mydocker pause CONTAINER...`: freezes every process of each container (container/pause.ts).

import { pauseContainer } from "../container/pause";
import { out } from "../output";
import { defineVerb } from "./_define";
import { forEachTarget } from "./_targets";

export default defineVerb({
  meta: { name: "pause", description: "Pause all processes within one or more containers", usage: "CONTAINER [CONTAINER...]" },
  positionals: { min: 1 },
  async run({ args, globals }) {
    return forEachTarget(args._, async (ref) => {
      pauseContainer(globals, ref);
      out(ref + "\n");
    });
  },
});
