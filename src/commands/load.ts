// `mydocker load [-i FILE] [-q]`: images from a docker-save or OCI-layout archive (stdin by default).

import { InvalidInputError } from "../errors";
import { ImageStore } from "../image/store";
import { isatty } from "../sys/process";
import { defineVerb, str } from "./_define";
import { out } from "../output";

export default defineVerb({
  meta: { name: "load", description: "Load an image from a tar archive or STDIN", usage: "[OPTIONS]" },
  positionals: { max: 0 },
  args: {
    input: { type: "string", alias: "i", description: "Read from tar archive file, instead of STDIN" },
    quiet: { type: "boolean", alias: "q", description: "Suppress the load output" },
    platform: { type: "string", description: "Load only the given platform variant", hidden: true },
  },
  async run({ args, globals }) {
    const input = str(args, "input") ?? "-";
    if (input === "-" && isatty(0)) throw new InvalidInputError("requested load from stdin, but stdin is empty");
    const { loadImages } = await import("../image/load");
    const lines = await loadImages(new ImageStore(globals.root), input);
    out(lines.map((l) => l + "\n").join(""));
  },
});
