// `rm [-f]`: a running container needs -f, which kills it (SIGKILL), waits for its process and
// its monitor to be gone, then releases everything and deletes the record.

import { existsSync, writeFileSync } from "node:fs";
import type { Globals } from "../commands/_define";
import { isSameProcess } from "../sys/proc";
import { kill } from "../sys/process";
import { deleteContainer } from "./cleanup";
import { assertCan } from "./state-machine";
import { observe } from "./status";
import { ContainerStore } from "./store";
import { waitGone } from "./wait";

/**
 * Stops the container's process for good: no restart, and the caller (not the monitor) will
 * release its resources. Returns once the process and its monitor are gone.
 */
export async function killAndClaim(store: ContainerStore, id: string, signal: number, graceMs: number): Promise<void> {
  const dir = store.containerDir(id);
  writeFileSync(`${dir}/manual-stop`, "");
  writeFileSync(`${dir}/cleanup-claimed`, "");
  const state = observe(store, id);
  if (!state) return;
  if (state.Status === "restarting" && state.MonitorPid) kill(state.MonitorPid, 15); // ends its back-off
  if ((state.Status === "running" || state.Status === "paused") && isSameProcess(state.Pid, state.PidStartTime, state.BootId)) {
    kill(state.Pid, signal);
    // the signal is delivered once thawed (loaded only then: the cgroup code is not rm's usual path)
    if (state.Status === "paused") (await import("./pause")).thawAfterSignal(store, id);
    if (!(await waitGone(state.Pid, state.PidStartTime, state.BootId, graceMs)) && signal !== 9) {
      kill(state.Pid, 9);
      await waitGone(state.Pid, state.PidStartTime, state.BootId, 10_000);
    }
  }
  if (state.MonitorPid) await waitGone(state.MonitorPid, state.MonitorStartTime, state.BootId, 10_000);
}

export async function removeContainer(globals: Globals, ref: string, force: boolean, removeVolumes = false): Promise<void> {
  const store = new ContainerStore(globals.root);
  const id = store.resolve(ref);
  const config = store.readConfig(id);
  const state = observe(store, id);
  if (!state) return;
  assertCan(force ? "forceRemove" : "remove", state.Status, config.Name);
  if (state.Status !== "exited" && state.Status !== "created" && state.Status !== "dead") {
    await killAndClaim(store, id, 9, 10_000);
  }
  await store.lockedAsync(id, async () => {
    if (!existsSync(`${store.containerDir(id)}/config.json`)) return; // removed meanwhile (--rm)
    const { errors } = await deleteContainer(globals, store, store.readConfig(id), { removeVolumes });
    if (errors.length) throw errors[0];
  });
}
