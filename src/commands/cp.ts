// `mydocker cp [-a] [-L] CONTAINER:SRC_PATH DEST_PATH|-` and `cp [-a] [-L] SRC_PATH CONTAINER:DEST_PATH`

import { copyFromContainer, copyToContainer, splitCpArg } from "../container/copy";
import { InvalidInputError } from "../errors";
import { bool, defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "cp", description: "Copy files/folders between a container and the local filesystem", usage: "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n        mydocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH" },
  positionals: { min: 2, max: 2 },
  args: {
    archive: { type: "boolean", alias: "a", description: "Archive mode (copy all uid/gid information)" },
    "follow-link": { type: "boolean", alias: "L", description: "Always follow symbol link in SRC_PATH" },
    quiet: { type: "boolean", alias: "q", description: "Suppress progress output during copy", hidden: true },
  },
  async run({ args, globals }) {
    const [srcC, srcPath] = splitCpArg(args._[0]);
    const [dstC, dstPath] = splitCpArg(args._[1]);
    const opts = { archive: bool(args, "archive"), followLink: bool(args, "follow-link") };
    if (srcC && dstC) throw new InvalidInputError("copying between containers is not supported");
    if (!srcC && !dstC) throw new InvalidInputError("must specify at least one container source");
    if (srcC) {
      if (!srcPath) throw new InvalidInputError("source path must not be empty");
      await copyFromContainer(globals, srcC, srcPath.startsWith("/") ? srcPath : `/${srcPath}`, dstPath, opts);
    } else {
      if (srcPath === "-") throw new InvalidInputError("copying a tar stream from stdin is not supported yet");
      if (!dstPath) throw new InvalidInputError("destination path must not be empty");
      await copyToContainer(globals, srcPath, dstC!, dstPath.startsWith("/") ? dstPath : `/${dstPath}`, opts);
    }
  },
});
