// `mydocker rename CONTAINER NEW_NAME`

import { renameContainer } from "../container/rename";
import { InvalidInputError } from "../errors";
import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "rename", description: "Rename a container", usage: "CONTAINER NEW_NAME" },
  run({ args, globals }) {
    if (args._.length !== 2) throw new InvalidInputError(`"mydocker rename" requires exactly 2 arguments.\nSee 'mydocker rename --help'.`);
    renameContainer(globals, args._[0], args._[1]);
  },
});
