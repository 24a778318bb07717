// Reading many containers at once (ps, prune, rmi's in-use check). Records that vanish while
// being read (a concurrent rm) are skipped, never reported as corrupt.

import type { ContainerConfig, ContainerState } from "./record";
import { observe } from "./status";
import { ContainerStore } from "./store";

export interface ListedContainer { config: ContainerConfig; state: ContainerState }

export function listContainers(store: ContainerStore): ListedContainer[] {
  const out: ListedContainer[] = [];
  for (const id of store.candidateIds()) {
    try {
      const config = store.readConfig(id);
      const state = observe(store, id);
      if (state) out.push({ config, state });
    } catch (e: any) {
      if (e?.code !== "ENOENT") throw e;
    }
  }
  return out.sort((a, b) => (a.config.Created < b.config.Created ? 1 : -1));
}
