// Flags of `run`/`create` that the security module (src/container/security-module.ts) reads.

import type { Flags } from "./_define";

export const securityFlags: Flags = {
  privileged: { type: "boolean", description: "Give extended privileges to this container" },
  "cap-add": { type: "string", multiple: true, description: "Add Linux capabilities" },
  "cap-drop": { type: "string", multiple: true, description: "Drop Linux capabilities" },
  "security-opt": { type: "string", multiple: true, description: "Security Options" },
  device: { type: "string", multiple: true, description: "Add a host device to the container" },
  ulimit: { type: "string", multiple: true, description: "Ulimit options" },
  sysctl: { type: "string", multiple: true, description: "Sysctl options" },
};
