// `mydocker port CONTAINER [PRIVATE_PORT[/PROTO]]`: the host ports a running container publishes.

import { activePorts } from "../container/network-module";
import { ContainerStore } from "../container/store";
import { InvalidInputError, NotFoundError } from "../errors";
import { parsePortKey, portKey, portLines } from "../network/ports";
import { out } from "../output";
import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "port", description: "List port mappings or a specific mapping for the container", usage: "CONTAINER [PRIVATE_PORT[/PROTO]]" },
  positionals: { min: 1, max: 2 },
  run({ args, globals }) {
    const [ref, want] = args._;
    const store = new ContainerStore(globals.root);
    const config = store.readConfig(store.resolve(ref));
    const active = activePorts(config);
    if (want === undefined) {
      out(portLines(active).map((l) => l + "\n").join(""));
      return;
    }
    if (!/^\d+(\/(tcp|udp))?$/.test(want)) throw new InvalidInputError(`invalid port ${want}`);
    const key = portKey(parsePortKey(want));
    const hits = active.filter((a) => portKey(a) === key);
    if (!hits.length) throw new NotFoundError(`no public port '${key}' published for ${ref}`);
    out(hits.map((a) => `${a.hostIp || "0.0.0.0"}:${a.hostPort}\n`).join(""));
  },
});
