// The seams where other modules take part in a container's life without start.ts knowing them:
// cgroups (limits), network (addresses, veths, port rules), volumes. Each hook must be
// idempotent, and every hook that allocates has a partner that releases, so an error at any step
// can be undone and cleanup may run twice.
//
//   configure  run/create: parse this module's flags into Config/HostConfig/Extensions; no side effects
//   create     the record exists: allocate what lives as long as it (IP reservation, named volumes)
//   prepare    before the monitor starts the process: decide what it and init must know
//              (cgroup paths, namespaces to join, published-port sockets); cheap, no cgroups yet
//   setup      the monitor is starting the process, and init's runtime is booting meanwhile:
//              make what init joins (cgroup dirs, limits, device rules); init waits for it
//   attach     between clone and "go": the pid exists, no user code runs yet (veth, port rules)
//   release    the process has exited: give back runtime resources (cgroup, rules, veth)
//   remove     the record is deleted: give back what create allocated

import type { Globals } from "../commands/_define";
import type { ContainerConfig } from "./record";
import type { CreateOptions } from "./options";
import type { ContainerStore } from "./store";

export interface ModuleContext {
  globals: Globals;
  store: ContainerStore;
  /** `rm -v`: the remove hook also deletes the container's anonymous volumes. */
  removeVolumes?: boolean;
  /** fds a `prepare` hook wants the monitor to hold for the container's life (published-port sockets); start.ts passes them on and closes its copies. */
  passFds?: number[];
}

export interface ContainerModule {
  name: string;
  configure?(opts: CreateOptions, config: ContainerConfig, ctx: ModuleContext): void | Promise<void>;
  create?(config: ContainerConfig, ctx: ModuleContext): void | Promise<void>;
  prepare?(config: ContainerConfig, ctx: ModuleContext): void | Promise<void>;
  setup?(config: ContainerConfig, ctx: ModuleContext): void | Promise<void>;
  attach?(config: ContainerConfig, pid: number, ctx: ModuleContext): void | Promise<void>;
  release?(config: ContainerConfig, ctx: ModuleContext): void | Promise<void>;
  remove?(config: ContainerConfig, ctx: ModuleContext): void | Promise<void>;
  /** The container's name changed (config.Name is the new one): update what stores the old. */
  rename?(config: ContainerConfig, ctx: ModuleContext): void | Promise<void>;
}

/** The modules in the order they prepare; they release in reverse. */
export async function loadModules(): Promise<ContainerModule[]> {
  return [
    (await import("./cgroup-module")).cgroupModule,
    (await import("./volume-module")).volumeModule,
    (await import("./network-module")).networkModule,
    (await import("./security-module")).securityModule,
  ];
}

/** Runs one hook on every module; on failure undoes the modules that already ran it. */
export async function runHook(
  modules: ContainerModule[], hook: "create" | "prepare" | "setup", undo: "remove" | "release",
  config: ContainerConfig, ctx: ModuleContext,
): Promise<void> {
  const done: ContainerModule[] = [];
  try {
    for (const m of modules) {
      await m[hook]?.(config, ctx);
      done.push(m);
    }
  } catch (e) {
    for (const m of done.reverse()) {
      try { await m[undo]?.(config, ctx); } catch { /* best effort while unwinding */ }
    }
    throw e;
  }
}

/** Runs a releasing hook on every module (reverse order), collecting errors instead of stopping. */
export async function runReleaseHook(modules: ContainerModule[], hook: "release" | "remove", config: ContainerConfig, ctx: ModuleContext): Promise<Error[]> {
  const errors: Error[] = [];
  for (const m of [...modules].reverse()) {
    try { await m[hook]?.(config, ctx); } catch (e) { errors.push(e as Error); }
  }
  return errors;
}
