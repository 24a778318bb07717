// `update`: change the resource limits of a container. A container whose cgroup exists (running,
// paused, restarting) gets the new values written at once; in every state the record keeps them,
// so the next start applies them. Checked like `run`'s flags, against the current values.

import type { Globals } from "../commands/_define";
import { hostSupport, mergeUpdate, openCgroup, toResources, verifyResources, type ResourceConfig } from "../cgroups";
import { containerCgroup, resourceConfigOf } from "./cgroup-module";
import { assertCan } from "./state-machine";
import { observe } from "./status";
import { ContainerStore } from "./store";

/** Applies changes (only the fields given) to container ref; returns Docker's warnings. */
export async function updateContainer(globals: Globals, ref: string, changes: Partial<ResourceConfig>): Promise<string[]> {
  const store = new ContainerStore(globals.root);
  const id = store.resolve(ref);
  return store.lockedAsync(id, async () => {
    const config = store.readConfig(id);
    const state = observe(store, id)!;
    assertCan("update", state.Status, config.Name);
    const current = resourceConfigOf(config.HostConfig);
    const next = mergeUpdate(current, changes);
    const warnings = verifyResources(next, hostSupport(), { update: true });
    const rec = containerCgroup(config);
    if (rec && ["running", "paused", "restarting"].includes(state.Status)) {
      const cgroup = openCgroup(rec);
      const r = toResources(next);
      // "unlimited" must be written, not left out like an unset field
      if (changes.PidsLimit !== undefined && changes.PidsLimit <= 0) r.pidsLimit = -1;
      try {
        cgroup.set(r);
      } catch (e) {
        // back to the old limits; one that was unset must be written as unlimited, not left out
        const back = toResources(current);
        if (r.memory !== undefined && back.memory === undefined) back.memory = -1;
        if (r.memorySwap !== undefined && back.memorySwap === undefined) back.memorySwap = -1;
        if (r.cpuQuota !== undefined && back.cpuQuota === undefined) back.cpuQuota = -1;
        if (r.pidsLimit !== undefined && back.pidsLimit === undefined) back.pidsLimit = -1;
        try { cgroup.set(back); } catch { /* keep the first error */ }
        throw e;
      }
    }
    Object.assign(config.HostConfig, next);
    store.writeConfig(config);
    return warnings;
  });
}
