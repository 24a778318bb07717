// What `_init` (src/container/init.ts) calls, in this order, to confine the container's first
// process. Kept apart from index.ts so _init loads none of the configure-time code (seccomp
// compiler, profile tables).
//
//   before pivot_root  createContainerDevices, readSeccompProgram (the file is on the host side)
//   after "go"         confineSystemPaths: sysctls, then masked and read-only /proc, /sys paths
//   before setuid      prepareCredentials: rlimits, bounding set, keep-caps
//   before execve      lockDown: capset, ambient, no_new_privs, seccomp

import { readFileSync } from "node:fs";
import { createDeviceNodes, hostDeviceNodes } from "./devices";
import { maskPaths, readonlyPaths } from "./paths";
import type { SecuritySpec } from "./spec";
import { applySysctls } from "./sysctls";

export { lockDown, prepareCredentials } from "./process";

export function createContainerDevices(rootfs: string, sec: SecuritySpec): void {
  createDeviceNodes(rootfs, [...(sec.hostDevices ? hostDeviceNodes() : []), ...sec.devices]);
}

export function readSeccompProgram(sec: SecuritySpec): Uint8Array | null {
  return sec.seccompProfile ? new Uint8Array(readFileSync(sec.seccompProfile)) : null;
}

/** After pivot_root: "/" is the container's root and /proc, /sys its own mounts. */
export function confineSystemPaths(sec: SecuritySpec): void {
  applySysctls(sec.sysctls);
  maskPaths(sec.maskedPaths);
  readonlyPaths(sec.readonlyPaths);
}
