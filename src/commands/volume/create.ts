// `mydocker volume create [--label K=V]... [-d local] [NAME]`: prints the name.

import { InvalidInputError } from "../../errors";
import { anonymousVolumeName, validateVolumeName, VolumeStore } from "../../storage/volumes";
import { defineVerb, list, str } from "../_define";
import { out } from "../../output";

export default defineVerb({
  meta: { name: "create", description: "Create a volume", usage: "[OPTIONS] [VOLUME]" },
  positionals: { max: 1 },
  args: {
    driver: { type: "string", alias: "d", default: "local", description: "Specify volume driver name" },
    label: { type: "string", multiple: true, description: "Set metadata for a volume" },
    name: { type: "string", description: "Specify volume name", hidden: true },
    opt: { type: "string", alias: "o", multiple: true, description: "Set driver specific options (not supported)" },
  },
  run({ args, globals }) {
    const flagName = str(args, "name");
    if (flagName && args._[0] && flagName !== args._[0]) throw new InvalidInputError(`conflicting options: either specify --name or provide positional arg, not both`);
    if (str(args, "driver") !== "local") throw new InvalidInputError(`volume driver "${str(args, "driver")}" is not supported (only local)`);
    if (list(args, "opt").length) throw new InvalidInputError("volume driver options (-o) are not supported");
    const labels: Record<string, string> = {};
    for (const l of list(args, "label")) {
      const eq = l.indexOf("=");
      if (eq === 0) throw new InvalidInputError(`invalid label: ${l}`);
      labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? "" : l.slice(eq + 1);
    }
    const name = flagName ?? args._[0] ?? anonymousVolumeName();
    validateVolumeName(name);
    new VolumeStore(globals.root).ensure(name, { labels });
    out(name + "\n");
  },
});
