// The device cgroup of a container: which device nodes its processes may open or create.
// cgroup v1 keeps a list in devices.allow/devices.deny of the container's devices cgroup;
// cgroup v2 has no file for it — a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the
// container's cgroup answers each access. Both take a cgroup directory, so they are tested on a
// temp dir (v1) and on a cgroup the test makes (v2).

import { closeSync, openSync, writeSync } from "node:fs";
import { closeFd, O_DIRECTORY, O_RDONLY, openAt } from "../sys/fs";
import { BPF_F_ALLOW_MULTI, bpfAttachDeviceProgram, bpfLoadDeviceProgram } from "../sys/security";
import { formatRule } from "./devices";
import type { DeviceRule } from "./spec";

/** v1: deny everything, then allow each rule (one write per line, as the kernel parses them). */
export function writeDeviceRulesV1(dir: string, rules: readonly DeviceRule[]): void {
  const write = (file: string, line: string) => {
    const fd = openSync(`${dir}/${file}`, "a");
    try { writeSync(fd, line); } finally { closeSync(fd); }
  };
  write("devices.deny", "a");
  for (const r of rules) write(r.allow ? "devices.allow" : "devices.deny", formatRule(r));
}

// eBPF encoding (linux/bpf.h): 8 bytes per instruction, code, dst|src<<4, off, imm.
const LDX_MEM_W = 0x61, ALU64_AND_K = 0x57, ALU64_RSH_K = 0x77, ALU64_MOV_K = 0xb7, ALU64_MOV_X = 0xbf,
  JMP_JNE_K = 0x55, JMP_EXIT = 0x95;
/** struct bpf_cgroup_dev_ctx: access_type = (access << 16) | type; major; minor. */
const DEV_BLOCK = 1, DEV_CHAR = 2, ACC_MKNOD = 1, ACC_READ = 2, ACC_WRITE = 4;

interface EInsn { code: number; dst: number; src: number; off: number; imm: number }

function accessBits(access: string): number {
  return (access.includes("m") ? ACC_MKNOD : 0) | (access.includes("r") ? ACC_READ : 0) | (access.includes("w") ? ACC_WRITE : 0);
}

/**
 * The program: r2 = device type, r3 = requested access, r4 = major, r5 = minor; each rule is a
 * block that jumps to the next on any mismatch and otherwise returns its verdict (1 = allow);
 * no rule matching returns 0 (deny). Rules are tried in order.
 */
export function deviceProgram(rules: readonly DeviceRule[]): EInsn[] {
  const p: EInsn[] = [
    { code: LDX_MEM_W, dst: 2, src: 1, off: 0, imm: 0 },
    { code: ALU64_AND_K, dst: 2, src: 0, off: 0, imm: 0xffff },
    { code: LDX_MEM_W, dst: 3, src: 1, off: 0, imm: 0 },
    { code: ALU64_RSH_K, dst: 3, src: 0, off: 0, imm: 16 },
    { code: LDX_MEM_W, dst: 4, src: 1, off: 4, imm: 0 },
    { code: LDX_MEM_W, dst: 5, src: 1, off: 8, imm: 0 },
  ];
  for (const r of rules) {
    const block: EInsn[] = [];
    const jne = (reg: number, imm: number) => block.push({ code: JMP_JNE_K, dst: reg, src: 0, off: -1 /* fixed below */, imm });
    if (r.type !== "a") jne(2, r.type === "c" ? DEV_CHAR : DEV_BLOCK);
    const acc = accessBits(r.access);
    if (acc !== 7) {
      block.push({ code: ALU64_MOV_X, dst: 1, src: 3, off: 0, imm: 0 });
      block.push({ code: ALU64_AND_K, dst: 1, src: 0, off: 0, imm: ~acc & 7 });
      jne(1, 0);
    }
    if (r.major !== null) jne(4, r.major);
    if (r.minor !== null) jne(5, r.minor);
    block.push({ code: ALU64_MOV_K, dst: 0, src: 0, off: 0, imm: r.allow ? 1 : 0 });
    block.push({ code: JMP_EXIT, dst: 0, src: 0, off: 0, imm: 0 });
    // every jne skips to the end of this block
    block.forEach((insn, i) => { if (insn.code === JMP_JNE_K) insn.off = block.length - i - 1; });
    p.push(...block);
  }
  p.push({ code: ALU64_MOV_K, dst: 0, src: 0, off: 0, imm: 0 }, { code: JMP_EXIT, dst: 0, src: 0, off: 0, imm: 0 });
  return p;
}

export function encodeEbpf(prog: EInsn[]): Uint8Array {
  const b = Buffer.alloc(prog.length * 8);
  prog.forEach((x, i) => {
    b.writeUInt8(x.code, i * 8);
    b.writeUInt8((x.dst & 0xf) | ((x.src & 0xf) << 4), i * 8 + 1);
    b.writeInt16LE(x.off, i * 8 + 2);
    b.writeInt32LE(x.imm | 0, i * 8 + 4);
  });
  return new Uint8Array(b);
}

/** v2: loads the rules as a device program and attaches it to the cgroup at dir. */
export function attachDeviceProgramV2(dir: string, rules: readonly DeviceRule[]): void {
  const prog = bpfLoadDeviceProgram(encodeEbpf(deviceProgram(rules)), "MIT");
  try {
    const cg = openAt(-100, dir, O_RDONLY | O_DIRECTORY);
    try { bpfAttachDeviceProgram(cg, prog, BPF_F_ALLOW_MULTI, dir); } finally { closeFd(cg); }
  } finally { closeFd(prog); } // the attachment holds the program; the cgroup's removal frees it
}
