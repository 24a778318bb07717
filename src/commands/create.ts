// `mydocker create [OPTIONS] IMAGE [COMMAND] [ARG...]`: prints the new container's id.

import { createContainer } from "../container/create";
import { out } from "../output";
import { defineVerb } from "./_define";
import { runFlags, toCreateOptions } from "./_run-flags";

export default defineVerb({
  meta: { name: "create", description: "Create a new container", usage: "[OPTIONS] IMAGE [COMMAND] [ARG...]" },
  positionals: { min: 1 },
  args: runFlags,
  stopAtFirstPositional: true,
  async run({ args, globals }) {
    const config = await createContainer(globals, { ...toCreateOptions(args), detach: true });
    out(config.Id + "\n");
  },
});
