// `mydocker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]`

import { InvalidInputError } from "../errors";
import { ImageStore } from "../image/store";
import { tagImage } from "../image/tag";
import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "tag", description: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", usage: "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]" },
  args: {},
  run({ args, globals }) {
    if (args._.length !== 2) throw new InvalidInputError(`"mydocker tag" requires exactly 2 arguments.\nSee 'mydocker tag --help'.`);
    tagImage(new ImageStore(globals.root), args._[0], args._[1]);
  },
});
