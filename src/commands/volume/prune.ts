// `mydocker volume prune [-a] [-f]`: removes unused anonymous volumes (all unused ones with -a).

import { ContainerStore } from "../../container/store";
import { volumeUsers } from "../../container/volume-module";
import { treeSize } from "../../storage/layer-paths";
import { VolumeStore } from "../../storage/volumes";
import { bool, defineVerb } from "../_define";
import { confirm } from "../_confirm";
import { humanSize } from "../_format";
import { out } from "../../output";

/** Removes the unused anonymous volumes (all unused ones with `all`); also `system prune --volumes`. */
export function pruneVolumes(root: string, all: boolean): { deleted: string[]; reclaimed: number } {
  const store = new VolumeStore(root);
  const containers = new ContainerStore(root);
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const v of store.list()) {
    if (!all && !v.Anonymous) continue;
    if (volumeUsers(containers).has(v.Name)) continue; // in use: kept
    try {
      const size = treeSize(v.Mountpoint);
      store.remove(v.Name, () => volumeUsers(containers).get(v.Name)?.[0]);
      deleted.push(v.Name);
      reclaimed += size;
    } catch { /* in use: kept */ }
  }
  return { deleted, reclaimed };
}

export default defineVerb({
  meta: { name: "prune", description: "Remove unused local volumes", usage: "[OPTIONS]" },
  positionals: { max: 0 },
  args: {
    all: { type: "boolean", alias: "a", description: "Remove all unused volumes, not just anonymous ones" },
    force: { type: "boolean", alias: "f", description: "Do not prompt for confirmation" },
    filter: { type: "string", multiple: true, description: "Provide filter values", hidden: true },
  },
  run({ args, globals }) {
    const all = bool(args, "all");
    if (!bool(args, "force") && !confirm("WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ")) return;
    const { deleted, reclaimed } = pruneVolumes(globals.root, all);
    out((deleted.length ? `Deleted Volumes:\n${deleted.join("\n")}\n\n` : "") + `Total reclaimed space: ${humanSize(reclaimed)}\n`);
  },
});
