// `commit` from the container side: which container, its upperdir, its settings and its mount
// placeholders; image/commit.ts makes the layer and the image.
//
// The placeholders are the empty files and directories _init creates in the rootfs as mount
// targets (/etc/hostname, /etc/hosts, /etc/resolv.conf, /proc, /sys, /dev, volume targets):
// Docker keeps them in an "init layer" that commit never sees; here they sit in the upperdir and
// are left out while they are still empty placeholders.

import type { Globals } from "../commands/_define";
import { ConflictError } from "../errors";
import { commitImage, type CommitOptions } from "../image/commit";
import type { ContainerSettings } from "../image/store";
import { ImageStore } from "../image/store";
import { assertCan } from "./state-machine";
import { observe } from "./status";
import type { ContainerConfig } from "./record";
import { ContainerStore } from "./store";
import { commandText } from "./view";

const INIT_PLACEHOLDERS = ["etc/hostname", "etc/hosts", "etc/resolv.conf", "proc", "sys", "dev"];

/** The mount targets _init may have made in the upperdir (relative paths): not the user's changes. */
export function placeholderPaths(config: ContainerConfig): string[] {
  return [...INIT_PLACEHOLDERS, ...config.Runtime.mounts.map((m) => m.destination.replace(/^\/+|\/+$/g, ""))];
}

/** Commits container ref; a running one is paused meanwhile unless `pause` is false (Docker's -p). */
export async function commitContainer(globals: Globals, ref: string, opts: CommitOptions, pause = true): Promise<string> {
  const store = new ContainerStore(globals.root);
  const id = store.resolve(ref);
  const config = store.readConfig(id);
  const state = observe(store, id);
  if (state) assertCan("commit", state.Status, config.Name);
  const c = config.Config;
  const settings: ContainerSettings = {};
  if (c.User) settings.User = c.User;
  if (c.ExposedPorts && Object.keys(c.ExposedPorts).length) settings.ExposedPorts = c.ExposedPorts;
  const env = (c.Env ?? []).filter((e) => !e.startsWith("HOSTNAME="));
  if (env.length) settings.Env = env;
  if (c.Entrypoint) settings.Entrypoint = c.Entrypoint;
  if (c.Cmd) settings.Cmd = c.Cmd;
  if (c.Volumes && Object.keys(c.Volumes).length) settings.Volumes = c.Volumes;
  if (c.WorkingDir) settings.WorkingDir = c.WorkingDir;
  if (c.Labels && Object.keys(c.Labels).length) settings.Labels = c.Labels;
  if (c.StopSignal) settings.StopSignal = c.StopSignal;
  const placeholders = placeholderPaths(config);
  const commit = () => commitImage(new ImageStore(globals.root), {
    containerId: id,
    imageId: config.Image,
    upperDir: config.Runtime.rootfs.upper,
    settings,
    createdBy: commandText(config),
    placeholders,
  }, opts);
  if (!pause || state?.Status !== "running") return commit();
  // frozen, its processes cannot change the upperdir half-way through the layer's tar
  const { setPaused } = await import("./pause");
  // a container that stopped (or was paused by someone else) meanwhile is committed as it is
  const ifStill = (paused: boolean) => {
    try { setPaused(globals, id, paused); return true; } catch (e) { if (e instanceof ConflictError) return false; throw e; }
  };
  const frozen = ifStill(true);
  try {
    return await commit();
  } finally {
    if (frozen) ifStill(false);
  }
}
