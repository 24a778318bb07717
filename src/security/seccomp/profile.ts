// Docker's seccomp profile format (the JSON `--security-opt seccomp=FILE` takes, and the shape
// of the built-in default): validation with errors that name the offending field, and
// resolution for one container — which rules apply given its bounding set, the host's
// architecture and kernel (Docker's includes/excludes) — into per-ABI rule lists by syscall
// number, ready for the BPF compiler.

import { readFileSync } from "node:fs";
import { InvalidInputError } from "../../errors";
import { I386, X32, X86_64, type SyscallTable } from "./syscalls-x86";
import { kernelRelease } from "../../sys/proc";

export type SeccompAction =
  | "SCMP_ACT_KILL" | "SCMP_ACT_KILL_THREAD" | "SCMP_ACT_KILL_PROCESS" | "SCMP_ACT_TRAP"
  | "SCMP_ACT_ERRNO" | "SCMP_ACT_TRACE" | "SCMP_ACT_ALLOW" | "SCMP_ACT_LOG";

export type SeccompOp =
  | "SCMP_CMP_NE" | "SCMP_CMP_LT" | "SCMP_CMP_LE" | "SCMP_CMP_EQ" | "SCMP_CMP_GE" | "SCMP_CMP_GT"
  | "SCMP_CMP_MASKED_EQ";

export interface SeccompArg { index: number; value: number; valueTwo?: number; op: SeccompOp }

export interface SeccompFilterRule {
  /** Docker's older spelling: one name. */
  name?: string;
  names?: readonly string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: readonly SeccompArg[] | null;
  comment?: string;
  includes?: { caps?: readonly string[]; arches?: readonly string[]; minKernel?: string };
  excludes?: { caps?: readonly string[]; arches?: readonly string[]; minKernel?: string };
}

export interface SeccompProfile {
  defaultAction: SeccompAction | "";
  defaultErrnoRet?: number;
  architectures?: readonly string[];
  archMap?: readonly { architecture: string; subArchitectures?: readonly string[] | null }[];
  flags?: readonly string[];
  syscalls?: readonly SeccompFilterRule[];
}

/** SECCOMP_RET_* values (linux/seccomp.h). */
export const RET = {
  KILL_PROCESS: 0x80000000, KILL_THREAD: 0, TRAP: 0x00030000, ERRNO: 0x00050000,
  TRACE: 0x7ff00000, LOG: 0x7ffc0000, ALLOW: 0x7fff0000,
} as const;

const EPERM = 1;

/** SECCOMP_FILTER_FLAG_* a profile may ask for. TSYNC is implied (see install in process.ts). */
export const FILTER_FLAGS: Record<string, number> = {
  SECCOMP_FILTER_FLAG_TSYNC: 0, SECCOMP_FILTER_FLAG_LOG: 2, SECCOMP_FILTER_FLAG_SPEC_ALLOW: 4,
};

const ACTIONS: readonly string[] = [
  "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
  "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",
];
const OPS: readonly string[] = [
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
];

/** The seccomp return value of an action (errnoRet: the errno for ERRNO, the data for TRACE). */
export function actionValue(action: SeccompAction, errnoRet?: number): number {
  switch (action) {
    case "SCMP_ACT_KILL": case "SCMP_ACT_KILL_THREAD": return RET.KILL_THREAD;
    case "SCMP_ACT_KILL_PROCESS": return RET.KILL_PROCESS;
    case "SCMP_ACT_TRAP": return RET.TRAP;
    case "SCMP_ACT_ERRNO": return (RET.ERRNO | ((errnoRet ?? EPERM) & 0xffff)) >>> 0;
    case "SCMP_ACT_TRACE": return (RET.TRACE | ((errnoRet ?? EPERM) & 0xffff)) >>> 0;
    case "SCMP_ACT_LOG": return RET.LOG;
    case "SCMP_ACT_ALLOW": return RET.ALLOW;
  }
}

/** The ABIs of an x86_64 kernel; `docker` is the name Docker's includes/excludes use. */
export interface Abi { arch: string; docker: string; audit: number; x32: boolean; table: SyscallTable; compat32: boolean }

export const AUDIT_ARCH_X86_64 = 0xc000003e, AUDIT_ARCH_I386 = 0x40000003, X32_SYSCALL_BIT = 0x40000000;

const ABIS: Record<string, Abi> = {
  SCMP_ARCH_X86_64: { arch: "SCMP_ARCH_X86_64", docker: "amd64", audit: AUDIT_ARCH_X86_64, x32: false, table: X86_64, compat32: false },
  SCMP_ARCH_X86: { arch: "SCMP_ARCH_X86", docker: "x86", audit: AUDIT_ARCH_I386, x32: false, table: I386, compat32: true },
  SCMP_ARCH_X32: { arch: "SCMP_ARCH_X32", docker: "x32", audit: AUDIT_ARCH_X86_64, x32: true, table: X32, compat32: false },
};

/** One rule for one syscall number, as the compiler sees it. */
export interface CompiledRule { action: number; args: SeccompArg[] }

export interface ResolvedFilter {
  defaultAction: number;
  /** Calls numbered above the largest one the profile names fail with ENOSYS (runc's rule). */
  enosysAbove: boolean;
  abis: { abi: Abi; rules: Map<number, CompiledRule[]> }[];
  flags: number;
}

function fail(msg: string): never {
  throw new InvalidInputError(`seccomp profile: ${msg}`);
}

/** Structural checks of a parsed profile, so a bad file fails at `run` with a clear message. */
export function validateProfile(p: unknown): SeccompProfile {
  if (typeof p !== "object" || p === null || Array.isArray(p)) fail("not a JSON object");
  const prof = p as SeccompProfile;
  if (prof.defaultAction !== "" && prof.defaultAction !== undefined && !ACTIONS.includes(prof.defaultAction)) {
    if ((prof.defaultAction as string) === "SCMP_ACT_NOTIFY") fail("SCMP_ACT_NOTIFY is not supported");
    fail(`unknown defaultAction "${prof.defaultAction}"`);
  }
  if (prof.architectures?.length && prof.archMap?.length) fail("both 'architectures' and 'archMap' are specified, use either 'architectures' or 'archMap'");
  for (const f of prof.flags ?? []) if (!(f in FILTER_FLAGS)) fail(`unsupported flag "${f}"`);
  (prof.syscalls ?? []).forEach((r, i) => {
    const where = `syscalls[${i}]`;
    if (typeof r !== "object" || r === null) fail(`${where} is not an object`);
    if (r.name && r.names?.length) fail(`${where}: both 'name' and 'names' are specified, use either 'name' or 'names'`);
    if (!r.name && !Array.isArray(r.names)) fail(`${where}: no 'names'`);
    if ((r.action as string) === "SCMP_ACT_NOTIFY") fail(`${where}: SCMP_ACT_NOTIFY is not supported`);
    if (!ACTIONS.includes(r.action)) fail(`${where}: unknown action "${r.action}"`);
    for (const a of r.args ?? []) {
      if (!Number.isInteger(a.index) || a.index < 0 || a.index > 5) fail(`${where}: argument index ${a.index} is not 0-5`);
      if (!OPS.includes(a.op)) fail(`${where}: unknown operator "${a.op}"`);
      if (!isU64(a.value) || (a.valueTwo !== undefined && !isU64(a.valueTwo))) fail(`${where}: argument values must be unsigned integers`);
    }
  });
  return prof;
}

function isU64(v: unknown): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

/** A profile file's bytes (read once: they are also the cache key). */
export function readProfileFile(path: string): Uint8Array {
  try { return new Uint8Array(readFileSync(path)); } catch (e: any) {
    throw new InvalidInputError(`opening seccomp profile (${path}) failed: ${e?.code === "ENOENT" ? "no such file or directory" : e?.message ?? e}`);
  }
}

export function parseProfile(bytes: Uint8Array, path: string): SeccompProfile {
  let parsed: unknown;
  try { parsed = JSON.parse(Buffer.from(bytes).toString("utf8")); } catch (e: any) {
    throw new InvalidInputError(`decoding seccomp profile ${path} failed: ${e?.message ?? e}`);
  }
  try { return validateProfile(parsed); } catch (e: any) {
    throw new InvalidInputError(`${path}: ${e.message}`);
  }
}

export function loadProfileFile(path: string): SeccompProfile {
  return parseProfile(readProfileFile(path), path);
}

/** "6.18.44-fc" >= "4.8"? */
export function kernelAtLeast(min: string, running = kernelRelease()): boolean {
  const parse = (s: string) => s.split(/[^0-9]+/).filter(Boolean).slice(0, 2).map(Number);
  const [a = 0, b = 0] = parse(running), [c = 0, d = 0] = parse(min);
  return a !== c ? a > c : b >= d;
}

export interface ResolveContext {
  /** Capability names in the container's bounding set ("CAP_SYS_ADMIN"). */
  caps: ReadonlySet<string>;
  /** The host's architecture as Docker names it (only "amd64" is supported). */
  nativeArch?: string;
  kernel?: string;
}

/**
 * Applies Docker's includes/excludes for this container and maps names to numbers per ABI.
 * Returns null when the profile disables seccomp (no default action and no rules, as Docker).
 */
export function resolveProfile(prof: SeccompProfile, ctx: ResolveContext): ResolvedFilter | null {
  if (!prof.defaultAction && !(prof.syscalls?.length)) return null;
  if (!prof.defaultAction) fail("no defaultAction");
  const native = ctx.nativeArch ?? "amd64";
  if (native !== "amd64") throw new InvalidInputError(`seccomp: architecture ${native} is not supported (run with --security-opt seccomp=unconfined)`);
  const kernel = ctx.kernel ?? kernelRelease();

  let archNames: string[];
  if (prof.archMap?.length) {
    const entry = prof.archMap.find((a) => a.architecture === "SCMP_ARCH_X86_64");
    archNames = entry ? ["SCMP_ARCH_X86_64", ...(entry.subArchitectures ?? [])] : [];
  } else archNames = [...(prof.architectures ?? [])];
  if (!archNames.includes("SCMP_ARCH_X86_64")) archNames.unshift("SCMP_ARCH_X86_64"); // the native ABI is always filtered
  const abis = [...new Set(archNames)].filter((a) => ABIS[a]).map((a) => ABIS[a]);

  const applies = (r: SeccompFilterRule): boolean => {
    const ex = r.excludes, inc = r.includes;
    if (ex) {
      if (ex.arches?.includes(native)) return false;
      if (ex.caps?.some((c) => ctx.caps.has(c))) return false;
      if (ex.minKernel && kernelAtLeast(ex.minKernel, kernel)) return false;
    }
    if (inc) {
      if (inc.arches?.length && !inc.arches.includes(native)) return false;
      if (inc.caps?.length && !inc.caps.every((c) => ctx.caps.has(c))) return false;
      if (inc.minKernel && !kernelAtLeast(inc.minKernel, kernel)) return false;
    }
    return true;
  };

  const rules = (prof.syscalls ?? []).filter(applies);
  let flags = 0;
  for (const f of prof.flags ?? []) flags |= FILTER_FLAGS[f] ?? 0;
  const defaultAction = actionValue(prof.defaultAction, prof.defaultAction === "SCMP_ACT_ERRNO" ? prof.defaultErrnoRet : undefined);
  const allowLike = (a: string) => a === "SCMP_ACT_ALLOW" || a === "SCMP_ACT_LOG" || a === "SCMP_ACT_TRACE";
  return {
    defaultAction,
    enosysAbove: !allowLike(prof.defaultAction) && !(prof.defaultAction === "SCMP_ACT_ERRNO" && prof.defaultErrnoRet === 38),
    flags,
    abis: abis.map((abi) => {
      const byNr = new Map<number, CompiledRule[]>();
      for (const r of rules) {
        const action = actionValue(r.action, r.errnoRet);
        for (const name of r.names ?? [r.name!]) {
          const nr = abi.table.get(name);
          if (nr === undefined) continue; // not a call of this ABI (Docker's lists span all ABIs)
          const list = byNr.get(nr) ?? [];
          list.push({ action, args: [...(r.args ?? [])] });
          byNr.set(nr, list);
        }
      }
      return { abi, rules: byNr };
    }),
  };
}
