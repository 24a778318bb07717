// `mydocker rmi [-f] IMAGE...`: untags, and deletes images (and their unshared layers) that no
// tag and no container uses any more.

import { listContainers } from "../container/list";
import { ContainerStore } from "../container/store";
import { ConflictError } from "../errors";
import { ImageStore } from "../image/store";
import { familiarString, parseReference } from "../image/reference";
import { bool, defineVerb } from "./_define";
import { forEachTarget } from "./_targets";
import { out } from "../output";

export default defineVerb({
  meta: { name: "rmi", description: "Remove one or more images", usage: "[OPTIONS] IMAGE [IMAGE...]" },
  positionals: { min: 1 },
  args: {
    force: { type: "boolean", alias: "f", description: "Force removal of the image" },
    "no-prune": { type: "boolean", description: "Do not delete untagged parents" },
  },
  run({ args, globals }) {
    const store = new ImageStore(globals.root);
    const containers = new ContainerStore(globals.root);
    const force = bool(args, "force");
    return forEachTarget(args._, async (ref) => {
      const lines = store.locked(() => {
        const img = store.get(ref);
        const users = listContainers(containers).filter((c) => c.config.Image === img.id);
        const out: string[] = [];
        let byTag: string | undefined;
        try { byTag = familiarString(parseReference(ref)); } catch { byTag = undefined; }
        const namedTag = byTag && img.tags.includes(byTag) ? byTag : undefined;
        // Removing one of several tags only untags, as Docker does.
        if (namedTag && img.tags.length > 1) {
          store.removeTag(namedTag);
          return [`Untagged: ${namedTag}`];
        }
        if (users.length > 0 && !force) {
          const what = namedTag ? `repository reference "${ref}"` : `image ${img.id.slice(7, 19)}`;
          throw new ConflictError(`conflict: unable to remove ${what} (must force) - container ${users[0].config.Id.slice(0, 12)} is using its referenced image ${img.id.slice(7, 19)}`);
        }
        if (!namedTag && img.tags.length > 1 && !force)
          throw new ConflictError(`conflict: unable to delete ${img.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`);
        for (const t of img.tags) { store.removeTag(t); out.push(`Untagged: ${t}`); }
        if (users.length === 0) out.push(...store.deleteImage(img.id));
        return out;
      });
      out(lines.map((l) => l + "\n").join(""));
    });
  },
});
