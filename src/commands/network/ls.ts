// `mydocker network ls [-q] [--no-trunc] [--format …] [-f KEY=VALUE]`

import { InvalidInputError } from "../../errors";
import { openNetworks } from "../../network/manage";
import type { NetworkRecord } from "../../network/store";
import { out } from "../../output";
import { bool, defineVerb, list, str } from "../_define";
import { formatRows } from "../_format";

function matches(n: NetworkRecord, filters: string[], predefined: (n: NetworkRecord) => boolean): boolean {
  for (const f of filters) {
    const eq = f.indexOf("=");
    if (eq <= 0) throw new InvalidInputError(`bad format of filter (expected name=value): ${f}`);
    const key = f.slice(0, eq), value = f.slice(eq + 1);
    switch (key) {
      case "name": if (!n.Name.includes(value)) return false; break;
      case "id": if (!n.Id.startsWith(value)) return false; break;
      case "driver": if (n.Driver !== value) return false; break;
      case "type": if ((value === "builtin") !== predefined(n)) return false; break;
      case "label": {
        const [k, v] = value.split("=", 2);
        if (!(k in n.Labels) || (v !== undefined && n.Labels[k] !== v)) return false;
        break;
      }
      default: throw new InvalidInputError(`invalid filter '${key}'`);
    }
  }
  return true;
}

export default defineVerb({
  meta: { name: "ls", description: "List networks", usage: "[OPTIONS]" },
  args: {
    quiet: { type: "boolean", alias: "q", description: "Only display network IDs" },
    "no-trunc": { type: "boolean", description: "Do not truncate the output" },
    format: { type: "string", description: "Format output using a custom template: 'table', 'json', or a Go template" },
    filter: { type: "string", alias: "f", multiple: true, description: "Provide filter values (e.g. \"driver=bridge\")" },
  },
  run({ args, globals }) {
    const store = openNetworks(globals.root);
    const predefined = (n: NetworkRecord) => n.Id === store.predefinedId(n.Name);
    const trunc = !bool(args, "no-trunc");
    const nets = store.list().filter((n) => matches(n, list(args, "filter"), predefined));
    if (bool(args, "quiet")) {
      out(nets.map((n) => (trunc ? n.Id.slice(0, 12) : n.Id) + "\n").join(""));
      return;
    }
    const rows = nets.map((n) => ({
      ID: trunc ? n.Id.slice(0, 12) : n.Id, Name: n.Name, Driver: n.Driver, Scope: n.Scope,
      IPv6: String(n.EnableIPv6), Internal: String(n.Internal), CreatedAt: n.Created,
      Labels: Object.entries(n.Labels).map(([k, v]) => `${k}=${v}`).join(","),
    }));
    out(formatRows(str(args, "format"), rows, ["NETWORK ID", "NAME", "DRIVER", "SCOPE"], (r) => [r.ID, r.Name, r.Driver, r.Scope].map(String)));
  },
});
