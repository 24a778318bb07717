// Docker's resource flags: their syntax (units, decimals, CPU lists), the daemon's checks against
// what the host supports (with Docker's wording), and the step from HostConfig fields to the
// Resources a manager writes. Pure functions: no file is touched here.

import { InvalidInputError } from "../errors";
import type { CgroupSupport, Resources } from "./types";

/** Docker's linuxMinMemory. */
export const MIN_MEMORY = 6 * 1024 * 1024;
export const MIN_CPU_SHARES = 2;
export const MAX_CPU_SHARES = 262144;
/** The CFS period --cpus uses, µs. */
export const DEFAULT_CPU_PERIOD = 100_000;

/** The HostConfig fields this module owns, with Docker's names. */
export interface ResourceConfig {
  Memory: number;
  MemorySwap: number;
  MemoryReservation: number;
  CpuShares: number;
  NanoCpus: number;
  CpuPeriod: number;
  CpuQuota: number;
  CpusetCpus: string;
  CpusetMems: string;
  PidsLimit: number | null;
  BlkioWeight: number;
}

/** Flag values as typed, keyed by the flag's long name. */
export type ResourceFlagValues = Partial<Record<
  "memory" | "memory-swap" | "memory-reservation" | "cpu-shares" | "cpus" | "cpu-period" | "cpu-quota" |
  "cpuset-cpus" | "cpuset-mems" | "pids-limit" | "blkio-weight", string>>;

const LABELS: Record<keyof ResourceFlagValues, string> = {
  memory: "-m, --memory", "memory-swap": "--memory-swap", "memory-reservation": "--memory-reservation",
  "cpu-shares": "-c, --cpu-shares", cpus: "--cpus", "cpu-period": "--cpu-period", "cpu-quota": "--cpu-quota",
  "cpuset-cpus": "--cpuset-cpus", "cpuset-mems": "--cpuset-mems", "pids-limit": "--pids-limit", "blkio-weight": "--blkio-weight",
};

/** The long names of the resource flags (without --cgroup-parent). */
export const RESOURCE_FLAG_NAMES = Object.keys(LABELS) as (keyof ResourceFlagValues)[];

function invalid(flag: keyof ResourceFlagValues, value: string, why: string): InvalidInputError {
  return new InvalidInputError(`invalid argument "${value}" for "${LABELS[flag]}" flag: ${why}`);
}

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes: "100m", "1.5g", "512MiB", "64 k" → bytes (binary multiples). */
export function ramInBytes(value: string): number | null {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(value);
  if (!m) return null;
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? "").toLowerCase()]);
}

function parseBytes(flag: keyof ResourceFlagValues, value: string, allowUnlimited: boolean): number {
  if (allowUnlimited && value === "-1") return -1;
  const n = ramInBytes(value);
  if (n === null) throw invalid(flag, value, `invalid size: '${value}'`);
  return n;
}

function parseInt64(flag: keyof ResourceFlagValues, value: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw invalid(flag, value, `strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw invalid(flag, value, `strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`);
  return n;
}

function parseUint16(flag: keyof ResourceFlagValues, value: string): number {
  if (!/^\+?\d+$/.test(value)) throw invalid(flag, value, `strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`);
  const n = Number(value);
  if (n > 65535) throw invalid(flag, value, `strconv.ParseUint: parsing ${JSON.stringify(value)}: value out of range`);
  return n;
}

/** --cpus as Docker reads it (a rational number) → nano CPUs; at most 9 decimals. */
export function parseNanoCpus(value: string): number {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw invalid("cpus", value, `failed to parse ${value} as a rational number`);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  if (frac.length > 9) throw invalid("cpus", value, "value is too precise");
  const nano = Number(m[2] || "0") * 1e9 + Number(frac.padEnd(9, "0") || "0");
  return m[1] === "-" ? -nano : nano;
}

/**
 * Parses the flags that were given (syntax only, Docker CLI's errors). Returns just those
 * fields, so `update` can tell "not given" from "zero".
 */
export function parseResourceFlags(v: ResourceFlagValues): Partial<ResourceConfig> {
  const out: Partial<ResourceConfig> = {};
  if (v.memory !== undefined) out.Memory = parseBytes("memory", v.memory, false);
  if (v["memory-swap"] !== undefined) out.MemorySwap = parseBytes("memory-swap", v["memory-swap"], true);
  if (v["memory-reservation"] !== undefined) out.MemoryReservation = parseBytes("memory-reservation", v["memory-reservation"], false);
  if (v["cpu-shares"] !== undefined) out.CpuShares = parseInt64("cpu-shares", v["cpu-shares"]);
  if (v.cpus !== undefined) out.NanoCpus = parseNanoCpus(v.cpus);
  if (v["cpu-period"] !== undefined) out.CpuPeriod = parseInt64("cpu-period", v["cpu-period"]);
  if (v["cpu-quota"] !== undefined) out.CpuQuota = parseInt64("cpu-quota", v["cpu-quota"]);
  if (v["cpuset-cpus"] !== undefined) out.CpusetCpus = v["cpuset-cpus"];
  if (v["cpuset-mems"] !== undefined) out.CpusetMems = v["cpuset-mems"];
  if (v["pids-limit"] !== undefined) out.PidsLimit = parseInt64("pids-limit", v["pids-limit"]);
  if (v["blkio-weight"] !== undefined) out.BlkioWeight = parseUint16("blkio-weight", v["blkio-weight"]);
  return out;
}

export function emptyResourceConfig(): ResourceConfig {
  return { Memory: 0, MemorySwap: 0, MemoryReservation: 0, CpuShares: 0, NanoCpus: 0, CpuPeriod: 0, CpuQuota: 0, CpusetCpus: "", CpusetMems: "", PidsLimit: null, BlkioWeight: 0 };
}

/** Docker's parsers.ParseUintList: "0-2,4" → {0,1,2,4}; null when malformed. Ranges are capped. */
export function parseCpuList(list: string): Set<number> | null {
  const out = new Set<number>();
  if (list === "") return out;
  for (const part of list.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return null;
    const lo = Number(m[1]), hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return null;
    // no host has 65536 CPUs: a wider range cannot be available, one out-of-range member says so
    for (let i = lo; i <= Math.min(hi, lo + 65536); i++) out.add(i);
  }
  return out;
}

function checkAvailable(requested: string, available: string, what: "cpus" | "mems"): void {
  const want = parseCpuList(requested);
  if (!want) throw new InvalidInputError(`Invalid value ${requested} for cpuset ${what}`);
  const have = parseCpuList(available) ?? new Set<number>();
  for (const n of want) {
    if (!have.has(n)) {
      throw new InvalidInputError(what === "cpus"
        ? `Requested CPUs are not available - requested ${requested}, available: ${available}`
        : `Requested memory nodes are not available - requested ${requested}, available: ${available}`);
    }
  }
}

/** Number of online CPUs in a cpuset list. */
export function countCpus(list: string): number {
  return parseCpuList(list)?.size || 1;
}

/**
 * The daemon's checks and adjustments (Docker's verifyPlatformContainerResources and
 * adaptContainerSettings), in place. Errors are InvalidInputError with Docker's wording; what the
 * host cannot do is discarded with Docker's warning, returned for the caller to print.
 */
export function verifyResources(rc: ResourceConfig, host: CgroupSupport, opts: { update?: boolean } = {}): string[] {
  const warnings: string[] = [];
  // memory
  if (rc.Memory !== 0 && rc.Memory < MIN_MEMORY) throw new InvalidInputError("Minimum memory limit allowed is 6MB");
  if (rc.Memory > 0 && !host.memory) {
    warnings.push("Your kernel does not support memory limit capabilities or the cgroup is not mounted. Limitation discarded.");
    rc.Memory = 0;
    rc.MemorySwap = -1;
  }
  if (rc.Memory > 0 && rc.MemorySwap > 0 && !host.swap) {
    warnings.push("Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.");
    rc.MemorySwap = -1;
  }
  if (rc.Memory > 0 && rc.MemorySwap > 0 && rc.MemorySwap < rc.Memory) throw new InvalidInputError("Minimum memoryswap limit should be larger than memory limit, see usage");
  if (rc.Memory === 0 && rc.MemorySwap > 0 && !opts.update) throw new InvalidInputError("You should always set the Memory limit when using Memoryswap limit, see usage");
  if (rc.MemoryReservation > 0 && !host.memory) {
    warnings.push("Your kernel does not support memory soft limit capabilities or the cgroup is not mounted. Limitation discarded.");
    rc.MemoryReservation = 0;
  }
  if (rc.MemoryReservation > 0 && rc.MemoryReservation < MIN_MEMORY) throw new InvalidInputError("Minimum memory reservation allowed is 6MB");
  if (rc.Memory > 0 && rc.MemoryReservation > 0 && rc.Memory < rc.MemoryReservation) throw new InvalidInputError("Minimum memory limit can not be less than memory reservation limit, see usage");
  // cpu
  const ncpu = countCpus(host.cpus);
  if (rc.NanoCpus > 0 && rc.CpuPeriod > 0) throw new InvalidInputError("Conflicting options: Nano CPUs and CPU Period cannot both be set");
  if (rc.NanoCpus > 0 && rc.CpuQuota > 0) throw new InvalidInputError("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
  if (rc.NanoCpus > 0 && !host.cpuCfs) throw new InvalidInputError("NanoCPUs can not be set, as your kernel does not support CPU CFS scheduler or the cgroup is not mounted");
  // below 0.01 CPU the quota would be under the kernel's 1 ms minimum
  if (rc.NanoCpus < 0 || (rc.NanoCpus > 0 && rc.NanoCpus < 1e7) || rc.NanoCpus > ncpu * 1e9)
    throw new InvalidInputError(`Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`);
  if (rc.CpuShares < 0) rc.CpuShares = MIN_CPU_SHARES;
  else if (rc.CpuShares > MAX_CPU_SHARES) rc.CpuShares = MAX_CPU_SHARES;
  if (rc.CpuShares > 0 && !host.cpuShares) {
    warnings.push("Your kernel does not support CPU shares or the cgroup is not mounted. Shares discarded.");
    rc.CpuShares = 0;
  }
  if ((rc.CpuPeriod !== 0 || rc.CpuQuota !== 0) && !host.cpuCfs) {
    warnings.push("Your kernel does not support CPU CFS scheduler. CPU period/quota discarded.");
    rc.CpuPeriod = 0;
    rc.CpuQuota = 0;
  }
  if (rc.CpuPeriod !== 0 && (rc.CpuPeriod < 1000 || rc.CpuPeriod > 1_000_000)) throw new InvalidInputError("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
  if (rc.CpuQuota > 0 && rc.CpuQuota < 1000) throw new InvalidInputError("CPU cfs quota can not be less than 1ms (i.e. 1000)");
  // cpuset
  if ((rc.CpusetCpus !== "" || rc.CpusetMems !== "") && !host.cpuset) {
    warnings.push("Your kernel does not support cpuset or the cgroup is not mounted. Cpuset discarded.");
    rc.CpusetCpus = "";
    rc.CpusetMems = "";
  }
  if (rc.CpusetCpus !== "") checkAvailable(rc.CpusetCpus, host.cpus, "cpus");
  if (rc.CpusetMems !== "") checkAvailable(rc.CpusetMems, host.mems, "mems");
  // blkio
  if (rc.BlkioWeight > 0 && !host.blkioWeight) {
    warnings.push("Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.");
    rc.BlkioWeight = 0;
  }
  if (rc.BlkioWeight > 0 && (rc.BlkioWeight < 10 || rc.BlkioWeight > 1000)) throw new InvalidInputError("Range of blkio weight is from 10 to 1000");
  // pids
  if (rc.PidsLimit !== null && rc.PidsLimit > 0 && !host.pids) {
    warnings.push("Your kernel does not support PIDs limit capabilities or the cgroup is not mounted. PIDs limit discarded.");
    rc.PidsLimit = null;
  }
  if (rc.PidsLimit !== null && rc.PidsLimit <= 0) rc.PidsLimit = null; // 0 and -1 mean unlimited
  // Docker's default: swap as large as the memory limit (memory + swap = twice the limit)
  if (rc.Memory > 0 && rc.MemorySwap === 0 && !opts.update) rc.MemorySwap = rc.Memory * 2;
  return warnings;
}

/**
 * `update`: the changes laid over the current fields, with Docker's update-only rule; the result
 * is then checked like a new container's (verifyResources with update: true).
 */
export function mergeUpdate(current: ResourceConfig, changes: Partial<ResourceConfig>): ResourceConfig {
  const next = { ...current };
  if (changes.Memory !== undefined && changes.Memory !== 0) {
    if (current.MemorySwap > 0 && changes.Memory > current.MemorySwap && !changes.MemorySwap)
      throw new InvalidInputError("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
  }
  for (const [k, v] of Object.entries(changes) as [keyof ResourceConfig, never][]) {
    if (v === undefined) continue;
    // 0 leaves a numeric field as it is (Docker's "not set"), except the pids limit where 0 and
    // -1 mean "unlimited"
    if (v === 0 && k !== "PidsLimit") continue;
    next[k] = v;
  }
  if (changes.NanoCpus) { next.CpuPeriod = 0; next.CpuQuota = 0; }
  return next;
}

/** HostConfig fields → what the manager writes. */
export function toResources(rc: ResourceConfig): Resources {
  const r: Resources = {};
  if (rc.Memory) r.memory = rc.Memory;
  if (rc.MemorySwap) r.memorySwap = rc.MemorySwap;
  if (rc.MemoryReservation) r.memoryReservation = rc.MemoryReservation;
  if (rc.CpuShares) r.cpuShares = rc.CpuShares;
  if (rc.NanoCpus) {
    r.cpuPeriod = DEFAULT_CPU_PERIOD;
    r.cpuQuota = Math.floor((rc.NanoCpus * DEFAULT_CPU_PERIOD) / 1e9);
  } else {
    if (rc.CpuPeriod) r.cpuPeriod = rc.CpuPeriod;
    if (rc.CpuQuota) r.cpuQuota = rc.CpuQuota;
  }
  if (rc.CpusetCpus) r.cpusetCpus = rc.CpusetCpus;
  if (rc.CpusetMems) r.cpusetMems = rc.CpusetMems;
  if (rc.PidsLimit !== null && rc.PidsLimit > 0) r.pidsLimit = rc.PidsLimit;
  if (rc.BlkioWeight) r.blkioWeight = rc.BlkioWeight;
  return r;
}

/** A --cgroup-parent as a relative path below each hierarchy's root ("" = mydocker's default). */
export function normalizeCgroupParent(parent: string): string {
  const trimmed = parent.replace(/^\/+|\/+$/g, "");
  if (parent !== "" && trimmed === "") throw new InvalidInputError(`invalid --cgroup-parent "${parent}": the root cgroup cannot hold containers' cgroups directly`);
  for (const seg of trimmed === "" ? [] : trimmed.split("/")) {
    if (seg === "" || seg === "." || seg === ".." || /[\s\0]/.test(seg))
      throw new InvalidInputError(`invalid --cgroup-parent "${parent}": path segments must be non-empty names without "." or ".."`);
  }
  return trimmed;
}
