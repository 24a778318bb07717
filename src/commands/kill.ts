// `mydocker kill [-s SIGNAL] CONTAINER...`

import { killContainer } from "../container/stop";
import { InvalidInputError } from "../errors";
import { out } from "../output";
import { defineVerb, str } from "./_define";
import { forEachTarget } from "./_targets";

export default defineVerb({
  meta: { name: "kill", description: "Kill one or more running containers", usage: "[OPTIONS] CONTAINER [CONTAINER...]" },
  args: { signal: { type: "string", alias: "s", description: "Signal to send to the container", default: "KILL" } },
  async run({ args, globals }) {
    if (args._.length === 0) throw new InvalidInputError(`"mydocker kill" requires at least 1 argument.\nSee 'mydocker kill --help'.`);
    const sig = str(args, "signal") ?? "KILL";
    return forEachTarget(args._, async (ref) => {
      killContainer(globals, ref, sig);
      out(ref + "\n");
    });
  },
});
