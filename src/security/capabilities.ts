// Capability names and bits, Docker's default set, and how `--cap-add`, `--cap-drop` and
// `--privileged` turn into the five sets a container's process gets. Sets are 64-bit masks
// (bigint, bit N = capability N); they travel in config.json as 16 hex digits, the way
// /proc/PID/status prints them.

import { readFileSync } from "node:fs";
import { InvalidInputError } from "../errors";

/** Index = capability number (linux/capability.h). */
export const CAPABILITIES = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
  "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
  "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
] as const;

export type CapabilityName = (typeof CAPABILITIES)[number];

/** Docker's default set (moby's oci/caps DefaultCapabilities). */
export const DEFAULT_CAPABILITIES: readonly CapabilityName[] = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
  "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
];

export function capNumber(name: CapabilityName): number {
  return CAPABILITIES.indexOf(name);
}

/** "sys_admin", "SYS_ADMIN", "CAP_SYS_ADMIN" → "CAP_SYS_ADMIN"; "ALL" stays "ALL". */
export function normalizeCapName(input: string): CapabilityName | "ALL" {
  const up = input.trim().toUpperCase();
  if (up === "ALL") return "ALL";
  const name = up.startsWith("CAP_") ? up : `CAP_${up}`;
  if (!(CAPABILITIES as readonly string[]).includes(name)) throw new InvalidInputError(`invalid capability: "${input}": unknown capability`);
  return name as CapabilityName;
}

export function maskOf(names: Iterable<CapabilityName>): bigint {
  let m = 0n;
  for (const n of names) m |= 1n << BigInt(capNumber(n));
  return m;
}

export function namesOf(mask: bigint): CapabilityName[] {
  return CAPABILITIES.filter((_, i) => (mask >> BigInt(i)) & 1n);
}

export function hasCap(mask: bigint, name: CapabilityName): boolean {
  return ((mask >> BigInt(capNumber(name))) & 1n) === 1n;
}

export function toHex(mask: bigint): string {
  return mask.toString(16).padStart(16, "0");
}

export function fromHex(hex: string): bigint {
  return BigInt(`0x${hex.replace(/^0x/i, "") || "0"}`);
}

/** A /proc/PID/status capability line ("CapBnd") as a mask, for this process by default. */
export function procStatusMask(field: "CapInh" | "CapPrm" | "CapEff" | "CapBnd" | "CapAmb", status?: string): bigint {
  const text = status ?? readFileSync("/proc/self/status", "latin1");
  const m = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, "m").exec(text);
  if (!m) throw new Error(`no ${field} in /proc/self/status`);
  return fromHex(m[1]);
}

export interface CapabilitySets {
  bounding: bigint;
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
  ambient: bigint;
}

/**
 * The sets of a container's process, by Docker's rules (moby TweakCapabilities): privileged →
 * every capability; `--cap-add ALL` → every capability but the dropped ones; `--cap-drop ALL` →
 * exactly the added ones; otherwise the default set minus the dropped plus the added. "Every"
 * means every one mydocker itself holds (`callerBounding`): asking for one it lacks by name is an
 * error, ALL means the ones it has. The inheritable set stays empty, as in Docker since 20.10.14
 * (CVE-2022-24769: a non-empty one lets a non-root user gain capabilities through file caps).
 */
export function computeCapabilities(
  opts: { privileged: boolean; capAdd: string[]; capDrop: string[] }, callerBounding: bigint,
): CapabilitySets {
  const add = opts.capAdd.map(normalizeCapName);
  const drop = opts.capDrop.map(normalizeCapName);
  let set: bigint;
  if (opts.privileged) set = callerBounding;
  else {
    for (const n of add) {
      if (n !== "ALL" && !hasCap(callerBounding, n))
        throw new InvalidInputError(`cannot add capability ${n}: mydocker itself does not hold it (its bounding set is ${toHex(callerBounding)})`);
    }
    const added = maskOf(add.filter((n): n is CapabilityName => n !== "ALL"));
    const dropped = maskOf(drop.filter((n): n is CapabilityName => n !== "ALL"));
    if (add.includes("ALL")) set = callerBounding & ~dropped;
    else if (drop.includes("ALL")) set = added;
    else set = (maskOf(DEFAULT_CAPABILITIES) & ~dropped) | added;
    set &= callerBounding;
  }
  return { bounding: set, effective: set, permitted: set, inheritable: 0n, ambient: 0n };
}

/** Capabilities that can be held on this kernel: 0..cap_last_cap. */
export function kernelCapMask(): bigint {
  let last = CAPABILITIES.length - 1;
  try { last = Number(readFileSync("/proc/sys/kernel/cap_last_cap", "latin1").trim()); } catch { /* old kernel */ }
  return (1n << BigInt(last + 1)) - 1n;
}
