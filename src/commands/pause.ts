// `mydocker pause CONTAINER...` and (through pauseVerb) `mydocker unpause CONTAINER...`: freeze
// and thaw every process of each container (container/pause.ts).

import { setPaused } from "../container/pause";
import { out } from "../output";
import { defineVerb } from "./_define";
import { forEachTarget } from "./_targets";

export function pauseVerb(name: "pause" | "unpause", description: string) {
  return defineVerb({
    meta: { name, description, usage: "CONTAINER [CONTAINER...]" },
    positionals: { min: 1 },
    async run({ args, globals }) {
      return forEachTarget(args._, async (ref) => {
        setPaused(globals, ref, name === "pause");
        out(ref + "\n");
      });
    },
  });
}

export default pauseVerb("pause", "Pause all processes within one or more containers");
