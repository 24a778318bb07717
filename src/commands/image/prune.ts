// `mydocker image prune [-a] [-f]`

import { listContainers } from "../../container/list";
import { ContainerStore } from "../../container/store";
import { pruneImages } from "../../image/prune";
import { ImageStore } from "../../image/store";
import { bool, defineVerb } from "../_define";
import { confirm } from "../_confirm";
import { humanSize } from "../_format";
import { out } from "../../output";

export default defineVerb({
  meta: { name: "prune", description: "Remove unused images", usage: "[OPTIONS]" },
  positionals: { max: 0 },
  args: {
    all: { type: "boolean", alias: "a", description: "Remove all unused images, not just dangling ones" },
    force: { type: "boolean", alias: "f", description: "Do not prompt for confirmation" },
    filter: { type: "string", multiple: true, description: "Provide filter values", hidden: true },
  },
  run({ args, globals }) {
    const all = bool(args, "all");
    const warning = all
      ? "WARNING! This will remove all images without at least one container associated to them."
      : "WARNING! This will remove all dangling images.";
    if (!bool(args, "force") && !confirm(`${warning}\nAre you sure you want to continue? [y/N] `)) return;
    const used = new Set(listContainers(new ContainerStore(globals.root)).map((c) => c.config.Image));
    const { lines, reclaimed } = pruneImages(new ImageStore(globals.root), used, all);
    out((lines.length ? `Deleted Images:\n${lines.join("\n")}\n\n` : "") + `Total reclaimed space: ${humanSize(reclaimed)}\n`);
  },
});
