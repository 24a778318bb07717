// `mydocker rename CONTAINER NEW_NAME`

import { renameContainer } from "../container/rename";
import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "rename", description: "Rename a container", usage: "CONTAINER NEW_NAME" },
  positionals: { min: 2, max: 2 },
  run({ args, globals }) {
    return renameContainer(globals, args._[0], args._[1]);
  },
});
