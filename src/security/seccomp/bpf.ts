// A tiny assembler for classic BPF (the language of seccomp filters): instructions with symbolic
// jump targets, resolved to offsets once the program is laid out. Conditional jumps reach at
// most 255 instructions ahead; the compiler only aims them at nearby labels and uses `ja`
// (32-bit offset) for long distances, and the assembler refuses anything else.

export const BPF = {
  LD_W_ABS: 0x20, // A = *(u32 *)(seccomp_data + k)
  ALU_AND_K: 0x54, // A &= k
  JA: 0x05, // pc += k
  JEQ_K: 0x15, JGT_K: 0x25, JGE_K: 0x35, JSET_K: 0x45, // pc += (A op k) ? jt : jf
  RET_K: 0x06, // return k
} as const;

/** Offsets into struct seccomp_data. */
export const SECCOMP_DATA = { nr: 0, arch: 4, argLo: (i: number) => 16 + 8 * i, argHi: (i: number) => 20 + 8 * i } as const;

/** Kernel limit on a classic BPF program (BPF_MAXINSNS). */
export const MAX_INSNS = 4096;

export interface Insn { code: number; jt: number; jf: number; k: number }

/** A label, "next" (the following instruction), or a number of instructions to skip. */
export type Target = string | number;

type Item =
  | { kind: "insn"; code: number; k: number; t?: Target; f?: Target; ja?: string }
  | { kind: "label"; name: string };

export class Assembler {
  private items: Item[] = [];
  private counter = 0;

  /** A fresh label name. */
  label(hint = "L"): string {
    return `${hint}#${this.counter++}`;
  }

  place(name: string): void {
    this.items.push({ kind: "label", name });
  }

  ld(offset: number): void {
    this.items.push({ kind: "insn", code: BPF.LD_W_ABS, k: offset });
  }

  and(mask: number): void {
    this.items.push({ kind: "insn", code: BPF.ALU_AND_K, k: mask >>> 0 });
  }

  ret(value: number): void {
    this.items.push({ kind: "insn", code: BPF.RET_K, k: value >>> 0 });
  }

  ja(to: string): void {
    this.items.push({ kind: "insn", code: BPF.JA, k: 0, ja: to });
  }

  jump(op: "jeq" | "jgt" | "jge" | "jset", k: number, t: Target, f: Target): void {
    const code = { jeq: BPF.JEQ_K, jgt: BPF.JGT_K, jge: BPF.JGE_K, jset: BPF.JSET_K }[op];
    this.items.push({ kind: "insn", code, k: k >>> 0, t, f });
  }

  assemble(): Insn[] {
    const at = new Map<string, number>();
    let n = 0;
    for (const it of this.items) {
      if (it.kind === "label") at.set(it.name, n);
      else n++;
    }
    const out: Insn[] = [];
    let pc = 0;
    const offset = (t: Target | undefined, long: boolean): number => {
      if (t === undefined || t === "next") return 0;
      if (typeof t === "number") return t;
      const dest = at.get(t);
      if (dest === undefined) throw new Error(`bpf: undefined label ${t}`);
      const off = dest - (pc + 1);
      if (off < 0 || (!long && off > 255)) throw new Error(`bpf: jump to ${t} out of range (${off})`);
      return off;
    };
    for (const it of this.items) {
      if (it.kind === "label") continue;
      if (it.code === BPF.JA) out.push({ code: it.code, jt: 0, jf: 0, k: offset(it.ja, true) });
      else out.push({ code: it.code, jt: offset(it.t, false), jf: offset(it.f, false), k: it.k });
      pc++;
    }
    if (out.length > MAX_INSNS) throw new Error(`bpf: program of ${out.length} instructions exceeds the kernel's limit of ${MAX_INSNS}`);
    return out;
  }
}

/** struct sock_filter[] in the host's (little-endian) byte order. */
export function encode(prog: Insn[]): Uint8Array {
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach((p, i) => {
    buf.writeUInt16LE(p.code, i * 8);
    buf.writeUInt8(p.jt, i * 8 + 2);
    buf.writeUInt8(p.jf, i * 8 + 3);
    buf.writeUInt32LE(p.k >>> 0, i * 8 + 4);
  });
  return new Uint8Array(buf);
}

export function decode(bytes: Uint8Array): Insn[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Insn[] = [];
  for (let i = 0; i + 8 <= b.length; i += 8) out.push({ code: b.readUInt16LE(i), jt: b[i + 2], jf: b[i + 3], k: b.readUInt32LE(i + 4) });
  return out;
}
