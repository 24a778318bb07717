// `mydocker image SUBCOMMAND`: the management form; ls/rm/inspect/… are aliases of top-level
// verbs (see ALIASES in index.ts), prune lives here.

import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "image", description: "Manage images", usage: "COMMAND" },
  subCommands: {
    prune: () => import("./image/prune"),
  },
});
