// Docker's (cgroup v1) resource units → cgroup v2 files, with the conversions runc and crun use,
// so a container gets the same relative weights and limits on either kind of host.

import { InvalidInputError } from "../../errors";

/** cpu.shares 2..262144 → cpu.weight 1..10000 (1024 → 39); 0 = not set. */
export function cpuSharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return Math.floor(1 + ((shares - 2) * 9999) / 262142);
}

/** blkio.weight 10..1000 → io.weight 1..10000 (500 → 5000); 0 = not set. */
export function blkioWeightToIoWeight(weight: number): number {
  if (weight === 0) return 0;
  return Math.floor(1 + ((weight - 10) * 9999) / 990);
}

/** CFS quota/period (µs) → cpu.max "QUOTA PERIOD" ("max" for no quota); null = not set. */
export function cpuMax(quota: number, period: number): string | null {
  if (quota === 0 && period === 0) return null;
  const q = quota > 0 ? String(quota) : "max";
  return period > 0 ? `${q} ${period}` : q;
}

/** memory (bytes, -1 unlimited) → memory.max; null = not set. */
export function memoryMax(memory: number): string | null {
  if (memory === 0) return null;
  return memory === -1 ? "max" : String(memory);
}

/**
 * Docker's memory-swap is memory plus swap; v2's memory.swap.max is the swap alone.
 * -1 → "max"; 0 → not set (null), except that unlimited memory also frees swap.
 */
export function memorySwapMax(memorySwap: number, memory: number): string | null {
  if (memory === -1 && memorySwap === 0) return "max";
  if (memorySwap === -1) return "max";
  if (memorySwap === 0) return null;
  if (memory <= 0) throw new InvalidInputError("unable to set swap limit without memory limit");
  if (memorySwap < memory) throw new InvalidInputError("memory+swap limit should be >= memory limit");
  return String(memorySwap - memory);
}

/** pids limit (> 0, or -1 unlimited) → pids.max; null = not set. */
export function pidsMax(limit: number): string | null {
  if (limit === 0) return null;
  return limit > 0 ? String(limit) : "max";
}
