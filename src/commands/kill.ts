// `mydocker kill [-s SIGNAL] CONTAINER...`

import { killContainer } from "../container/stop";
import { out } from "../output";
import { defineVerb, str } from "./_define";
import { forEachTarget } from "./_targets";

export default defineVerb({
  meta: { name: "kill", description: "Kill one or more running containers", usage: "[OPTIONS] CONTAINER [CONTAINER...]" },
  positionals: { min: 1 },
  args: { signal: { type: "string", alias: "s", description: "Signal to send to the container", default: "KILL" } },
  async run({ args, globals }) {
    const sig = str(args, "signal") ?? "KILL";
    return forEachTarget(args._, async (ref) => {
      await killContainer(globals, ref, sig);
      out(ref + "\n");
    });
  },
});
