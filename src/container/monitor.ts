// The container's monitor (cshim/monitor.c) as the CLI starts and talks to it: what it is started
// with, its spawn, the exit line it reports, and giving it up before the container ever ran.
// The protocol itself is drawn at the top of cshim/monitor.c. Kept light (no container modules):
// `run` starts a monitor before it has loaded the code that makes the record (early-start.ts).

import type { Globals } from "../commands/_define";
import { kill, socketpair } from "../sys/process";
import { LineChannel } from "./channel";
import { parseLogSize } from "./log-options";
import type { ContainerConfig } from "./record";
import { closeQuietly, spawnShim } from "./shim";
import { ContainerStore } from "./store";

export interface StartIO {
  /** Give the container the CLI's stdin (-i, attached). */
  stdin: boolean;
  /** Relay the container's stdout/stderr to the CLI's (attached run, start -a). */
  attach: boolean;
  /** -t: the pty's size before the command starts (the user's window). */
  size?: { rows: number; cols: number } | null;
  /** Detach keys of the attached CLI as bytes ("16,17"); -t only. */
  detachKeys?: string;
}

export interface ExitReport { exitCode: number; signal: number; oomKilled: boolean; restarting: boolean }

export function parseExitLine(line: string | null): ExitReport | null {
  if (!line?.startsWith("exit ")) return null;
  const [, code, sig, oom, again] = line.split(" ");
  return { exitCode: Number(code), signal: Number(sig), oomKilled: oom === "1", restarting: again === "1" };
}

/** What the monitor is started with: read from the record, or (an early start, see
 *  early-start.ts) worked out from the options before the record exists. */
export interface MonitorPlan {
  id: string;
  cloneFlags: number;
  joinNamespaces: string[];
  logConfig: Record<string, string>;
  restart: { Name: string; MaximumRetryCount: number };
  tty: boolean;
  openStdin: boolean;
}

export function monitorPlan(config: ContainerConfig): MonitorPlan {
  return {
    id: config.Id, cloneFlags: config.Runtime.cloneFlags, joinNamespaces: config.Runtime.joinNamespaces,
    logConfig: config.HostConfig.LogConfig.Config, restart: config.HostConfig.RestartPolicy,
    tty: config.Runtime.tty, openStdin: !!config.Config.OpenStdin,
  };
}

function monitorArgs(globals: Globals, plan: MonitorPlan, io: StartIO): string[] {
  const dir = new ContainerStore(globals.root).containerDir(plan.id);
  const log = plan.logConfig;
  const args = [
    "--exe", globals.exe, "--root", globals.root, "--id", plan.id, "--dir", dir,
    "--clone-flags", String(plan.cloneFlags),
    "--log", `${dir}/json.log`,
    "--log-max-size", String(parseLogSize(log["max-size"] ?? "20m")),
    "--log-max-files", log["max-file"] ?? "5",
    "--restart", plan.restart.Name,
    "--restart-max", String(plan.restart.MaximumRetryCount),
    "--control-fd", "3", "--sync-fd", "4",
  ];
  for (const ns of plan.joinNamespaces) args.push("--join-ns", ns);
  if (io.attach) args.push("--attach");
  if (plan.tty) args.push("--tty");
  // -i without an attached stdin (run -d -i, start): a pipe that `attach` can write to later
  else if (plan.openStdin && !io.stdin) args.push("--stdin-pipe");
  if (io.detachKeys) args.push("--detach-keys", io.detachKeys);
  return args;
}

/** A spawned monitor: its control channel, and the sync channel to the container's init. */
export interface Monitor {
  control: LineChannel;
  sync: LineChannel;
}

/**
 * Spawns the monitor, which clones the container's init at once; init boots and then waits for
 * "config" on the sync channel. holdFds (published-port sockets) go to the monitor, which keeps
 * them while the container lives; this process's copies are closed, also when the spawn fails.
 */
export function spawnMonitor(globals: Globals, plan: MonitorPlan, io: StartIO, holdFds: number[]): Monitor {
  const [ctlParent, ctlChild] = socketpair();
  const [syncParent, syncChild] = socketpair();
  const control = new LineChannel(ctlParent, "container monitor");
  const sync = new LineChannel(syncParent, "container's first process");
  try {
    // passed fds sit at 5, 6, … (after control and sync); the monitor closes them when the
    // container is gone for good, before it reports the exit
    const hold = holdFds.flatMap((_, i) => ["--hold-fd", String(5 + i)]);
    spawnShim("monitor", [...monitorArgs(globals, plan, io), ...hold],
      [io.stdin ? "inherit" : "ignore", io.attach ? "inherit" : "ignore", io.attach ? "inherit" : "ignore"],
      [ctlChild, syncChild, ...holdFds]);
  } catch (e) {
    control.close();
    sync.close();
    throw e;
  } finally {
    // closed also when the spawn failed, so reading the control channel sees EOF at once
    for (const fd of holdFds) closeQuietly(fd);
    closeQuietly(ctlChild);
    closeQuietly(syncChild);
  }
  return { control, sync };
}

/**
 * Ends a monitor whose container never got its config (the start was given up before): its
 * init is killed, and once the monitor reports the exit it is told that nothing is left for it
 * to clean. Returns when the monitor has let go of the container.
 */
export function abandonMonitor(m: Monitor): void {
  m.sync.close();
  try {
    for (;;) {
      const line = m.control.readLineSync(10_000);
      if (line === null || parseExitLine(line)) break;
      if (line.startsWith("pid ")) kill(Number(line.split(" ")[1]), 9);
    }
    m.control.write("done\n");
    // its end closes the channel: no process of this container outlives the failed command
    while (m.control.readLineSync(10_000) !== null) { /* nothing more is expected */ }
  } catch { /* the monitor is gone already */ }
  m.control.close();
}
