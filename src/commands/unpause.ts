// `mydocker unpause CONTAINER...`: thaws what `pause` froze (container/pause.ts).

import { unpauseContainer } from "../container/pause";
import { out } from "../output";
import { defineVerb } from "./_define";
import { forEachTarget } from "./_targets";

export default defineVerb({
  meta: { name: "unpause", description: "Unpause all processes within one or more containers", usage: "CONTAINER [CONTAINER...]" },
  positionals: { min: 1 },
  async run({ args, globals }) {
    return forEachTarget(args._, async (ref) => {
      unpauseContainer(globals, ref);
      out(ref + "\n");
    });
  },
});
