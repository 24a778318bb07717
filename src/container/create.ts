// `create` (and the first half of `run`): validate everything, then make the record. Nothing is
// written until every input has been checked; once the name is claimed, any failure removes what
// was made, so bad input never leaves a half-made container.

import { mkdirSync, rmSync } from "node:fs";
import type { Globals } from "../commands/_define";
import { ContainerCommandError, InvalidInputError, NotFoundError } from "../errors";
import { ImageStore, type Image } from "../image/store";
import { imageForRun } from "../image/pull-policy";
import { requireOverlayfs } from "../storage/host-support";
import { parseSignal } from "../sys/signals";
import { CLONE_NEWNET } from "../sys/process";
import { checkWorkdir, containerEnv, userEnvironment } from "./env";
import { parseLogOpts } from "./log-options";
import { loadModules, runHook, runReleaseHook, type ModuleContext } from "./modules";
import type { CreateOptions } from "./options";
import { type ContainerConfig, initialState, nowRfc3339Nano } from "./record";
import { cloneFlagsFor, parseRestartPolicy } from "./plan";
import { ContainerStore } from "./store";

function parseLabels(labels: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of labels) {
    const eq = l.indexOf("=");
    if (eq === 0) throw new InvalidInputError(`invalid label: ${l}`);
    out[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? "" : l.slice(eq + 1);
  }
  return out;
}

/** Entrypoint + Cmd as Docker combines them with --entrypoint and a COMMAND. */
export function resolveCommand(img: Image, opts: CreateOptions): { entrypoint: string[] | null; cmd: string[] | null } {
  const ic = img.config.config ?? {};
  let entrypoint = ic.Entrypoint ?? null;
  let cmd = ic.Cmd ?? null;
  if (opts.entrypoint !== undefined) {
    entrypoint = opts.entrypoint === "" ? null : [opts.entrypoint];
    cmd = null; // --entrypoint resets the image's CMD, as Docker does
  }
  if (opts.command.length > 0) cmd = opts.command;
  return { entrypoint, cmd };
}

export { parseLogSize } from "./log-options";

/** A run whose monitor (and so init) was started before the record: see early-start.ts. */
export interface EarlyContainer {
  id: string;
  /** Stops the monitor and removes the container's directory; idempotent. */
  abandon(): void;
}

export async function createContainer(globals: Globals, opts: CreateOptions, early?: EarlyContainer): Promise<ContainerConfig> {
  const images = new ImageStore(globals.root);
  const store = new ContainerStore(globals.root);
  const ctx: ModuleContext = { globals, store };

  // ---- validation: no side effects ----
  const userEnv = userEnvironment(opts.envFiles, opts.env);
  checkWorkdir(opts.workdir);
  const restart = parseRestartPolicy(opts.restart);
  if (restart.Name !== "no" && opts.autoRemove) throw new InvalidInputError("conflicting options: cannot specify both --restart and --rm");
  const logConfig = parseLogOpts(opts.logOpts, opts.logDriver);
  if (opts.stopSignal !== undefined && parseSignal(opts.stopSignal) === null) throw new InvalidInputError(`invalid signal: ${opts.stopSignal}`);
  if (opts.stopTimeout !== undefined && !/^-?\d+$/.test(opts.stopTimeout)) throw new InvalidInputError(`invalid stop timeout: ${opts.stopTimeout}`);
  if (opts.hostname !== undefined && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,252})?$/.test(opts.hostname))
    throw new InvalidInputError(`invalid hostname format: ${opts.hostname}`);
  // the network module (network-module.ts) validates the mode and finds the network
  const network = opts.network ?? "bridge";
  requireOverlayfs();
  const img = await imageForRun(globals, images, opts.image, opts.raw);
  const { entrypoint, cmd } = resolveCommand(img, opts);
  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (argv.length === 0) throw new ContainerCommandError("no command specified", 125);
  const ic = img.config.config ?? {};

  const id = early?.id ?? store.newId();
  const hostname = opts.hostname ?? id.slice(0, 12);
  const env = containerEnv(ic.Env ?? [], userEnv, hostname, opts.tty);
  const dir = store.containerDir(id);
  const cloneFlags = cloneFlagsFor(network);

  const config: ContainerConfig = {
    Id: id,
    Name: "",
    Created: nowRfc3339Nano(),
    Path: argv[0],
    Args: argv.slice(1),
    Image: img.id,
    Config: {
      Hostname: hostname,
      Domainname: opts.domainname ?? "",
      User: opts.user ?? ic.User ?? "",
      AttachStdin: opts.interactive && !opts.detach,
      AttachStdout: !opts.detach,
      AttachStderr: !opts.detach,
      ExposedPorts: ic.ExposedPorts,
      Tty: opts.tty,
      OpenStdin: opts.interactive,
      StdinOnce: opts.interactive && !opts.detach,
      Env: env,
      Cmd: cmd,
      Image: opts.image,
      Volumes: ic.Volumes ?? null,
      WorkingDir: opts.workdir || ic.WorkingDir || "",
      Entrypoint: entrypoint,
      Labels: { ...(ic.Labels ?? {}), ...parseLabels(opts.labels) },
      StopSignal: opts.stopSignal ?? ic.StopSignal,
      StopTimeout: opts.stopTimeout !== undefined ? Number(opts.stopTimeout) : undefined,
    },
    HostConfig: {
      NetworkMode: network,
      AutoRemove: opts.autoRemove,
      RestartPolicy: restart,
      LogConfig: { Type: "json-file", Config: logConfig },
      Privileged: opts.privileged,
      ReadonlyRootfs: opts.readOnly,
      Init: opts.init || null,
      CapAdd: opts.capAdd.length ? opts.capAdd : null,
      CapDrop: opts.capDrop.length ? opts.capDrop : null,
      SecurityOpt: opts.securityOpt.length ? opts.securityOpt : null,
      Binds: null,
      Dns: [],
      ExtraHosts: null,
      PortBindings: {},
      CgroupParent: "",
      Memory: 0, MemorySwap: 0, MemoryReservation: 0, CpuShares: 0, NanoCpus: 0, CpuPeriod: 0,
      CpuQuota: 0, CpusetCpus: "", CpusetMems: "", PidsLimit: null, BlkioWeight: 0,
    },
    Runtime: {
      rootfs: { lower: images.lowerDirs(img), upper: `${dir}/upper`, work: `${dir}/work`, mountpoint: `${dir}/rootfs`, readonly: opts.readOnly },
      hostname,
      domainname: opts.domainname ?? "",
      args: argv,
      env,
      cwd: opts.workdir || ic.WorkingDir || "/",
      user: opts.user ?? ic.User ?? "",
      tty: opts.tty,
      mounts: [],
      etcFiles: { hostname: `${dir}/hostname`, hosts: `${dir}/hosts`, resolvConf: `${dir}/resolv.conf` },
      cgroupProcs: [],
      cloneFlags,
      joinNamespaces: [],
      loopback: (cloneFlags & CLONE_NEWNET) !== 0,
      privileged: opts.privileged,
      capAdd: opts.capAdd,
      capDrop: opts.capDrop,
      securityOpt: opts.securityOpt,
      init: opts.init,
    },
    Extensions: {},
  };
  const modules = await loadModules();
  for (const m of modules) await m.configure?.(opts, config, ctx);

  // ---- side effects, each undone on failure ----
  // The directory exists before the name is claimed (an early start made it for its monitor):
  // a claim whose directory is missing is stale, and the name's next claimer takes it over.
  if (!early) mkdirSync(dir, { recursive: true, mode: 0o700 }); // containers/ too, on a root no container used yet
  try {
    config.Name = store.claimName(id, opts.name);
  } catch (e) {
    if (!early) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  // if anything below fails, the record never existed: its anonymous volumes go with it
  const undoCtx: ModuleContext = { ...ctx, removeVolumes: true };
  let hooked = false;
  try {
    for (const d of ["upper", "work", "rootfs"]) mkdirSync(`${dir}/${d}`, { mode: 0o755 });
    // /etc/hostname, hosts and resolv.conf are written by the network module's create hook
    store.writeConfig(config);
    store.writeState(id, initialState());
    await runHook(modules, "create", "remove", config, undoCtx);
    hooked = true;
    store.writeConfig(config); // modules may have recorded allocations
  } catch (e) {
    early?.abandon(); // its monitor writes into dir: stopped first
    if (hooked) await runReleaseHook(modules, "remove", config, undoCtx);
    rmSync(dir, { recursive: true, force: true });
    store.releaseName(config.Name, id);
    throw e;
  }
  return config;
}
