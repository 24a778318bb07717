// Hidden: `mydocker _init ID`, the container's first process (see container/init.ts).

import { runInit } from "../container/init";
import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "_init", description: "internal: container init", hidden: true },
  stopAtFirstPositional: true,
  run({ args, globals }) {
    return runInit(globals.root, args._[0]);
  },
});
