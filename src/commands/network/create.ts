// `mydocker network create [OPTIONS] NETWORK`: prints the new network's id.

import { InvalidInputError } from "../../errors";
import { createNetwork } from "../../network/manage";
import { out } from "../../output";
import { bool, defineVerb, list, str } from "../_define";

function keyValues(items: string[], what: string): Record<string, string> {
  const outMap: Record<string, string> = {};
  for (const i of items) {
    const eq = i.indexOf("=");
    if (eq === 0) throw new InvalidInputError(`invalid ${what}: ${i}`);
    outMap[eq < 0 ? i : i.slice(0, eq)] = eq < 0 ? "" : i.slice(eq + 1);
  }
  return outMap;
}

export default defineVerb({
  meta: { name: "create", description: "Create a network", usage: "[OPTIONS] NETWORK" },
  positionals: { min: 1, max: 1 },
  args: {
    driver: { type: "string", alias: "d", description: "Driver to manage the Network", default: "bridge" },
    subnet: { type: "string", multiple: true, description: "Subnet in CIDR format that represents a network segment" },
    gateway: { type: "string", multiple: true, description: "IPv4 Gateway for the master subnet" },
    "ip-range": { type: "string", multiple: true, description: "Allocate container ip from a sub-range" },
    internal: { type: "boolean", description: "Restrict external access to the network" },
    label: { type: "string", multiple: true, description: "Set metadata on a network" },
    opt: { type: "string", alias: "o", multiple: true, description: "Set driver specific options" },
    attachable: { type: "boolean", description: "Enable manual container attachment", hidden: true },
  },
  run({ args, globals }) {
    const one = (name: string) => {
      const v = list(args, name);
      if (v.length > 1) throw new InvalidInputError(`only one --${name} is supported (IPv4, one subnet)`);
      return v[0];
    };
    const net = createNetwork(globals.root, {
      name: args._[0],
      driver: str(args, "driver"),
      subnet: one("subnet"),
      gateway: one("gateway"),
      ipRange: one("ip-range"),
      internal: bool(args, "internal"),
      labels: keyValues(list(args, "label"), "label"),
      options: keyValues(list(args, "opt"), "option"),
    });
    out(net.Id + "\n");
  },
});
