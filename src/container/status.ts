// What state a container is really in. state.json says what mydocker last decided; the process
// table and the monitor's exit.json say what happened since. A recorded pid counts as alive only
// together with its start time and the boot id, so a reused pid or a reboot never shows a dead
// container as running.

import { existsSync, rmSync } from "node:fs";
import { readJsonIfExists } from "../sys/fs";
import { isSameProcess } from "../sys/proc";
import type { ContainerState, ExitRecord } from "./record";
import type { ContainerStore } from "./store";

/** Exit code shown when the container vanished without the monitor recording why. */
export const EXIT_UNKNOWN = 255;

export function readExit(store: ContainerStore, id: string): ExitRecord | undefined {
  // a running container has none: a stat is cheaper than the error a failed read throws (ps)
  const path = `${store.containerDir(id)}/exit.json`;
  return existsSync(path) ? readJsonIfExists<ExitRecord>(path) : undefined;
}

/** Applies a recorded exit to a state (pure). */
export function applyExit(state: ContainerState, exit: ExitRecord | undefined): ContainerState {
  const s = { ...state, Status: "exited" as const, Pid: 0, PidStartTime: 0, MonitorPid: 0 };
  if (exit) {
    s.ExitCode = exit.exitCode;
    s.OOMKilled = exit.oomKilled;
    s.FinishedAt = exit.finishedAt;
    s.Error = exit.error ?? "";
  } else {
    s.ExitCode = EXIT_UNKNOWN;
    s.FinishedAt = state.FinishedAt.startsWith("0001") ? new Date().toISOString() : state.FinishedAt;
  }
  return s;
}

/**
 * The effective state of container id. Reads only; the transition to exited is written by
 * cleanup (by the monitor, or by the CLI that stops or removes it).
 */
export function observe(store: ContainerStore, id: string): ContainerState | undefined {
  const state = store.readState(id);
  if (!state) return undefined;
  if (state.Status !== "running" && state.Status !== "restarting" && state.Status !== "paused") return state;
  const exit = readExit(store, id);
  const monitorAlive = () => !!state.MonitorPid && isSameProcess(state.MonitorPid, state.MonitorStartTime ?? 0, state.BootId);
  if (exit?.restarting && monitorAlive()) {
    return { ...state, Status: "restarting", Pid: 0, ExitCode: exit.exitCode, FinishedAt: exit.finishedAt };
  }
  if (state.Status === "restarting") {
    // between runs of a restart policy: alive while its monitor is
    return monitorAlive() ? state : applyExit(state, exit);
  }
  if (exit) return applyExit(state, exit);
  if (!isSameProcess(state.Pid, state.PidStartTime, state.BootId)) {
    // The process is gone but its monitor lives: it is draining output and about to write
    // exit.json with the real code. Only a dead monitor means the exit will never be known.
    return monitorAlive() ? state : applyExit(state, undefined);
  }
  return state;
}

/** Merges exit.json into state.json; returns the new state. Call under the container lock. */
export function settleExit(store: ContainerStore, id: string): ContainerState | undefined {
  const state = store.readState(id);
  if (!state) return undefined;
  const seen = observe(store, id)!;
  if (seen.Status === "exited" && state.Status !== "exited") {
    store.writeState(id, seen);
  }
  rmSync(`${store.containerDir(id)}/exit.json`, { force: true });
  return seen;
}
