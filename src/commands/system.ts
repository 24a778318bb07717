// `mydocker system COMMAND`: Docker's management command. `system info` is an alias of `info`
// (index.ts ALIASES); df and prune live here.

import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "system", description: "Manage mydocker", usage: "COMMAND" },
  subCommands: {
    df: () => import("./system/df"),
    prune: () => import("./system/prune"),
  },
});
