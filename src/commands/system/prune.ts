// `mydocker system prune [-a] [-f] [--volumes]`: container prune, then network prune, then (with
// --volumes) volume prune, then image prune (dangling images, or with -a every image no container
// uses), in the order Docker runs them: each step frees what the next one checks is unused.

import { listContainers } from "../../container/list";
import { ContainerStore } from "../../container/store";
import { pruneImages } from "../../image/prune";
import { ImageStore } from "../../image/store";
import { pruneNetworks } from "../../network/manage";
import { out } from "../../output";
import { confirm } from "../_confirm";
import { bool, defineVerb } from "../_define";
import { humanSize } from "../_format";
import { pruneContainers } from "../container/prune";
import { pruneVolumes } from "../volume/prune";

export default defineVerb({
  meta: { name: "prune", description: "Remove unused data", usage: "[OPTIONS]" },
  positionals: { max: 0 },
  args: {
    all: { type: "boolean", alias: "a", description: "Remove all unused images not just dangling ones" },
    force: { type: "boolean", alias: "f", description: "Do not prompt for confirmation" },
    volumes: { type: "boolean", description: "Prune anonymous volumes" },
  },
  async run({ args, globals }) {
    const all = bool(args, "all"), volumes = bool(args, "volumes");
    const warning = ["WARNING! This will remove:", "  - all stopped containers", "  - all networks not used by at least one container"];
    if (volumes) warning.push("  - all anonymous volumes not used by at least one container");
    warning.push(all ? "  - all images without at least one container associated to them" : "  - all dangling images");
    if (!bool(args, "force") && !confirm(`${warning.join("\n")}\n\nAre you sure you want to continue? [y/N] `)) return;

    const parts: string[] = [];
    const section = (title: string, names: string[]) => { if (names.length) parts.push(`${title}:\n${names.join("\n")}\n`); };
    section("Deleted Containers", await pruneContainers(globals));
    section("Deleted Networks", pruneNetworks(globals.root));
    let reclaimed = 0;
    if (volumes) {
      const v = pruneVolumes(globals.root, false);
      section("Deleted Volumes", v.deleted);
      reclaimed += v.reclaimed;
    }
    const used = new Set(listContainers(new ContainerStore(globals.root)).map((c) => c.config.Image));
    const images = pruneImages(new ImageStore(globals.root), used, all);
    section("Deleted Images", images.lines);
    reclaimed += images.reclaimed;
    out(parts.map((p) => p + "\n").join("") + `Total reclaimed space: ${humanSize(reclaimed)}\n`);
  },
});
