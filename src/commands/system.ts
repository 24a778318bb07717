// `mydocker system COMMAND`: Docker's management command. `system info` is an alias of `info`
// (index.ts ALIASES); prune lives here.

import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "system", description: "Manage mydocker", usage: "COMMAND" },
  subCommands: {
    prune: () => import("./system/prune"),
  },
});
