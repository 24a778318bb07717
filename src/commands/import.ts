// `mydocker import [-c CHANGE]... [-m MESSAGE] FILE|- [REPOSITORY[:TAG]]`: prints the image id.

import { importImage, ImageStore } from "../image";
import { defineVerb, list, str } from "./_define";
import { out } from "../output";

export default defineVerb({
  meta: { name: "import", description: "Import the contents from a tarball to create a filesystem image", usage: "[OPTIONS] file|- [REPOSITORY[:TAG]]" },
  positionals: { min: 1, max: 2 },
  args: {
    change: { type: "string", alias: "c", multiple: true, description: "Apply Dockerfile instruction to the created image" },
    message: { type: "string", alias: "m", description: "Set commit message for imported image" },
    platform: { type: "string", description: "Set platform if server is multi-platform capable", hidden: true },
  },
  async run({ args, globals }) {
    const id = await importImage(new ImageStore(globals.root), {
      source: args._[0], name: args._[1], changes: list(args, "change"), message: str(args, "message"),
    });
    out(id + "\n");
  },
});
