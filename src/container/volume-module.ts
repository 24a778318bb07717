// The volumes module: `-v`, `--mount`, `--tmpfs` (and the image's VOLUMEs) become the
// container's mounts.
//
//   configure  parse and check every spec (exit 125, nothing made); --mount bind sources must
//              exist; fill Runtime.mounts (what _init mounts, targets resolved inside the rootfs),
//              HostConfig.Binds/Mounts/Tmpfs and inspect's Mounts (Extensions.mounts)
//   create     make named and anonymous volumes, and the missing host dirs of -v binds
//   remove     with `rm -v` or --rm: delete the container's anonymous volumes
//
// An empty volume is filled from the image's content at its target on first mount (copyUp,
// done by _init before any user code runs), unless nocopy was asked for.

import { existsSync, mkdirSync } from "node:fs";
import { InvalidInputError } from "../errors";
import { anonymousVolumeName, VolumeStore } from "../storage/volumes";
import type { ContainerModule } from "./modules";
import { parseMountFlags, type PlannedMount, tmpfsMountOptions } from "./mount-flags";
import type { ContainerConfig, MountSpec } from "./record";

export interface VolumeExtension {
  /** Names of the volumes this container uses. */
  named: string[];
  /** Anonymous volumes it created (removed by rm -v / --rm). */
  anonymous: string[];
  /** -v binds whose host directory create must make. */
  bindDirs: string[];
}

function rawList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : [];
}

export function volumeExtension(config: ContainerConfig): VolumeExtension {
  return (config.Extensions.volumes as VolumeExtension | undefined) ?? { named: [], anonymous: [], bindDirs: [] };
}

export const volumeModule: ContainerModule = {
  name: "volumes",

  configure(opts, config, ctx) {
    const planned: PlannedMount[] = parseMountFlags(rawList(opts.raw.volume), rawList(opts.raw.mount), rawList(opts.raw.tmpfs));
    // the image's VOLUMEs not covered by a user mount become anonymous volumes, as in Docker
    const taken = new Set(planned.map((m) => m.destination));
    for (const dest of Object.keys(config.Config.Volumes ?? {})) {
      const d = dest.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
      if (!d.startsWith("/") || taken.has(d)) continue;
      planned.push({ type: "volume", source: "", destination: d, readonly: false, from: "volume" });
      taken.add(d);
    }
    if (planned.length === 0) return;
    for (const m of planned) {
      if (m.type === "bind" && m.from === "mount" && !existsSync(m.source))
        throw new InvalidInputError(`invalid mount config for type "bind": bind source path does not exist: ${m.source}`);
    }
    const volumes = new VolumeStore(ctx.globals.root);
    const ext: VolumeExtension = { named: [], anonymous: [], bindDirs: [] };
    const runtime: MountSpec[] = [];
    const inspect: Record<string, unknown>[] = [];
    const hostMounts: Record<string, unknown>[] = [];
    const tmpfs: Record<string, string> = {};
    for (const m of planned) {
      if (m.type === "volume") {
        const anonymous = m.source === "";
        const name = anonymous ? anonymousVolumeName() : m.source;
        (anonymous ? ext.anonymous : ext.named).push(name);
        const source = volumes.mountpoint(name);
        runtime.push({ type: "volume", source, destination: m.destination, readonly: m.readonly, copyUp: !m.noCopy });
        inspect.push({ Type: "volume", Name: name, Source: source, Destination: m.destination, Driver: "local", Mode: m.from === "volume" ? (m.mode || "z") : "z", RW: !m.readonly, Propagation: "" });
      } else if (m.type === "bind") {
        if (m.createHostDir && !existsSync(m.source)) ext.bindDirs.push(m.source);
        runtime.push({ type: "bind", source: m.source, destination: m.destination, readonly: m.readonly });
        inspect.push({ Type: "bind", Source: m.source, Destination: m.destination, Mode: m.mode ?? "", RW: !m.readonly, Propagation: m.propagation ?? "rprivate" });
      } else {
        const options = tmpfsMountOptions(m.tmpfsOptions ?? []);
        runtime.push({ type: "tmpfs", source: "tmpfs", destination: m.destination, readonly: m.readonly, options });
        if (m.from === "tmpfs") tmpfs[m.destination] = (m.tmpfsOptions ?? []).join(",");
        else inspect.push({ Type: "tmpfs", Source: "", Destination: m.destination, Mode: "", RW: !m.readonly, Propagation: "" });
      }
      if (m.from === "mount") hostMounts.push({ Type: m.type, Source: m.type === "volume" && m.source === "" ? undefined : m.source || undefined, Target: m.destination, ReadOnly: m.readonly || undefined });
    }
    const binds = rawList(opts.raw.volume);
    config.Runtime.mounts.push(...runtime);
    config.HostConfig.Binds = binds.length ? binds : null;
    if (hostMounts.length) config.HostConfig.Mounts = hostMounts;
    if (Object.keys(tmpfs).length) config.HostConfig.Tmpfs = tmpfs;
    config.Extensions.mounts = inspect;
    config.Extensions.volumes = ext;
  },

  create(config, ctx) {
    const ext = volumeExtension(config);
    const volumes = new VolumeStore(ctx.globals.root);
    const made: string[] = [];
    try {
      for (const name of ext.named) volumes.ensure(name);
      for (const name of ext.anonymous) { volumes.ensure(name, { anonymous: true }); made.push(name); }
      for (const dir of ext.bindDirs) if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o755 });
    } catch (e) {
      // this hook failed, so the undo will not run it: its own anonymous volumes go now
      for (const name of made) try { volumes.remove(name, () => undefined); } catch { /* first error wins */ }
      throw e;
    }
  },

  remove(config, ctx) {
    const ext = volumeExtension(config);
    if (!ext.anonymous.length || !(ctx.removeVolumes || config.HostConfig.AutoRemove)) return;
    const volumes = new VolumeStore(ctx.globals.root);
    for (const name of ext.anonymous) {
      if (!volumes.find(name)) continue;
      volumes.remove(name, () => undefined);
    }
  },
};

/** Which containers use each volume (read from their records). */
export function volumeUsers(store: { ids(): string[]; readConfig(id: string): ContainerConfig }): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const id of store.ids()) {
    let config: ContainerConfig;
    try { config = store.readConfig(id); } catch { continue; } // removed meanwhile
    const ext = volumeExtension(config);
    for (const name of [...ext.named, ...ext.anonymous]) users.set(name, [...(users.get(name) ?? []), id]);
  }
  return users;
}
