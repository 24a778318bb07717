// `mydocker stats [OPTIONS] [CONTAINER...]`: live usage of containers (all running ones when none
// is named). On a terminal the table refreshes in place every second; with --no-stream or when
// stdout is not a terminal it is printed once, from two samples half a second apart.

import { listContainers } from "../container/list";
import { hostMemoryBytes, sampleContainer, statsRow, type StatsSample } from "../container/stats";
import { observe } from "../container/status";
import { ContainerStore } from "../container/store";
import { NotFoundError } from "../errors";
import { out } from "../output";
import { isatty } from "../sys/process";
import { bool, defineVerb, str } from "./_define";
import { bytesSize, formatRows, humanSize } from "./_format";

const HEADER = ["CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS"];
const ONCE_INTERVAL_MS = 500;
const STREAM_INTERVAL_MS = 1000;

export default defineVerb({
  meta: { name: "stats", description: "Display a live stream of container(s) resource usage statistics", usage: "[OPTIONS] [CONTAINER...]" },
  args: {
    all: { type: "boolean", alias: "a", description: "Show all containers (default shows just running)" },
    format: { type: "string", description: "Format output using a custom template: 'table', 'json', or a Go template" },
    "no-stream": { type: "boolean", description: "Disable streaming stats and only pull the first result" },
    "no-trunc": { type: "boolean", description: "Do not truncate output" },
  },
  async run({ args, globals }) {
    const store = new ContainerStore(globals.root);
    const named = args._.map((ref) => ({ ref, id: store.resolve(ref) }));
    const targets = (): { ref: string; id: string }[] => {
      if (named.length) return named;
      return listContainers(store)
        .filter((c) => bool(args, "all") || c.state.Status === "running" || c.state.Status === "paused")
        .map((c) => ({ ref: c.config.Id.slice(0, 12), id: c.config.Id }))
        .reverse(); // oldest first, as Docker lists them
    };
    const sampleAll = (list: { ref: string; id: string }[]): Map<string, StatsSample> => {
      const m = new Map<string, StatsSample>();
      for (const t of list) {
        const state = observe(store, t.id);
        if (!state) {
          if (named.length) throw new NotFoundError(`No such container: ${t.ref}`);
          continue;
        }
        m.set(t.id, sampleContainer(store.readConfig(t.id), state));
      }
      return m;
    };
    const hostMemory = hostMemoryBytes();
    const format = str(args, "format");
    const render = (list: { ref: string; id: string }[], cur: Map<string, StatsSample>, prev: Map<string, StatsSample>): string => {
      const rows = list.filter((t) => cur.has(t.id)).map((t) =>
        statsRow(t.ref, cur.get(t.id)!, prev.get(t.id), hostMemory, { bytesSize, humanSize }, !bool(args, "no-trunc")));
      return formatRows(format, rows as unknown as Record<string, unknown>[], HEADER,
        (r) => [r.ID, r.Name, r.CPUPerc, r.MemUsage, r.MemPerc, r.NetIO, r.BlockIO, r.PIDs].map(String));
    };

    if (bool(args, "no-stream") || !isatty(1)) {
      const list = targets();
      const first = sampleAll(list);
      await Bun.sleep(ONCE_INTERVAL_MS);
      out(render(list, sampleAll(list), first));
      return 0;
    }
    let prev = sampleAll(targets());
    for (;;) {
      await Bun.sleep(STREAM_INTERVAL_MS);
      const list = targets();
      const cur = sampleAll(list);
      out("\x1b[2J\x1b[H" + render(list, cur, prev));
      prev = cur;
    }
  },
});
