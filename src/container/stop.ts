// `stop`, `kill`, `restart`: a stop sends the image's StopSignal (SIGTERM by default), waits the
// grace period, then SIGKILL — PID 1 ignores signals it has no handler for, so the escalation is
// what makes `stop` work for `top`. The CLI that stops a container releases it itself.

import { writeFileSync } from "node:fs";
import type { Globals } from "../commands/_define";
import { InvalidInputError } from "../errors";
import { isSameProcess } from "../sys/proc";
import { kill } from "../sys/process";
import { parseSignal } from "../sys/signals";
import { cleanupExited } from "./cleanup";
import { killAndClaim } from "./remove";
import { assertCan } from "./state-machine";
import type { ContainerConfig } from "./record";
import { observe } from "./status";
import { ContainerStore } from "./store";

export const DEFAULT_STOP_TIMEOUT = 10;

/** The signal `stop` sends first: the image's or container's StopSignal, SIGTERM without one. */
function stopSignalOf(config: ContainerConfig): number {
  return parseSignal(config.Config.StopSignal ?? "SIGTERM") ?? 15;
}

export async function stopContainer(globals: Globals, ref: string, timeoutSec?: number): Promise<void> {
  const store = new ContainerStore(globals.root);
  const id = store.resolve(ref);
  const config = store.readConfig(id);
  const state = observe(store, id);
  if (!state || state.Status === "created" || state.Status === "exited" || state.Status === "dead") return;
  const signal = stopSignalOf(config);
  const t = timeoutSec ?? config.Config.StopTimeout ?? DEFAULT_STOP_TIMEOUT;
  await killAndClaim(store, id, signal, t < 0 ? 365 * 86400_000 : t * 1000);
  await cleanupExited(globals, id);
}

export async function killContainer(globals: Globals, ref: string, signalName: string): Promise<void> {
  const signal = parseSignal(signalName);
  if (signal === null) throw new InvalidInputError(`invalid signal: ${signalName}`);
  const store = new ContainerStore(globals.root);
  const id = store.resolve(ref);
  const config = store.readConfig(id);
  const state = observe(store, id)!;
  assertCan("kill", state.Status, config.Name);
  // Docker counts any kill as a manual stop: the restart policy does not bring it back.
  writeFileSync(`${store.containerDir(id)}/manual-stop`, "");
  if (state.Status === "restarting") {
    if (state.MonitorPid) kill(state.MonitorPid, 15);
    return;
  }
  // a running state whose pid is gone (the monitor is recording the exit) must not signal
  // whatever process has that pid now
  if (isSameProcess(state.Pid, state.PidStartTime, state.BootId)) kill(state.Pid, signal);
  // Docker thaws a paused container for the signals that end it; others wait for unpause
  if (state.Status === "paused" && (signal === 9 || signal === stopSignalOf(config))) (await import("./pause")).thawAfterSignal(store, id);
}
