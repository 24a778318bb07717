// `mydocker volume inspect [-f FORMAT] VOLUME...`

import { VolumeStore } from "../../storage/volumes";
import { defineVerb, str } from "../_define";
import { printInspected } from "../_format";
import { NotFoundError } from "../../errors";
import { volumeView } from "./_view";

export default defineVerb({
  meta: { name: "inspect", description: "Display detailed information on one or more volumes", usage: "[OPTIONS] VOLUME [VOLUME...]" },
  positionals: { min: 1 },
  args: {
    format: { type: "string", alias: "f", description: "Format output using a custom template" },
  },
  run({ args, globals }) {
    const store = new VolumeStore(globals.root);
    return printInspected(args._, str(args, "format"), (name) => {
      const v = store.find(name);
      if (!v) throw new NotFoundError(`get ${name}: no such volume`);
      return volumeView(v);
    });
  },
});
