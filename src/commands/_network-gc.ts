// Hidden: `mydocker _network-gc NETWORK_ID BRIDGE`, started when the default network's last container
// is removed: waits out a grace period, then tears the bridge and its rules down if still unused.

import { collectDefaultNetwork } from "../network/manage";
import { setsid } from "../sys/process";
import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "_network-gc", description: "internal: tear down the idle default network", hidden: true },
  async run({ args, globals }) {
    setsid(); // outlive the CLI's session and its terminal's signals
    await collectDefaultNetwork(globals.root, args._[0], args._[1]);
  },
});
