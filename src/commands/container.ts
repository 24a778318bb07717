// `mydocker container COMMAND`: Docker's management command. `container ls/rm/run/inspect…` are
// aliases of the top-level verbs (src/commands/index.ts ALIASES); the rest live here.

import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "container", description: "Manage containers", usage: "COMMAND" },
  subCommands: {
    prune: () => import("./container/prune"),
  },
});
