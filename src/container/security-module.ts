// The security module's part in a container's life (see modules.ts):
//   configure  --privileged, --cap-add/--cap-drop, --security-opt, --device, --ulimit, --sysctl
//              → config.Runtime.security (what _init and exec apply) and Docker's HostConfig
//              fields; all validation happens here, with no side effects
//   create     writes the compiled seccomp program next to config.json (seccomp.bpf)
//   setup      the device cgroup's allow-list in the container's cgroup (v1 list or v2 program),
//              after the cgroups module made it (it comes first in loadModules)

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { err } from "../output";
import { atomicWrite } from "../sys/fs";
import { list } from "./options";
import { computeSecurity } from "../security";
import { attachDeviceProgramV2, writeDeviceRulesV1 } from "../security/device-cgroup";
import { CLONE_NEWNET } from "../sys/process";
import type { ContainerModule } from "./modules";
import type { ContainerConfig } from "./record";

const SECCOMP_FILE = "seccomp.bpf";

/**
 * Where the device rules go, from the cgroups module's record (Extensions.cgroup: the mode,
 * hierarchy key → mountpoint with "" for cgroup2, and the cgroup's path below each): the v1
 * devices hierarchy when there is one, else a device program on the cgroup2 directory.
 */
export function deviceCgroupTarget(rec: unknown): { v1?: string; v2?: string } {
  const r = rec as { mode?: string; mounts?: Record<string, string>; path?: string } | undefined;
  if (!r?.mounts || !r.path) return {};
  const key = r.mode === "v2" ? undefined : Object.keys(r.mounts).find((k) => k.split(",").includes("devices"));
  if (key !== undefined) return { v1: `${r.mounts[key]}/${r.path}` };
  if ("" in r.mounts) return { v2: `${r.mounts[""]}/${r.path}` };
  return {};
}

/** Programs compiled by configure, written by create (configure may not touch the disk). */
const pending = new WeakMap<ContainerConfig, { program: Uint8Array; cacheWrite?: { path: string; bytes: Uint8Array } }>();

export const securityModule: ContainerModule = {
  name: "security",

  configure(opts, config, ctx) {
    const dir = ctx.store.containerDir(config.Id);
    const computed = computeSecurity({
      privileged: opts.privileged,
      capAdd: opts.capAdd,
      capDrop: opts.capDrop,
      securityOpt: opts.securityOpt,
      devices: list(opts.raw, "device"),
      ulimits: list(opts.raw, "ulimit"),
      sysctls: list(opts.raw, "sysctl"),
      ownNetns: (config.Runtime.cloneFlags & CLONE_NEWNET) !== 0,
      seccompPath: `${dir}/${SECCOMP_FILE}`,
      cacheDir: `${ctx.globals.root}/cache/seccomp`,
    });
    config.Runtime.security = computed.spec;
    Object.assign(config.HostConfig, computed.hostConfig);
    if (computed.seccompProgram) pending.set(config, { program: computed.seccompProgram, cacheWrite: computed.cacheWrite });
  },

  create(config) {
    const p = pending.get(config);
    const path = config.Runtime.security?.seccompProfile;
    if (!p || !path) return;
    writeFileSync(path, p.program, { mode: 0o600 });
    if (p.cacheWrite) {
      try {
        mkdirSync(dirname(p.cacheWrite.path), { recursive: true, mode: 0o700 });
        atomicWrite(p.cacheWrite.path, p.cacheWrite.bytes, 0o600);
      } catch { /* a cache that cannot be written only costs time */ }
    }
  },

  setup(config) {
    const rules = config.Runtime.security?.deviceRules;
    if (!rules) return;
    const target = deviceCgroupTarget(config.Extensions.cgroup);
    if (target.v1) writeDeviceRulesV1(target.v1, rules);
    else if (target.v2) attachDeviceProgramV2(target.v2, rules);
    else err("WARNING: no devices cgroup on this host: device access is limited only by the nodes in /dev\n");
  },
};
