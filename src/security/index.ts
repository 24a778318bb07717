// The security module's door: from a user's flags to the SecuritySpec a container runs under
// (capabilities, seccomp, no_new_privs, masked and read-only paths, devices, rlimits,
// sysctls), with every input validated before anything is created.

import { readFileSync } from "node:fs";
import { computeCapabilities, namesOf, procStatusMask, toHex, hasCap } from "./capabilities";
import { ALLOW_ALL_DEVICES, DEFAULT_DEVICE_RULES, parseDevice } from "./devices";
import { parseSecurityOpts } from "./options";
import { defaultMaskedPaths, READONLY_PATHS } from "./paths";
import { parseUlimits } from "./rlimits";
import { containerFilter } from "./seccomp";
import type { DeviceNode, DeviceRule, SecuritySpec } from "./spec";
import { parseSysctls } from "./sysctls";

export type { SecuritySpec } from "./spec";

export interface SecurityRequest {
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  devices: string[];
  ulimits: string[];
  sysctls: string[];
  /** The container has its own network namespace (net.* sysctls are allowed). */
  ownNetns: boolean;
  /** Where the compiled seccomp program will be written. */
  seccompPath: string;
  /** Where compiled programs are cached (null: no cache). */
  cacheDir: string | null;
}

export interface ComputedSecurity {
  spec: SecuritySpec;
  /** The BPF program to write at spec.seccompProfile, or null without seccomp. */
  seccompProgram: Uint8Array | null;
  /** A compiled program to store in the cache (a miss). */
  cacheWrite?: { path: string; bytes: Uint8Array };
  /** Docker's HostConfig fields for inspect. */
  hostConfig: {
    Devices: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[];
    Ulimits: { Name: string; Soft: number; Hard: number }[] | null;
    Sysctls: Record<string, string> | null;
  };
}

/** No side effects: reads the caller's own capabilities and limits, the profile file, device nodes. */
export function computeSecurity(req: SecurityRequest, callerStatus?: string): ComputedSecurity {
  const opts = parseSecurityOpts(req.securityOpt);
  const status = callerStatus ?? readFileSync("/proc/self/status", "latin1");
  const callerBounding = procStatusMask("CapBnd", status);
  const callerEffective = procStatusMask("CapEff", status);
  const caps = computeCapabilities(req, callerBounding);

  // Docker: --privileged runs without the default profile, but a named profile file still applies
  const seccompChoice = req.privileged && opts.seccomp === "" ? "unconfined" : opts.seccomp;
  const filter = containerFilter(seccompChoice, new Set(namesOf(caps.bounding)), toHex(caps.bounding), req.cacheDir);

  const nodes: DeviceNode[] = [];
  const userRules: DeviceRule[] = [];
  const Devices: ComputedSecurity["hostConfig"]["Devices"] = [];
  for (const d of req.devices) {
    const parsed = parseDevice(d);
    nodes.push(...parsed.nodes);
    userRules.push(...parsed.rules);
    const [host, ctr, perms] = d.split(":");
    Devices.push({ PathOnHost: host, PathInContainer: ctr && !/^[rwm]+$/.test(ctr) ? ctr : host, CgroupPermissions: perms ?? (ctr && /^[rwm]+$/.test(ctr) ? ctr : "rwm") });
  }
  const rlimits = parseUlimits(req.ulimits, hasCap(callerEffective, "CAP_SYS_RESOURCE"));
  const sysctls = parseSysctls(req.sysctls, req.ownNetns);
  const confinedPaths = !req.privileged && !opts.unmaskSystemPaths;

  const spec: SecuritySpec = {
    capabilities: {
      bounding: toHex(caps.bounding), effective: toHex(caps.effective), permitted: toHex(caps.permitted),
      inheritable: toHex(caps.inheritable), ambient: toHex(caps.ambient),
    },
    noNewPrivileges: opts.noNewPrivileges,
    ...(filter ? { seccompProfile: req.seccompPath, seccompFlags: filter.flags } : {}),
    maskedPaths: confinedPaths ? defaultMaskedPaths() : [],
    readonlyPaths: confinedPaths ? [...READONLY_PATHS] : [],
    devices: nodes,
    hostDevices: req.privileged,
    deviceRules: req.privileged ? [...ALLOW_ALL_DEVICES] : [...DEFAULT_DEVICE_RULES, ...userRules],
    rlimits,
    sysctls,
  };
  return {
    spec,
    seccompProgram: filter?.program ?? null,
    ...(filter?.cacheWrite ? { cacheWrite: filter.cacheWrite } : {}),
    hostConfig: {
      Devices,
      Ulimits: rlimits.length ? rlimits.map((r) => ({ Name: r.name, Soft: r.soft, Hard: r.hard })) : null,
      Sysctls: Object.keys(sysctls).length ? sysctls : null,
    },
  };
}
