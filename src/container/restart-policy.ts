// The restart policy runs inside the monitor (no daemon); when it starts the container again it
// calls back `_prestart ID PID`, which does what `start` does between clone and "go".

import { rmSync } from "node:fs";
import type { Globals } from "../commands/_define";
import { bootId, processStartTime } from "../sys/proc";
import { loadModules, type ModuleContext } from "./modules";
import { nowRfc3339Nano } from "./record";
import { ContainerStore } from "./store";

export async function prestartRestarted(globals: Globals, id: string, pid: number): Promise<number> {
  const store = new ContainerStore(globals.root);
  const ctx: ModuleContext = { globals, store };
  return store.lockedAsync(id, async () => {
    const config = store.readConfig(id);
    const state = store.readState(id)!;
    for (const m of await loadModules()) await m.attach?.(config, pid, ctx);
    rmSync(`${store.containerDir(id)}/exit.json`, { force: true });
    store.writeState(id, {
      ...state, Status: "running", Pid: pid, PidStartTime: processStartTime(pid) ?? 0, BootId: bootId(),
      StartedAt: nowRfc3339Nano(), RestartCount: state.RestartCount + 1, ExitCode: 0, Error: "", OOMKilled: false,
    });
    return 0;
  });
}
