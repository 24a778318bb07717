// `mydocker save [-o FILE] IMAGE...`: a tar archive that `docker load` and `podman load` accept.

import { InvalidInputError } from "../errors";
import { ImageStore } from "../image/store";
import { isatty } from "../sys/process";
import { defineVerb, str } from "./_define";

export default defineVerb({
  meta: { name: "save", description: "Save one or more images to a tar archive (streamed to STDOUT by default)", usage: "[OPTIONS] IMAGE [IMAGE...]" },
  positionals: { min: 1 },
  args: {
    output: { type: "string", alias: "o", description: "Write to a file, instead of STDOUT" },
    platform: { type: "string", description: "Save only the given platform variant", hidden: true },
  },
  async run({ args, globals }) {
    const output = str(args, "output");
    if (output === undefined && isatty(1)) throw new InvalidInputError("cowardly refusing to save to a terminal. Use the -o flag or redirect");
    const { saveImages } = await import("../image/save");
    saveImages(new ImageStore(globals.root), args._, output === undefined || output === "-" ? { fd: 1 } : { path: output });
  },
});
