// `mydocker volume create|ls|inspect|rm|prune`

import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "volume", description: "Manage volumes", usage: "COMMAND" },
  subCommands: {
    create: () => import("./volume/create"),
    ls: () => import("./volume/ls"),
    list: () => import("./volume/ls"),
    inspect: () => import("./volume/inspect"),
    rm: () => import("./volume/rm"),
    remove: () => import("./volume/rm"),
    prune: () => import("./volume/prune"),
  },
});
