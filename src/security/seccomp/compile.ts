// Compiles a resolved seccomp profile into a classic BPF program. Layout:
//
//   ld arch; jeq X86_64 → x86_64; jeq I386 → i386; ret KILL_PROCESS     (an ABI the profile lacks)
//   x86_64: ld nr; jset X32_BIT → x32 (or KILL when x32 is not filtered)
//           nr > largest listed → ret ERRNO(ENOSYS)                     (runc's rule: calls newer
//                                                                        than the profile)
//           binary search over number ranges of equal outcome → ret ACTION, or the argument
//           checks of a conditional call (each rule: all its checks must hold, first match wins)
//   x32, i386: the same, against their own numbers
//
// Contiguous allowed numbers collapse into one range, so the default profile's ~370 names need
// only a few dozen comparisons, and a call reaches its verdict after about seven.

import { Assembler, encode, SECCOMP_DATA, type Insn } from "./bpf";
import { AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, RET, X32_SYSCALL_BIT, type CompiledRule, type ResolvedFilter, type SeccompArg } from "./profile";

const ENOSYS = 38;
const RET_ENOSYS = (RET.ERRNO | ENOSYS) >>> 0;

type Outcome = { ret: number } | { rules: CompiledRule[] };

interface Segment { lo: number; outcome: Outcome }

/** What a call with these rules does when no argument is inspected, or null if it depends on them. */
function simpleOutcome(rules: CompiledRule[], defaultAction: number): number | null {
  const unconditional = rules.find((r) => r.args.length === 0);
  const conditional = rules.filter((r) => r.args.length > 0);
  const fallback = unconditional ? unconditional.action : defaultAction;
  // conditional rules whose action equals the fallback change nothing
  if (conditional.every((r) => r.action === fallback)) return fallback;
  return null;
}

function segments(rules: Map<number, CompiledRule[]>, defaultAction: number, base: number, enosysAbove: boolean): Segment[] {
  const nrs = [...rules.keys()].sort((a, b) => a - b);
  const segs: Segment[] = [];
  const push = (lo: number, outcome: Outcome) => {
    const last = segs[segs.length - 1];
    if (last && "ret" in last.outcome && "ret" in outcome && last.outcome.ret === outcome.ret) return;
    segs.push({ lo, outcome });
  };
  let cur = 0;
  for (const nr of nrs) {
    if (nr > cur) push(base + cur, { ret: defaultAction });
    const simple = simpleOutcome(rules.get(nr)!, defaultAction);
    push(base + nr, simple !== null ? { ret: simple } : { rules: rules.get(nr)! });
    cur = nr + 1;
  }
  if (!enosysAbove || nrs.length === 0) push(base + cur, { ret: defaultAction });
  return segs;
}

function u64(v: number): { hi: number; lo: number } {
  let b = BigInt(Math.trunc(v));
  if (b > 0xffffffffffffffffn) b = 0xffffffffffffffffn; // JSON cannot carry 2^64-1 exactly
  return { hi: Number(b >> 32n), lo: Number(b & 0xffffffffn) };
}

/** Falls through when the argument check holds, jumps to `fail` otherwise. */
function emitCheck(a: Assembler, arg: SeccompArg, fail: string, compat32: boolean): void {
  const v = u64(arg.value);
  const lo = SECCOMP_DATA.argLo(arg.index), hi = SECCOMP_DATA.argHi(arg.index);
  if (arg.op === "SCMP_CMP_MASKED_EQ") {
    const want = u64(arg.valueTwo ?? 0);
    if (!compat32) {
      a.ld(hi); a.and(v.hi); a.jump("jeq", want.hi, "next", fail);
    }
    a.ld(lo); a.and(v.lo); a.jump("jeq", want.lo, "next", fail);
    return;
  }
  if (compat32) {
    // a 32-bit ABI's arguments are 32 bits wide: compare the low word only, as libseccomp does
    a.ld(lo);
    switch (arg.op) {
      case "SCMP_CMP_EQ": a.jump("jeq", v.lo, "next", fail); break;
      case "SCMP_CMP_NE": a.jump("jeq", v.lo, fail, "next"); break;
      case "SCMP_CMP_GT": a.jump("jgt", v.lo, "next", fail); break;
      case "SCMP_CMP_GE": a.jump("jge", v.lo, "next", fail); break;
      case "SCMP_CMP_LT": a.jump("jge", v.lo, fail, "next"); break;
      case "SCMP_CMP_LE": a.jump("jgt", v.lo, fail, "next"); break;
    }
    return;
  }
  const pass = a.label("pass");
  a.ld(hi);
  switch (arg.op) {
    case "SCMP_CMP_EQ":
      a.jump("jeq", v.hi, "next", fail); a.ld(lo); a.jump("jeq", v.lo, "next", fail); break;
    case "SCMP_CMP_NE":
      a.jump("jeq", v.hi, "next", pass); a.ld(lo); a.jump("jeq", v.lo, fail, "next"); break;
    case "SCMP_CMP_GT":
      a.jump("jgt", v.hi, pass, "next"); a.jump("jeq", v.hi, "next", fail); a.ld(lo); a.jump("jgt", v.lo, "next", fail); break;
    case "SCMP_CMP_GE":
      a.jump("jgt", v.hi, pass, "next"); a.jump("jeq", v.hi, "next", fail); a.ld(lo); a.jump("jge", v.lo, "next", fail); break;
    case "SCMP_CMP_LT":
      a.jump("jgt", v.hi, fail, "next"); a.jump("jeq", v.hi, "next", pass); a.ld(lo); a.jump("jge", v.lo, fail, "next"); break;
    case "SCMP_CMP_LE":
      a.jump("jgt", v.hi, fail, "next"); a.jump("jeq", v.hi, "next", pass); a.ld(lo); a.jump("jgt", v.lo, fail, "next"); break;
  }
  a.place(pass);
}

/** Conditional rules in order (first whose checks all hold decides), then the unconditional one or the default. */
function emitRules(a: Assembler, rules: CompiledRule[], defaultAction: number, compat32: boolean): void {
  for (const r of rules.filter((x) => x.args.length > 0)) {
    const next = a.label("rule");
    for (const arg of r.args) emitCheck(a, arg, next, compat32);
    a.ret(r.action);
    a.place(next);
  }
  a.ret(rules.find((x) => x.args.length === 0)?.action ?? defaultAction);
}

function emitTree(a: Assembler, segs: Segment[], defaultAction: number, compat32: boolean): void {
  if (segs.length === 1) {
    const o = segs[0].outcome;
    if ("ret" in o) a.ret(o.ret);
    else emitRules(a, o.rules, defaultAction, compat32);
    return;
  }
  const mid = segs.length >> 1;
  const right = a.label("ge");
  a.jump("jge", segs[mid].lo, "next", 1); // below: skip the ja into the left half
  a.ja(right);
  emitTree(a, segs.slice(0, mid), defaultAction, compat32);
  a.place(right);
  emitTree(a, segs.slice(mid), defaultAction, compat32);
}

export interface CompiledFilter { program: Uint8Array; insns: Insn[]; flags: number }

export function compileFilter(f: ResolvedFilter): CompiledFilter {
  const a = new Assembler();
  const native = f.abis.find((x) => x.abi.audit === AUDIT_ARCH_X86_64 && !x.abi.x32)!;
  const x32 = f.abis.find((x) => x.abi.x32);
  const i386 = f.abis.find((x) => x.abi.audit === AUDIT_ARCH_I386);
  const L = { native: a.label("x86_64"), x32: a.label("x32"), i386: a.label("i386") };

  a.ld(SECCOMP_DATA.arch);
  a.jump("jeq", AUDIT_ARCH_X86_64, "next", 1);
  a.ja(L.native);
  if (i386) {
    a.jump("jeq", AUDIT_ARCH_I386, "next", 1);
    a.ja(L.i386);
  }
  a.ret(RET.KILL_PROCESS);

  const section = (entry: string, s: NonNullable<typeof x32>, base: number, before?: () => void) => {
    a.place(entry);
    a.ld(SECCOMP_DATA.nr);
    before?.();
    const nrs = [...s.rules.keys()];
    if (f.enosysAbove && nrs.length) {
      a.jump("jgt", base + Math.max(...nrs), "next", 1);
      a.ret(RET_ENOSYS);
    }
    emitTree(a, segments(s.rules, f.defaultAction, base, f.enosysAbove), f.defaultAction, s.abi.compat32);
  };
  section(L.native, native, 0, () => {
    a.jump("jset", X32_SYSCALL_BIT, "next", 1);
    if (x32) a.ja(L.x32);
    else a.ret(RET.KILL_PROCESS);
  });
  if (x32) section(L.x32, x32, X32_SYSCALL_BIT);
  if (i386) section(L.i386, i386, 0);

  const insns = a.assemble();
  return { program: encode(insns), insns, flags: f.flags };
}

