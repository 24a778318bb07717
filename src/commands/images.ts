// `mydocker images [-a] [-q] [--no-trunc] [--format …] [REPOSITORY[:TAG]]`

import { ImageStore, splitTagKey } from "../image/store";
import { defineVerb, bool, str } from "./_define";
import { ago, formatRows, humanSize } from "./_format";
import { out } from "../output";

export default defineVerb({
  meta: { name: "images", description: "List images", usage: "[OPTIONS] [REPOSITORY[:TAG]]" },
  args: {
    all: { type: "boolean", alias: "a", description: "Show all images (default hides intermediate images)" },
    quiet: { type: "boolean", alias: "q", description: "Only show image IDs" },
    "no-trunc": { type: "boolean", description: "Don't truncate output" },
    digests: { type: "boolean", description: "Show digests" },
    format: { type: "string", description: "Format output using a custom template: 'table', 'json', or a Go template" },
    filter: { type: "string", alias: "f", multiple: true, description: "Filter output based on conditions provided (dangling=true|false, reference=…)" },
  },
  run({ args, globals }) {
    const store = new ImageStore(globals.root);
    const trunc = !bool(args, "no-trunc");
    const repoFilter = args._[0];
    const filters = (Array.isArray(args.filter) ? args.filter : []) as string[];
    const rows: Record<string, unknown>[] = [];
    const now = Date.now();
    for (const img of store.list().sort((a, b) => ((a.config.created ?? "") < (b.config.created ?? "") ? 1 : -1))) {
      const tags = img.tags.length ? img.tags : ["<none>:<none>"];
      const size = humanSize(store.size(img));
      for (const t of tags) {
        const [repo, tag] = t === "<none>:<none>" ? ["<none>", "<none>"] : splitTagKey(t);
        if (repoFilter && !(repo === repoFilter || t === repoFilter || `${repo}:${tag}` === repoFilter)) continue;
        let keep = true;
        for (const f of filters) {
          const [k, v] = f.split("=", 2);
          if (k === "dangling") keep &&= (v === "true") === (img.tags.length === 0);
          if (k === "reference") keep &&= new RegExp("^" + v.replace(/\*/g, "[^/]*") + "$").test(repo) || t === v;
        }
        if (!keep) continue;
        rows.push({
          Containers: "N/A",
          CreatedAt: img.config.created ?? "",
          CreatedSince: img.config.created ? ago(img.config.created, now) : "N/A",
          Digest: "<none>",
          ID: trunc ? img.id.slice(7, 19) : img.id,
          Repository: repo,
          SharedSize: "N/A",
          Size: size,
          Tag: tag,
          UniqueSize: "N/A",
          VirtualSize: size,
        });
      }
    }
    if (bool(args, "quiet")) {
      out([...new Set(rows.map((r) => String(r.ID)))].map((id) => id + "\n").join(""));
      return;
    }
    out(formatRows(str(args, "format"), rows, ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"],
      (r) => [r.Repository, r.Tag, r.ID, r.CreatedSince, r.Size].map(String)));
  },
});
