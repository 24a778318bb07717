// Credentials and confinement syscalls: capability sets (capget/capset, the bounding and
// ambient sets through prctl), no_new_privs, seccomp filters, resource limits, and the bpf(2)
// calls that load and attach a cgroup device program. Masks are 64-bit bigints, bit N = cap N.

import { SyscallError } from "../errors";
import { errnoName, errnoText } from "./errno";
import { check, ptr, sym, tryCall } from "./libc";
import { PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, PR_CAPBSET_DROP, PR_CAPBSET_READ, PR_SET_NO_NEW_PRIVS } from "./process";

export interface CapSets { effective: bigint; permitted: bigint; inheritable: bigint }

const LINUX_CAPABILITY_VERSION_3 = 0x20080522;

function capHeader(): Uint32Array {
  return new Uint32Array([LINUX_CAPABILITY_VERSION_3, 0 /* this thread */]);
}

/** The calling thread's effective, permitted and inheritable sets. */
export function capget(): CapSets {
  const data = new Uint32Array(6); // two __user_cap_data_struct {effective, permitted, inheritable}
  check("capget", undefined, () => sym.capget(capHeader(), data));
  const join = (lo: number, hi: number) => (BigInt(data[hi]) << 32n) | BigInt(data[lo]);
  return { effective: join(0, 3), permitted: join(1, 4), inheritable: join(2, 5) };
}

/** Sets the calling thread's effective, permitted and inheritable sets. */
export function capset(sets: CapSets): void {
  const lo = (v: bigint) => Number(v & 0xffffffffn), hi = (v: bigint) => Number(v >> 32n);
  const data = new Uint32Array([
    lo(sets.effective), lo(sets.permitted), lo(sets.inheritable),
    hi(sets.effective), hi(sets.permitted), hi(sets.inheritable),
  ]);
  check("capset", undefined, () => sym.capset(capHeader(), data));
}

/** Whether cap is in the calling thread's bounding set (false for caps this kernel lacks). */
export function capbsetRead(cap: number): boolean {
  return tryCall(() => sym.prctl(PR_CAPBSET_READ, cap, 0, 0, 0)) === 1;
}

export function capbsetDrop(cap: number): void {
  check("prctl PR_CAPBSET_DROP", String(cap), () => sym.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0));
}

export function clearAmbientCaps(): void {
  check("prctl PR_CAP_AMBIENT_CLEAR_ALL", undefined, () => sym.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0));
}

const PR_CAP_AMBIENT_RAISE = 2;
export function raiseAmbientCap(cap: number): void {
  check("prctl PR_CAP_AMBIENT_RAISE", String(cap), () => sym.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0));
}

const PR_SET_KEEPCAPS = 8;
/** Keep the permitted set across a switch away from uid 0 (cleared again by execve). */
export function setKeepCaps(on: boolean): void {
  check("prctl PR_SET_KEEPCAPS", undefined, () => sym.prctl(PR_SET_KEEPCAPS, on ? 1 : 0, 0, 0, 0));
}

export function setNoNewPrivs(): void {
  check("prctl PR_SET_NO_NEW_PRIVS", undefined, () => sym.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
}

const SYS_seccomp = 317, SECCOMP_SET_MODE_FILTER = 1;

/**
 * Installs a classic BPF seccomp program (raw `struct sock_filter[]`, 8 bytes per instruction)
 * on the calling thread. Needs no_new_privs or CAP_SYS_ADMIN in the effective set.
 */
export function seccompSetFilter(program: Uint8Array, flags = 0): void {
  if (program.length === 0 || program.length % 8 !== 0) throw new RangeError(`seccomp program of ${program.length} bytes`);
  const prog = Buffer.from(program); // keep a reference for the call
  const fprog = new BigUint64Array(2); // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
  fprog[0] = BigInt(program.length / 8);
  fprog[1] = BigInt(ptr(prog));
  check("seccomp SECCOMP_SET_MODE_FILTER", undefined, () => sym.syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER as any, flags as any, fprog, null, null));
  void prog;
}

export const RLIMIT = {
  RLIMIT_CPU: 0, RLIMIT_FSIZE: 1, RLIMIT_DATA: 2, RLIMIT_STACK: 3, RLIMIT_CORE: 4, RLIMIT_RSS: 5,
  RLIMIT_NPROC: 6, RLIMIT_NOFILE: 7, RLIMIT_MEMLOCK: 8, RLIMIT_AS: 9, RLIMIT_LOCKS: 10,
  RLIMIT_SIGPENDING: 11, RLIMIT_MSGQUEUE: 12, RLIMIT_NICE: 13, RLIMIT_RTPRIO: 14, RLIMIT_RTTIME: 15,
} as const;

/** RLIM_INFINITY as a bigint. */
export const RLIM_INFINITY = 0xffffffffffffffffn;

export function getrlimit(resource: number): { soft: bigint; hard: bigint } {
  const r = new BigUint64Array(2);
  check("getrlimit", String(resource), () => sym.getrlimit(resource, r));
  return { soft: r[0], hard: r[1] };
}

export function setrlimit(resource: number, soft: bigint, hard: bigint, what: string): void {
  const r = new BigUint64Array([soft, hard]);
  check("setrlimit", what, () => sym.setrlimit(resource, r));
}

const SYS_bpf = 321, BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8, BPF_PROG_TYPE_CGROUP_DEVICE = 15,
  BPF_CGROUP_DEVICE = 6;
export const BPF_F_ALLOW_MULTI = 2;

/**
 * Loads an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE (raw `struct bpf_insn[]`); returns
 * its fd. On failure the verifier's log is part of the error.
 */
export function bpfLoadDeviceProgram(insns: Uint8Array, license: string): number {
  const code = Buffer.from(insns);
  const lic = Buffer.from(license + "\0");
  const log = Buffer.alloc(65536);
  // union bpf_attr for BPF_PROG_LOAD: prog_type, insn_cnt, insns, license, log_level, log_size,
  // log_buf, kern_version, prog_flags, prog_name[16]
  const attr = Buffer.alloc(128);
  attr.writeUInt32LE(BPF_PROG_TYPE_CGROUP_DEVICE, 0);
  attr.writeUInt32LE(insns.length / 8, 4);
  attr.writeBigUInt64LE(BigInt(ptr(code)), 8);
  attr.writeBigUInt64LE(BigInt(ptr(lic)), 16);
  attr.writeUInt32LE(1, 24);
  attr.writeUInt32LE(log.length, 28);
  attr.writeBigUInt64LE(BigInt(ptr(log)), 32);
  attr.write("mydocker_dev", 48, "latin1");
  const fd = tryCall(() => sym.syscall(SYS_bpf, BPF_PROG_LOAD as any, attr, attr.length as any, null, null));
  if (fd < 0) {
    const verifier = log.toString("latin1", 0, Math.max(0, log.indexOf(0))).trim().split("\n").slice(-3).join("; ");
    throw new SyscallError(`bpf BPF_PROG_LOAD device program${verifier ? ` (verifier: ${verifier})` : ""}`, -fd, errnoName(-fd), errnoText(-fd));
  }
  void code, lic;
  return fd;
}

/** Attaches a device program to the cgroup v2 directory open at cgroupFd. */
export function bpfAttachDeviceProgram(cgroupFd: number, progFd: number, flags: number, what: string): void {
  const attr = Buffer.alloc(32);
  attr.writeUInt32LE(cgroupFd, 0);
  attr.writeUInt32LE(progFd, 4);
  attr.writeUInt32LE(BPF_CGROUP_DEVICE, 8);
  attr.writeUInt32LE(flags, 12);
  check("bpf BPF_PROG_ATTACH", what, () => sym.syscall(SYS_bpf, BPF_PROG_ATTACH as any, attr, attr.length as any, null, null));
}
