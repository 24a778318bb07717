// The last steps of a container's first process before execve, in the order the kernel
// requires:
//
//   prepareCredentials  (still full root) rlimits; PR_CAPBSET_DROP of every capability outside
//                       the container's bounding set (needs CAP_SETPCAP); PR_SET_KEEPCAPS so the
//                       permitted set survives a switch to a non-root uid
//   … setgroups / setresgid / setresuid in init.ts …
//   lockDown            capset (effective/permitted/inheritable; CAP_SYS_ADMIN kept for one more
//                       step if seccomp must be installed without no_new_privs), ambient cleared,
//                       no_new_privs, seccomp, then the final capset
//
// seccomp comes last: after it only capset and execve run on this thread (both allowed by
// Docker's profile; a custom profile that denies them fails the start with EPERM, as with runc).
// The filter is installed on the calling thread only: Bun's other threads run no container code
// and execve ends them, while the filtered thread becomes the whole process.

import { readFileSync } from "node:fs";
import { capbsetDrop, capbsetRead, capget, capset, clearAmbientCaps, raiseAmbientCap, seccompSetFilter, setKeepCaps, setNoNewPrivs } from "../sys/security";
import { capNumber, fromHex } from "./capabilities";
import { applyRlimits } from "./rlimits";
import type { SecuritySpec } from "./spec";

const CAP_SYS_ADMIN = 1n << BigInt(capNumber("CAP_SYS_ADMIN"));

function capLastCap(): number | null {
  try {
    const n = Number(readFileSync("/proc/sys/kernel/cap_last_cap", "latin1").trim());
    return Number.isInteger(n) && n >= 0 && n < 64 ? n : null;
  } catch {
    return null;
  }
}

export function prepareCredentials(sec: SecuritySpec): void {
  applyRlimits(sec.rlimits);
  if (!sec.capabilities) return;
  const keep = fromHex(sec.capabilities.bounding);
  // up to the kernel's last capability, even one newer than our table. The kernel names it in
  // /proc/sys/kernel/cap_last_cap (one read instead of a PR_CAPBSET_READ per capability, ~1 ms
  // of FFI calls here); without it PR_CAPBSET_READ says EINVAL (false) past the end
  const last = capLastCap();
  for (let cap = 0; cap < 64; cap++) {
    if ((keep >> BigInt(cap)) & 1n) continue;
    if (last === null ? capbsetRead(cap) : cap <= last) capbsetDrop(cap);
  }
  setKeepCaps(true);
}

/** `seccomp` is the filter program read from sec.seccompProfile before pivot_root, or null. */
export function lockDown(sec: SecuritySpec, seccomp: Uint8Array | null): void {
  const caps = sec.capabilities;
  let final: { effective: bigint; permitted: bigint; inheritable: bigint } | null = null;
  if (caps) {
    const held = capget().permitted;
    final = { effective: fromHex(caps.effective) & held, permitted: fromHex(caps.permitted) & held, inheritable: fromHex(caps.inheritable) };
    const needAdmin = seccomp !== null && !sec.noNewPrivileges && (held & CAP_SYS_ADMIN) !== 0n;
    const extra = needAdmin ? CAP_SYS_ADMIN : 0n;
    capset({ effective: final.effective | extra, permitted: final.permitted | extra, inheritable: final.inheritable });
    clearAmbientCaps();
    const ambient = fromHex(caps.ambient);
    for (let cap = 0; ambient >> BigInt(cap); cap++) if ((ambient >> BigInt(cap)) & 1n) raiseAmbientCap(cap);
  }
  if (sec.noNewPrivileges) setNoNewPrivs();
  if (seccomp) seccompSetFilter(seccomp, sec.seccompFlags ?? 0);
  if (final) capset(final);
}
