// `mydocker ps [-a] [-q] [--no-trunc] [-n N] [-l] [-f KEY=VALUE] [--format …]`

import { listContainers, type ListedContainer } from "../container/list";
import { ContainerStore } from "../container/store";
import { commandText, statusText } from "../container/view";
import { InvalidInputError } from "../errors";
import { bool, defineVerb, list, str } from "./_define";
import { ago, formatRows, humanDuration } from "./_format";
import { out } from "../output";

function matches(c: ListedContainer, filters: string[]): boolean {
  for (const f of filters) {
    const eq = f.indexOf("=");
    if (eq <= 0) throw new InvalidInputError(`bad format of filter (expected name=value): ${f}`);
    const key = f.slice(0, eq), value = f.slice(eq + 1);
    switch (key) {
      case "name": if (!new RegExp(value).test(c.config.Name)) return false; break;
      case "id": if (!c.config.Id.startsWith(value)) return false; break;
      case "status": if (c.state.Status !== value) return false; break;
      case "ancestor": if (c.config.Config.Image !== value && !c.config.Image.includes(value)) return false; break;
      case "exited": if (c.state.Status !== "exited" || String(c.state.ExitCode) !== value) return false; break;
      case "label": {
        const [k, v] = value.split("=", 2);
        const labels = c.config.Config.Labels ?? {};
        if (!(k in labels) || (v !== undefined && labels[k] !== v)) return false;
        break;
      }
      default: throw new InvalidInputError(`invalid filter '${key}'`);
    }
  }
  return true;
}

/**
 * -s: "RW (virtual RW+IMAGE)", as Docker prints it: the container's upperdir, and that plus its
 * image's layers. Loaded only for -s: sizing walks every upperdir, which plain ps never does.
 */
async function sizeText(root: string): Promise<(c: ListedContainer) => string> {
  const [{ ImageStore }, { rwSize }, { humanSize }] = await Promise.all([import("../image/store"), import("../storage/layer-paths"), import("./_format")]);
  const images = new ImageStore(root);
  const imageSize = new Map(images.list().map((i) => [i.id, images.size(i)]));
  return (c) => {
    const rw = rwSize(c.config.Runtime.rootfs.upper);
    return `${humanSize(rw)} (virtual ${humanSize(rw + (imageSize.get(c.config.Image) ?? 0))})`;
  };
}

export default defineVerb({
  meta: { name: "ps", description: "List containers", usage: "[OPTIONS]" },
  args: {
    all: { type: "boolean", alias: "a", description: "Show all containers (default shows just running)" },
    quiet: { type: "boolean", alias: "q", description: "Only display container IDs" },
    "no-trunc": { type: "boolean", description: "Don't truncate output" },
    last: { type: "string", alias: "n", description: "Show n last created containers (includes all states)" },
    latest: { type: "boolean", alias: "l", description: "Show the latest created container (includes all states)" },
    filter: { type: "string", alias: "f", multiple: true, description: "Filter output based on conditions provided" },
    format: { type: "string", description: "Format output using a custom template: 'table', 'json', or a Go template" },
    size: { type: "boolean", alias: "s", description: "Display total file sizes" },
  },
  async run({ args, globals }) {
    const store = new ContainerStore(globals.root);
    let rows = listContainers(store);
    const last = str(args, "last");
    if (last !== undefined && !/^-?\d+$/.test(last)) throw new InvalidInputError(`invalid argument "${last}" for "-n, --last" flag`);
    const n = bool(args, "latest") ? 1 : last !== undefined ? Number(last) : -1;
    if (!bool(args, "all") && n < 0) rows = rows.filter((c) => c.state.Status === "running" || c.state.Status === "restarting" || c.state.Status === "paused");
    rows = rows.filter((c) => matches(c, list(args, "filter")));
    if (n >= 0) rows = rows.slice(0, n);
    const trunc = !bool(args, "no-trunc");
    if (bool(args, "quiet")) {
      out(rows.map((c) => (trunc ? c.config.Id.slice(0, 12) : c.config.Id) + "\n").join(""));
      return;
    }
    const now = Date.now();
    const sized = bool(args, "size");
    const size = sized ? await sizeText(globals.root) : () => "0B";
    const objects = rows.map((c) => {
      const cmd = commandText(c.config);
      const ports = (c.config.Extensions.portsText as string | undefined) ?? "";
      const nets = (c.config.Extensions.networkNames as string[] | undefined) ?? [c.config.HostConfig.NetworkMode];
      return {
        Command: `"${trunc && cmd.length > 20 ? cmd.slice(0, 19) + "…" : cmd}"`,
        CreatedAt: new Date(c.config.Created).toISOString().replace("T", " ").replace(/\.\d+Z$/, " +0000 UTC"),
        ID: trunc ? c.config.Id.slice(0, 12) : c.config.Id,
        Image: c.config.Config.Image,
        Labels: Object.entries(c.config.Config.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(","),
        LocalVolumes: "0",
        Mounts: "",
        Names: c.config.Name,
        Networks: nets.join(","),
        Ports: ports,
        RunningFor: ago(c.config.Created, now),
        Size: size(c),
        State: c.state.Status,
        Status: statusText(c.state, now, humanDuration),
      };
    });
    const format = str(args, "format");
    out(formatRows(format, objects,
      ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES", ...(sized ? ["SIZE"] : [])],
      (o) => [o.ID, o.Image, o.Command, o.RunningFor, o.Status, o.Ports, o.Names, ...(sized ? [o.Size] : [])].map(String)));
  },
});
