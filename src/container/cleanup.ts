// After a container's process has exited: merge the monitor's exit record into the state, give
// back runtime resources (cgroup, network rules), and with --rm delete the record. Idempotent:
// the monitor's `_cleanup`, a foreground CLI, `stop`, `rm` and `start` may all call it.

import { existsSync, rmSync } from "node:fs";
import type { Globals } from "../commands/_define";
import { loadModules, runReleaseHook, type ModuleContext } from "./modules";
import { spawnShim } from "./shim";
import type { ContainerConfig, ContainerState } from "./record";
import { observe, settleExit } from "./status";
import { ContainerStore } from "./store";

export interface CleanupResult {
  state?: ContainerState;
  removed: boolean;
  /** The record's directory was left renamed for the monitor to remove ("done trash"). */
  trash?: boolean;
  errors: Error[];
}

/** Releases runtime resources of a container whose process is gone. Call under its lock. */
export async function releaseRuntime(globals: Globals, store: ContainerStore, config: ContainerConfig): Promise<Error[]> {
  const ctx: ModuleContext = { globals, store };
  return runReleaseHook(await loadModules(), "release", config, ctx);
}

let swept = false;

/**
 * Removes a deleted record's renamed directory after this command has returned: the shim's
 * `rmtree`, detached (unlinking a dozen freshly written files costs ~5 ms on these disks), or
 * in-process when it cannot be started. Trash a killed remover left is swept once per process.
 */
function removeTrash(store: ContainerStore, trash: string): void {
  if (!swept) { swept = true; store.sweepTrash(); }
  try {
    spawnShim("rmtree", [trash], ["ignore", "ignore", "ignore"], []);
  } catch {
    rmSync(trash, { recursive: true, force: true });
  }
}

/**
 * Deletes a container record after releasing everything it holds. Call under its lock. With
 * leaveTrash the renamed directory is left for the container's monitor (`run --rm`: "done
 * trash"), and `trash` says it was.
 */
export async function deleteContainer(globals: Globals, store: ContainerStore, config: ContainerConfig, opts: { removeVolumes?: boolean; leaveTrash?: boolean } = {}): Promise<{ errors: Error[]; trash: boolean }> {
  const ctx: ModuleContext = { globals, store, removeVolumes: opts.removeVolumes };
  const modules = await loadModules();
  const errors = await runReleaseHook(modules, "release", config, ctx);
  errors.push(...(await runReleaseHook(modules, "remove", config, ctx)));
  const trash = store.deleteRecord(config.Id, config.Name);
  if (trash && opts.leaveTrash) return { errors, trash: true };
  if (trash) removeTrash(store, trash);
  return { errors, trash: false };
}

/**
 * The exit path: settle state, release, and remove when AutoRemove. With `keepRecord`, --rm is
 * not applied (a caller that still needs the record removes it itself); with `leaveTrash` the
 * removed record's directory is left for the monitor (an attached run that says "done trash").
 */
export async function cleanupExited(globals: Globals, id: string, opts: { keepRecord?: boolean; leaveTrash?: boolean } = {}): Promise<CleanupResult> {
  const store = new ContainerStore(globals.root);
  if (!existsSync(`${store.containerDir(id)}/config.json`)) return { removed: true, errors: [] };
  return store.lockedAsync(id, async (): Promise<CleanupResult> => {
    if (!existsSync(`${store.containerDir(id)}/config.json`)) return { removed: true, errors: [] };
    const config = store.readConfig(id);
    const autoRemove = config.HostConfig.AutoRemove && !opts.keepRecord;
    // a record about to be deleted need not have its settled state written first
    const state = autoRemove ? observe(store, id) : settleExit(store, id);
    if (state && state.Status !== "exited" && state.Status !== "created" && state.Status !== "dead") {
      return { state, removed: false, errors: [] }; // running again (restarted): nothing to release
    }
    if (autoRemove) {
      const { errors, trash } = await deleteContainer(globals, store, config, { leaveTrash: opts.leaveTrash });
      return { state, removed: true, trash, errors };
    }
    const errors = await releaseRuntime(globals, store, config);
    rmSync(`${store.containerDir(id)}/cleanup-claimed`, { force: true });
    return { state, removed: false, errors };
  });
}
