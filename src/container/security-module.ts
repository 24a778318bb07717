// The security module's part in a container's life (see modules.ts):
//   configure  --privileged, --cap-add/--cap-drop, --security-opt, --device, --ulimit, --sysctl
//              → config.Runtime.security (what _init and exec apply) and Docker's HostConfig
//              fields; all validation happens here, with no side effects
//   create     writes the compiled seccomp program next to config.json (seccomp.bpf)
//   prepare    the device cgroup's allow-list in the container's cgroup (v1 list or v2 program)

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { atomicWrite } from "../sys/fs";
import { list } from "../commands/_define";
import { computeSecurity } from "../security";
import { CLONE_NEWNET } from "../sys/process";
import type { ContainerModule } from "./modules";
import type { ContainerConfig } from "./record";

const SECCOMP_FILE = "seccomp.bpf";

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
};
