// `mydocker system df [--format]`: disk used by images, containers and volumes, and what of it
// pruning would free, in `docker system df`'s rows and columns. Layers shared by several images
// count once; an image is active when a container uses it, a container when it runs, a volume
// when a container mounts it. There is no build cache (no `build`): its row is zero.

import { listContainers } from "../../container/list";
import { ContainerStore } from "../../container/store";
import { volumeUsers } from "../../container/volume-module";
import { ImageStore } from "../../image/store";
import { out } from "../../output";
import { layerSize, rwSize, treeSize } from "../../storage/layer-paths";
import { VolumeStore } from "../../storage/volumes";
import { defineVerb, str } from "../_define";
import { formatRows, humanSize } from "../_format";

interface Usage { Type: string; TotalCount: number; Active: number; bytes: number; reclaimable: number }

/** Docker's Reclaimable column: the size, and its share of the total when there is a total. */
function reclaimable(u: Usage): string {
  const size = humanSize(u.reclaimable, 4);
  return u.bytes > 0 ? `${size} (${Math.floor((u.reclaimable * 100) / u.bytes)}%)` : size;
}

export default defineVerb({
  meta: { name: "df", description: "Show docker disk usage", usage: "[OPTIONS]" },
  positionals: { max: 0 },
  args: { format: { type: "string", description: "Format output using a custom template: 'table', 'json', or a Go template" } },
  run({ args, globals }) {
    const store = new ContainerStore(globals.root);
    const containers = listContainers(store);
    const images = new ImageStore(globals.root);
    const all = images.list();
    const usedImages = new Set(containers.map((c) => c.config.Image));
    const layers = (ids: string[]) => new Set(all.filter((i) => ids.includes(i.id)).flatMap((i) => i.config.rootfs.diff_ids));
    const sum = (diffIds: Set<string>) => [...diffIds].reduce((n, d) => n + layerSize(images.layersDir, d), 0);
    const allLayers = layers(all.map((i) => i.id)), activeLayers = layers([...usedImages]);
    const imageUsage: Usage = {
      Type: "Images", TotalCount: all.length, Active: all.filter((i) => usedImages.has(i.id)).length,
      bytes: sum(allLayers), reclaimable: sum(new Set([...allLayers].filter((d) => !activeLayers.has(d)))),
    };

    const running = (s: string) => s === "running" || s === "paused" || s === "restarting";
    const sizes = containers.map((c) => ({ live: running(c.state.Status), size: rwSize(c.config.Runtime.rootfs.upper) }));
    const containerUsage: Usage = {
      Type: "Containers", TotalCount: containers.length, Active: sizes.filter((s) => s.live).length,
      bytes: sizes.reduce((n, s) => n + s.size, 0), reclaimable: sizes.filter((s) => !s.live).reduce((n, s) => n + s.size, 0),
    };

    const users = volumeUsers(store);
    const vols = new VolumeStore(globals.root).list().map((v) => ({ used: users.has(v.Name), size: treeSize(v.Mountpoint) }));
    const volumeUsage: Usage = {
      Type: "Local Volumes", TotalCount: vols.length, Active: vols.filter((v) => v.used).length,
      bytes: vols.reduce((n, v) => n + v.size, 0), reclaimable: vols.filter((v) => !v.used).reduce((n, v) => n + v.size, 0),
    };
    const cache: Usage = { Type: "Build Cache", TotalCount: 0, Active: 0, bytes: 0, reclaimable: 0 };

    const rows = [imageUsage, containerUsage, volumeUsage, cache].map((u) => ({
      Type: u.Type, TotalCount: u.TotalCount, Active: u.Active, Size: humanSize(u.bytes, 4),
      Reclaimable: u.Type === "Build Cache" ? humanSize(0, 4) : reclaimable(u),
    }));
    out(formatRows(str(args, "format"), rows, ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"],
      (r) => [String(r.Type), String(r.TotalCount), String(r.Active), String(r.Size), String(r.Reclaimable)]));
  },
});
