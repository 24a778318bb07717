// `mydocker volume rm [-f] VOLUME...`: a volume a container uses (running or not) stays.

import { ContainerStore } from "../../container/store";
import { volumeUsers } from "../../container/volume-module";
import { VolumeStore } from "../../storage/volumes";
import { bool, defineVerb } from "../_define";
import { forEachTarget } from "../_targets";
import { out } from "../../output";

export default defineVerb({
  meta: { name: "rm", description: "Remove one or more volumes", usage: "[OPTIONS] VOLUME [VOLUME...]" },
  positionals: { min: 1 },
  args: {
    force: { type: "boolean", alias: "f", description: "Force the removal of one or more volumes (no error if absent)" },
  },
  run({ args, globals }) {
    const store = new VolumeStore(globals.root);
    const containers = new ContainerStore(globals.root);
    return forEachTarget(args._, async (name) => {
      if (bool(args, "force") && !store.find(name)) { out(name + "\n"); return; }
      store.remove(name, () => volumeUsers(containers).get(name)?.[0]);
      out(name + "\n");
    });
  },
});
