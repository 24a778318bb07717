// `mydocker network COMMAND`: create, ls, inspect, rm, prune, connect, disconnect.

import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "network", description: "Manage networks", usage: "COMMAND" },
  subCommands: {
    create: () => import("./network/create"),
    ls: () => import("./network/ls"),
    list: () => import("./network/ls"),
    inspect: () => import("./network/inspect"),
    rm: () => import("./network/rm"),
    remove: () => import("./network/rm"),
    prune: () => import("./network/prune"),
    connect: () => import("./network/connect"),
    disconnect: () => import("./network/disconnect"),
  },
});
