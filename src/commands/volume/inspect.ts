// `mydocker volume inspect [-f FORMAT] VOLUME...`

import { VolumeStore } from "../../storage/volumes";
import { defineVerb, str } from "../_define";
import { inspectOutput } from "../_format";
import { err, out } from "../../output";
import { volumeView } from "./_view";

export default defineVerb({
  meta: { name: "inspect", description: "Display detailed information on one or more volumes", usage: "[OPTIONS] VOLUME [VOLUME...]" },
  positionals: { min: 1 },
  args: {
    format: { type: "string", alias: "f", description: "Format output using a custom template" },
  },
  run({ args, globals }) {
    const store = new VolumeStore(globals.root);
    const results: unknown[] = [];
    let failed = false;
    for (const name of args._) {
      const v = store.find(name);
      if (!v) { failed = true; err(`mydocker: get ${name}: no such volume\n`); continue; }
      results.push(volumeView(v));
    }
    const format = str(args, "format");
    out(inspectOutput(results, format));
    return failed ? 125 : 0;
  },
});
