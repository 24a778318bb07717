// `mydocker network connect [--ip IP] [--alias A] NETWORK CONTAINER`

import { connectContainer } from "../../container/network-module";
import { ContainerStore } from "../../container/store";
import { defineVerb, list, str } from "../_define";

export default defineVerb({
  meta: { name: "connect", description: "Connect a container to a network", usage: "[OPTIONS] NETWORK CONTAINER" },
  positionals: { min: 2, max: 2 },
  args: {
    ip: { type: "string", description: "IPv4 address (e.g., 172.30.100.104)" },
    alias: { type: "string", multiple: true, description: "Add network-scoped alias for the container" },
  },
  run({ args, globals }) {
    return connectContainer({ globals, store: new ContainerStore(globals.root) }, args._[0], args._[1], { ip: str(args, "ip"), aliases: list(args, "alias") });
  },
});
