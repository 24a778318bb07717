// A classic BPF interpreter for the instructions the seccomp compiler emits, so unit tests can
// run a compiled filter against a syscall the way the kernel would.

import { BPF, type Insn } from "../../src/security/seccomp/bpf";

export interface SeccompData { nr: number; arch: number; args?: bigint[] }

/** Instructions executed by the last runFilter call. */
export let lastSteps = 0;

export function runFilter(prog: Insn[], d: SeccompData): number {
  const data = Buffer.alloc(64);
  data.writeUInt32LE(d.nr >>> 0, 0);
  data.writeUInt32LE(d.arch >>> 0, 4);
  (d.args ?? []).forEach((a, i) => data.writeBigUInt64LE(BigInt.asUintN(64, a), 16 + 8 * i));
  let A = 0;
  for (let pc = 0, steps = 0; pc < prog.length; pc++) {
    if (++steps > 10_000) throw new Error("bpf: runaway program");
    const { code, jt, jf, k } = prog[pc];
    switch (code) {
      case BPF.LD_W_ABS:
        if (k % 4 !== 0 || k + 4 > 64) throw new Error(`bpf: bad load offset ${k}`);
        A = data.readUInt32LE(k); break;
      case BPF.ALU_AND_K: A = (A & k) >>> 0; break;
      case BPF.JA: pc += k; break;
      case BPF.JEQ_K: pc += A === k ? jt : jf; break;
      case BPF.JGT_K: pc += A > k ? jt : jf; break;
      case BPF.JGE_K: pc += A >= k ? jt : jf; break;
      case BPF.JSET_K: pc += (A & k) !== 0 ? jt : jf; break;
      case BPF.RET_K: lastSteps = steps; return k >>> 0;
      default: throw new Error(`bpf: unknown opcode 0x${code.toString(16)} at ${pc}`);
    }
  }
  throw new Error("bpf: fell off the end of the program");
}
