// Starting a container's process: the monitor is spawned, clones the container, and this CLI
// makes its cgroups while the container's init boots (module `setup` hooks; "cgroups" tells init
// they exist), then places the new pid (module `attach` hooks: early cgroups, network) before
// saying "go". See the protocol diagram in cshim/monitor.c. Used by `run`, `start`, `restart`.

import { existsSync, rmSync } from "node:fs";
import type { Globals } from "../commands/_define";
import { ContainerCommandError, HostError, MydockerError } from "../errors";
import { bootId, processStartTime } from "../sys/proc";
import { kill } from "../sys/process";
import type { LineChannel } from "./channel";
import { releaseRuntime } from "./cleanup";
import { loadModules, runHook, runReleaseHook, type ModuleContext } from "./modules";
import { abandonMonitor, type Monitor, monitorPlan, parseExitLine, spawnMonitor, type ExitReport, type StartIO } from "./monitor";
import { type ContainerConfig, type ContainerState, nowRfc3339Nano } from "./record";
import { closeQuietly } from "./shim";
import { assertCan } from "./state-machine";
import { observe } from "./status";
import { ContainerStore } from "./store";

const STARTUP_TIMEOUT_MS = 60_000;

export interface RunningContainer {
  config: ContainerConfig;
  pid: number;
  monitorPid: number;
  /** The monitor's control channel; "exit CODE SIGNAL OOM RESTARTING" arrives here. */
  control: LineChannel;
}

/**
 * Starts the container's process and returns once it runs the user's command. On failure the
 * container is left exited (its resources released) and a ContainerCommandError or
 * MydockerError carries the reason and exit code.
 */
export async function startContainer(globals: Globals, id: string, io: StartIO, early?: Monitor): Promise<RunningContainer> {
  const store = new ContainerStore(globals.root);
  const ctx: ModuleContext = { globals, store, passFds: [] };
  return store.lockedAsync(id, async () => {
    const config = store.readConfig(id);
    const state = observe(store, id)!;
    const dir = store.containerDir(id);
    let modules;
    try {
      assertCan("start", state.Status, config.Name);
      if (state.Status === "exited") await releaseRuntime(globals, store, config); // a crashed monitor's leftovers
      for (const f of ["exit.json", "manual-stop", "cleanup-claimed"]) rmSync(`${dir}/${f}`, { force: true });
      modules = await loadModules();
    } catch (e) {
      if (early) abandonMonitor(early);
      throw e;
    }
    try {
      await runHook(modules, "prepare", "release", config, ctx);
      try {
        // an early monitor was spawned without them (early-start.ts never starts one for -p/-P)
        if (early && ctx.passFds!.length) throw new HostError("internal: an early-started monitor cannot hold published ports");
        store.writeConfig(config);
      } catch (e) {
        await runReleaseHook(modules, "release", config, ctx);
        throw e;
      }
    } catch (e) {
      for (const fd of ctx.passFds!.splice(0)) closeQuietly(fd);
      if (early) abandonMonitor(early);
      throw e;
    }

    // the monitor holds its copies of passFds (published ports stay reserved exactly while it lives)
    const { control, sync } = early ?? spawnMonitor(globals, monitorPlan(config), io, ctx.passFds!.splice(0));
    let pid = 0;
    try {
      // the record is complete: init reads it and builds the container's filesystem
      sync.write("config\n");
      // init's runtime boots meanwhile (the longest step of a start): make its cgroups now
      const prepared = JSON.stringify(config);
      await runHook(modules, "setup", "release", config, ctx);
      // rewritten only when setup recorded something (cgroup parents it made): a rewrite
      // replaces, and so unlinks, a file, ~0.6 ms here
      if (JSON.stringify(config) !== prepared) store.writeConfig(config);
      sync.write("cgroups\n");
      const first = control.readLineSync(STARTUP_TIMEOUT_MS);
      if (!first?.startsWith("pid ")) throw new HostError(`container monitor failed: ${first?.replace(/^error /, "") ?? "exited before starting the container"}`);
      const [, p, m] = first.split(" ");
      pid = Number(p);
      const monitorPid = Number(m);
      for (const mod of modules) await mod.attach?.(config, pid, ctx);

      const started: ContainerState = {
        ...state,
        Status: "running", Pid: pid, PidStartTime: processStartTime(pid) ?? 0, BootId: bootId(),
        MonitorPid: monitorPid, MonitorStartTime: processStartTime(monitorPid) ?? 0,
        StartedAt: nowRfc3339Nano(), ExitCode: 0, Error: "", OOMKilled: false,
      };
      store.writeState(id, started);
      sync.write(config.Runtime.tty && io.size ? `go ${io.size.rows} ${io.size.cols}\n` : "go\n");
      const failure = sync.readAllSync(STARTUP_TIMEOUT_MS);
      sync.close();
      if (failure) {
        let msg = failure, code = 125;
        try { ({ message: msg, exitCode: code } = JSON.parse(failure)); } catch { /* raw text */ }
        // the monitor reports the exit; collect it so the record says what happened
        await finishFailedStart(globals, store, config, control, msg);
        throw new ContainerCommandError(msg, code);
      }
      return { config, pid, monitorPid, control };
    } catch (e) {
      sync.close();
      if (!(e instanceof ContainerCommandError)) {
        if (pid) kill(pid, 9);
        await finishFailedStart(globals, store, config, control, e instanceof MydockerError ? e.message : String(e));
      }
      throw e;
    }
  });
}

/** After a start that failed: wait for the monitor's exit report, record it, release resources. */
async function finishFailedStart(globals: Globals, store: ContainerStore, config: ContainerConfig, control: LineChannel, message: string): Promise<void> {
  const id = config.Id;
  let report: ExitReport | null = null;
  try {
    for (;;) {
      const line = control.readLineSync(10_000);
      if (line === null) break;
      report = parseExitLine(line) ?? report;
      if (report) break;
    }
  } catch { /* monitor is gone or hung: record what we know */ }
  const dir = store.containerDir(id);
  if (existsSync(`${dir}/config.json`)) {
    const state = store.readState(id)!;
    store.writeState(id, {
      ...state, Status: "exited", Pid: 0, PidStartTime: 0, MonitorPid: 0, MonitorStartTime: 0,
      ExitCode: report?.exitCode ?? 125, Error: message, FinishedAt: nowRfc3339Nano(),
    });
    rmSync(`${dir}/exit.json`, { force: true });
    await releaseRuntime(globals, store, config);
  }
  control.write("done\n");
  control.close();
}
