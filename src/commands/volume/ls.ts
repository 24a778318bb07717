// `mydocker volume ls [-q] [-f dangling=…|name=…|label=…] [--format …]`

import { ContainerStore } from "../../container/store";
import { volumeUsers } from "../../container/volume-module";
import { InvalidInputError } from "../../errors";
import { VolumeStore } from "../../storage/volumes";
import { bool, defineVerb, list, str } from "../_define";
import { formatRows } from "../_format";
import { out } from "../../output";
import { volumeView } from "./_view";

export default defineVerb({
  meta: { name: "ls", description: "List volumes", usage: "[OPTIONS]" },
  args: {
    quiet: { type: "boolean", alias: "q", description: "Only display volume names" },
    filter: { type: "string", alias: "f", multiple: true, description: "Provide filter values (e.g. \"dangling=true\")" },
    format: { type: "string", description: "Format output using a custom template: 'table', 'json', or a Go template" },
  },
  run({ args, globals }) {
    let vols = new VolumeStore(globals.root).list();
    const filters = list(args, "filter");
    if (filters.length) {
      const users = volumeUsers(new ContainerStore(globals.root));
      for (const f of filters) {
        const eq = f.indexOf("=");
        if (eq <= 0) throw new InvalidInputError(`bad format of filter (expected name=value): ${f}`);
        const k = f.slice(0, eq), v = f.slice(eq + 1);
        if (k === "dangling") vols = vols.filter((x) => !users.has(x.Name) === ["true", "1"].includes(v));
        else if (k === "name") vols = vols.filter((x) => x.Name.includes(v));
        else if (k === "driver") vols = vols.filter((x) => x.Driver === v);
        else if (k === "label") {
          const [lk, lv] = v.split("=", 2);
          vols = vols.filter((x) => { const l = volumeView(x).Labels as Record<string, string> | null; return !!l && lk in l && (lv === undefined || l[lk] === lv); });
        } else throw new InvalidInputError(`invalid filter '${k}'`);
      }
    }
    if (bool(args, "quiet")) {
      out(vols.map((v) => v.Name + "\n").join(""));
      return;
    }
    const rows = vols.map((v) => {
      const view = volumeView(v);
      const labels = Object.entries((view.Labels as Record<string, string> | null) ?? {}).map(([k, x]) => `${k}=${x}`).join(",");
      return { Driver: v.Driver, Labels: labels, Links: "N/A", Mountpoint: v.Mountpoint, Name: v.Name, Scope: v.Scope, Size: "N/A" };
    });
    out(formatRows(str(args, "format"), rows, ["DRIVER", "VOLUME NAME"], (r) => [r.Driver, r.Name]));
  },
});
