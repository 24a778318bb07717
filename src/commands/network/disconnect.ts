// `mydocker network disconnect [-f] NETWORK CONTAINER`

import { disconnectContainer } from "../../container/network-module";
import { ContainerStore } from "../../container/store";
import { bool, defineVerb } from "../_define";

export default defineVerb({
  meta: { name: "disconnect", description: "Disconnect a container from a network", usage: "[OPTIONS] NETWORK CONTAINER" },
  positionals: { min: 2, max: 2 },
  args: {
    force: { type: "boolean", alias: "f", description: "Force the container to disconnect from a network" },
  },
  run({ args, globals }) {
    return disconnectContainer({ globals, store: new ContainerStore(globals.root) }, args._[0], args._[1], bool(args, "force"));
  },
});
