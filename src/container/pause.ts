// `pause` and `unpause`: every process of a running container is frozen through its cgroup's
// freezer (v1 freezer.state, or cgroup.freeze on cgroup2) and thawed again; the record says
// "paused" meanwhile (ps: "Up … (Paused)"). A paused container can still be stopped, killed,
// restarted and removed: the signal is sent, then the cgroup thawed so it is delivered, as Docker
// does for SIGKILL and the stop signal.

import type { Globals } from "../commands/_define";
import { HostError } from "../errors";
import { openCgroup, type CgroupManager } from "../cgroups";
import { containerCgroup } from "./cgroup-module";
import type { ContainerConfig } from "./record";
import { assertCan } from "./state-machine";
import { observe } from "./status";
import { ContainerStore } from "./store";

function cgroupOf(config: ContainerConfig): CgroupManager {
  const rec = containerCgroup(config);
  if (!rec) throw new HostError(`container ${config.Name} has no cgroup to freeze`);
  return openCgroup(rec);
}

/** Freezes (paused) or thaws container ref, as `docker pause` / `docker unpause`. */
export function setPaused(globals: Globals, ref: string, paused: boolean): void {
  const store = new ContainerStore(globals.root);
  const id = store.resolve(ref);
  store.locked(id, () => {
    const config = store.readConfig(id);
    const state = observe(store, id)!;
    assertCan(paused ? "pause" : "unpause", state.Status, config.Name);
    const cgroup = cgroupOf(config);
    cgroup.freeze(paused);
    try {
      store.writeState(id, { ...state, Status: paused ? "paused" : "running" });
    } catch (e) {
      // the record must not say running while the processes are frozen (or the reverse)
      try { cgroup.freeze(!paused); } catch { /* report the first error */ }
      throw e;
    }
  });
}

/**
 * Thaws container id if it is paused, after a signal meant to end it was sent: a frozen process
 * takes the signal only once thawed (v1 freezer: not even SIGKILL).
 */
export function thawAfterSignal(store: ContainerStore, id: string): void {
  store.locked(id, () => {
    const state = observe(store, id);
    if (state?.Status !== "paused") return;
    cgroupOf(store.readConfig(id)).freeze(false);
    store.writeState(id, { ...state, Status: "running" });
  });
}
