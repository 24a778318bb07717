// `run`/`create` flags of the registry module: whether to pull the image first, and for which platform.

import type { Flags } from "./_define";

export const pullFlags: Flags = {
  pull: { type: "string", default: "missing", description: 'Pull image before running ("always", "missing", "never")' },
  platform: { type: "string", description: "Set platform if server is multi-platform capable (os/arch[/variant])" },
};
