// `mydocker run [OPTIONS] IMAGE [COMMAND] [ARG...]`

import { attachOrDetach } from "../container/run";
import { defineVerb } from "./_define";
import { runFlags, toCreateOptions } from "./_run-flags";

export default defineVerb({
  meta: { name: "run", description: "Create and run a new container from an image", usage: "[OPTIONS] IMAGE [COMMAND] [ARG...]" },
  positionals: { min: 1 },
  args: runFlags,
  stopAtFirstPositional: true,
  run: ({ args, globals }) => attachOrDetach(globals, toCreateOptions(args)),
});
