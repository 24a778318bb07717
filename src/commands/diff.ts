// `mydocker diff CONTAINER`: what the container added (A), changed (C) and deleted (D) in its
// filesystem, one "K /path" line each, as `docker diff` prints them (storage/overlay-changes.ts).

import { placeholderPaths } from "../container/commit";
import { ContainerStore } from "../container/store";
import { out } from "../output";
import { overlayChanges } from "../storage/overlay-changes";
import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "diff", description: "Inspect changes to files or directories on a container's filesystem", usage: "CONTAINER" },
  positionals: { min: 1, max: 1 },
  run({ args, globals }) {
    const store = new ContainerStore(globals.root);
    const config = store.readConfig(store.resolve(args._[0]));
    const { upper, lower } = config.Runtime.rootfs;
    const changes = overlayChanges(upper, lower, new Set(placeholderPaths(config)));
    out(changes.map((c) => `${c.kind} ${c.path}\n`).join(""));
  },
});
