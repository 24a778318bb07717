// `run` starts the container's monitor, and so its init, before the record exists. init is a
// second Bun runtime, and its start-up (~20 ms on these VMs) was the longest step of a run; begun
// first, it boots while this CLI validates the options, resolves the image and writes the record.
// init asks for nothing before "config" on its sync socket (start.ts sends it once the record is
// complete), so only the monitor's own arguments must be known now. They come from the options
// through the same functions create.ts uses, so the monitor sees what the record will say.
//
// Not for `--network container:NAME` (the namespace to join is found at prepare) nor published
// ports (sockets made at prepare that the monitor holds): those start the monitor after prepare.
// Options the monitor needs but create.ts would refuse also take the ordinary path, so the
// error comes from create with nothing started. Any failure before the start abandons the
// monitor (its init is killed) and removes the directory made for it.

import { mkdirSync, rmSync } from "node:fs";
import type { Globals } from "../commands/_define";
import type { EarlyContainer } from "./create";
import { cloneFlagsFor, parseRestartPolicy } from "./plan";
import { parseLogOpts } from "./log-options";
import { bool, list, type CreateOptions } from "./options";
import { abandonMonitor, spawnMonitor, type Monitor, type MonitorPlan, type StartIO } from "./monitor";
import { ContainerStore } from "./store";

export interface EarlyStart extends EarlyContainer {
  monitor: Monitor;
}

export function startEarly(globals: Globals, opts: CreateOptions, io: StartIO): EarlyStart | undefined {
  const network = opts.network ?? "bridge";
  if (network.startsWith("container:") || list(opts.raw, "publish").length > 0 || bool(opts.raw, "publish-all")) return undefined;
  const store = new ContainerStore(globals.root);
  const id = store.newId();
  let plan: MonitorPlan;
  try {
    plan = {
      id, cloneFlags: cloneFlagsFor(network), joinNamespaces: [],
      logConfig: parseLogOpts(opts.logOpts, opts.logDriver), restart: parseRestartPolicy(opts.restart),
      tty: opts.tty, openStdin: opts.interactive,
    };
  } catch {
    return undefined; // create.ts reports it
  }
  const dir = store.containerDir(id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let monitor: Monitor;
  try {
    monitor = spawnMonitor(globals, plan, io, []);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let abandoned = false;
  return {
    id, monitor,
    abandon() {
      if (abandoned) return;
      abandoned = true;
      abandonMonitor(monitor);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
