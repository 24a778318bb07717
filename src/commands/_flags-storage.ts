// run/create flags of the volumes module (src/container/volume-module.ts reads them from raw).

import type { Flags } from "./_define";

export const storageFlags: Flags = {
  volume: { type: "string", alias: "v", multiple: true, description: "Bind mount a volume" },
  mount: { type: "string", multiple: true, description: "Attach a filesystem mount to the container" },
  tmpfs: { type: "string", multiple: true, description: "Mount a tmpfs directory" },
  "read-only": { type: "boolean", description: "Mount the container's root filesystem as read only" },
};
