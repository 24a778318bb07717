// `mydocker export [-o FILE] CONTAINER`: the container's filesystem as a tar archive.

import { ContainerStore } from "../container/store";
import { InvalidInputError } from "../errors";
import { isatty } from "../sys/process";
import { defineVerb, str } from "./_define";

export default defineVerb({
  meta: { name: "export", description: "Export a container's filesystem as a tar archive", usage: "[OPTIONS] CONTAINER" },
  positionals: { min: 1, max: 1 },
  args: {
    output: { type: "string", alias: "o", description: "Write to a file, instead of STDOUT" },
  },
  async run({ args, globals }) {
    const output = str(args, "output");
    if (output === undefined && isatty(1)) throw new InvalidInputError("cowardly refusing to save to a terminal. Use the -o flag or redirect");
    const store = new ContainerStore(globals.root);
    const config = store.readConfig(store.resolve(args._[0]));
    const { exportLayers } = await import("../image/export");
    exportLayers([config.Runtime.rootfs.upper, ...config.Runtime.rootfs.lower], output === undefined || output === "-" ? { fd: 1 } : { path: output });
  },
});
