// `mydocker history [-H=false] [--no-trunc] [-q] [--format …] IMAGE`

import { imageHistory } from "../image/history";
import { ImageStore } from "../image/store";
import { bool, defineVerb, str } from "./_define";
import { ago, formatRows, humanSize } from "./_format";
import { out } from "../output";

export default defineVerb({
  meta: { name: "history", description: "Show the history of an image", usage: "[OPTIONS] IMAGE" },
  positionals: { min: 1, max: 1 },
  args: {
    human: { type: "boolean", alias: "H", default: true, description: "Print sizes and dates in human readable format" },
    "no-trunc": { type: "boolean", description: "Don't truncate output" },
    quiet: { type: "boolean", alias: "q", description: "Only show image IDs" },
    format: { type: "string", description: "Format output using a custom template: 'table', 'json', or a Go template" },
  },
  run({ args, globals }) {
    const store = new ImageStore(globals.root);
    const rows = imageHistory(store, store.get(args._[0]));
    const trunc = !bool(args, "no-trunc"), human = bool(args, "human");
    const now = Date.now();
    const objects = rows.map((r) => ({
      ID: r.id === "<missing>" || !trunc ? r.id : r.id.slice(7, 19),
      CreatedAt: r.created,
      CreatedSince: r.created ? (human ? ago(r.created, now) : r.created) : "N/A",
      CreatedBy: trunc && r.createdBy.length > 45 ? r.createdBy.slice(0, 44) + "…" : r.createdBy,
      Size: human ? humanSize(r.size) : String(r.size),
      Comment: r.comment,
    }));
    if (bool(args, "quiet")) {
      out(objects.map((o) => o.ID + "\n").join(""));
      return;
    }
    out(formatRows(str(args, "format"), objects, ["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"],
      (o) => [o.ID, o.CreatedSince, o.CreatedBy, o.Size, o.Comment].map(String)));
  },
});
