// `mydocker container prune [-f] [--filter until=…|label=…]`: removes every stopped container, and
// the directories creates killed before writing their record left behind.

import { deleteContainer } from "../../container/cleanup";
import { listContainers, type ListedContainer } from "../../container/list";
import { observe } from "../../container/status";
import { ContainerStore } from "../../container/store";
import { out } from "../../output";
import { bool, defineVerb, list, type Globals } from "../_define";
import { confirm } from "../_confirm";
import { parseLogTime } from "../../container/logs";
import { InvalidInputError } from "../../errors";
import { existsSync } from "node:fs";

/**
 * Removes every stopped container that `take` accepts, and the directories creates killed before
 * writing their record left; returns the removed ids. Also `system prune`'s first step.
 */
export async function pruneContainers(globals: Globals, take: (c: ListedContainer) => boolean = () => true): Promise<string[]> {
  const store = new ContainerStore(globals.root);
  const deleted: string[] = [];
  for (const c of listContainers(store)) {
    if (c.state.Status !== "exited" && c.state.Status !== "created" && c.state.Status !== "dead") continue;
    if (!take(c)) continue;
    await store.lockedAsync(c.config.Id, async () => {
      if (!existsSync(`${store.containerDir(c.config.Id)}/config.json`)) return;
      // started since it was listed? then it stays
      const now = observe(store, c.config.Id)?.Status;
      if (now !== "exited" && now !== "created" && now !== "dead") return;
      await deleteContainer(globals, store, store.readConfig(c.config.Id));
      deleted.push(c.config.Id);
    });
  }
  store.sweepAbandoned(); // directories killed creates left, which ps does not list
  return deleted;
}

export default defineVerb({
  meta: { name: "prune", description: "Remove all stopped containers", usage: "[OPTIONS]" },
  args: {
    force: { type: "boolean", alias: "f", description: "Do not prompt for confirmation" },
    filter: { type: "string", multiple: true, description: "Provide filter values (e.g. 'until=<timestamp>', 'label=k=v')" },
  },
  async run({ args, globals }) {
    let until: number | undefined;
    const labels: string[] = [];
    for (const f of list(args, "filter")) {
      const [k, v] = [f.slice(0, f.indexOf("=")), f.slice(f.indexOf("=") + 1)];
      if (k === "until") until = parseLogTime(v);
      else if (k === "label") labels.push(v);
      else throw new InvalidInputError(`invalid filter '${k}'`);
    }
    if (!bool(args, "force") && !confirm("WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ")) return;
    const deleted = await pruneContainers(globals, (c) =>
      (until === undefined || Date.parse(c.config.Created) < until) &&
      labels.every((l) => { const [k, v] = l.split("=", 2); const L = c.config.Config.Labels ?? {}; return k in L && (v === undefined || L[k] === v); }));
    out(`Deleted Containers:\n${deleted.map((d) => d + "\n").join("")}\nTotal reclaimed space: 0B\n`);
  },
});
