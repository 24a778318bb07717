// `mydocker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]`

import { ImageStore } from "../image/store";
import { tagImage } from "../image/tag";
import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "tag", description: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", usage: "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]" },
  positionals: { min: 2, max: 2 },
  args: {},
  run({ args, globals }) {
    tagImage(new ImageStore(globals.root), args._[0], args._[1]);
  },
});
