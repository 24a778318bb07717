// `mydocker update [OPTIONS] CONTAINER [CONTAINER...]`: prints each container as given once updated.

import { parseResourceFlags } from "../cgroups";
import { printWarnings, resourceFlagValues } from "../container/cgroup-module";
import { updateContainer } from "../container/update";
import { InvalidInputError } from "../errors";
import { out } from "../output";
import { defineVerb } from "./_define";
import { updatableResourceFlags } from "./_flags-resources";
import { forEachTarget } from "./_targets";

export default defineVerb({
  meta: { name: "update", description: "Update configuration of one or more containers", usage: "[OPTIONS] CONTAINER [CONTAINER...]" },
  positionals: { min: 1 },
  args: updatableResourceFlags,
  async run({ args, globals }) {
    const changes = parseResourceFlags(resourceFlagValues(args));
    if (Object.keys(changes).length === 0) throw new InvalidInputError("you must provide one or more flags when using this command");
    return forEachTarget(args._, async (ref) => {
      printWarnings(await updateContainer(globals, ref, changes));
      out(ref + "\n");
    });
  },
});
