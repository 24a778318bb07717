// `history`: an image's history entries, newest first, each paired with the layer it made
// (entries with empty_layer make none), as Docker lists them.

import { layerSize } from "../storage/layer-paths";
import type { Image, ImageStore } from "./store";

export interface HistoryRow {
  id: string;          // the image id on the newest row, "<missing>" below it
  created: string;
  createdBy: string;
  size: number;
  comment: string;
}

export function imageHistory(store: ImageStore, img: Image): HistoryRow[] {
  const diffs = img.config.rootfs.diff_ids;
  const history = img.config.history?.length
    ? img.config.history
    : diffs.map(() => ({ created: img.config.created, created_by: "", comment: "" }));
  const rows: HistoryRow[] = [];
  let layer = 0;
  for (const h of history) {
    const empty = "empty_layer" in h && h.empty_layer === true;
    const size = !empty && layer < diffs.length ? layerSize(store.layersDir, diffs[layer++]) : 0;
    rows.push({ id: "<missing>", created: h.created ?? "", createdBy: h.created_by ?? "", size, comment: h.comment ?? "" });
  }
  rows.reverse();
  if (rows.length) rows[0].id = img.id;
  return rows;
}
