// `mydocker rm [-f] [-v] CONTAINER...`: prints each name as given once removed.

import { removeContainer } from "../container/remove";
import { bool, defineVerb } from "./_define";
import { forEachTarget } from "./_targets";
import { out } from "../output";

export default defineVerb({
  meta: { name: "rm", description: "Remove one or more containers", usage: "[OPTIONS] CONTAINER [CONTAINER...]" },
  positionals: { min: 1 },
  args: {
    force: { type: "boolean", alias: "f", description: "Force the removal of a running container (uses SIGKILL)" },
    volumes: { type: "boolean", alias: "v", description: "Remove anonymous volumes associated with the container" },
    link: { type: "boolean", alias: "l", description: "Remove the specified link", hidden: true },
  },
  async run({ args, globals }) {
    return forEachTarget(args._, async (ref) => {
      await removeContainer(globals, ref, bool(args, "force"), bool(args, "volumes"));
      out(ref + "\n");
    });
  },
});
