// v1 memory: memory.limit_in_bytes, memory.memsw.limit_in_bytes (memory + swap; absent when the
// kernel does not account swap), memory.soft_limit_in_bytes; OOM kills in memory.oom_control.

import { readFlatKeyed, readNumber } from "../files";
import type { CgroupFs } from "../files";
import type { V1Controller } from "./controller";

/** v1 reports "no limit" as a page-rounded LONG_MAX. */
const UNLIMITED_FROM = 2 ** 62;

function setMemoryAndSwap(fs: CgroupFs, dir: string, memory: number, swap: number): void {
  const limit = `${dir}/memory.limit_in_bytes`;
  const memsw = `${dir}/memory.memsw.limit_in_bytes`;
  const hasMemsw = fs.exists(memsw);
  // unlimited memory with swap left alone means both unlimited (memsw may not be below memory)
  if (memory === -1 && swap === 0) swap = -1;
  if (!hasMemsw) swap = 0;
  if (memory !== 0 && swap !== 0) {
    // The kernel keeps limit <= memsw at every step: raise memsw first when it grows past the
    // current limit, otherwise lower the limit first.
    const current = readNumber(fs, limit) ?? 0;
    if (swap === -1 || current < swap) {
      fs.write(memsw, String(swap));
      fs.write(limit, String(memory));
    } else {
      fs.write(limit, String(memory));
      fs.write(memsw, String(swap));
    }
    return;
  }
  if (memory !== 0) fs.write(limit, String(memory));
  if (swap !== 0) fs.write(memsw, String(swap));
}

export const memory: V1Controller = {
  name: "memory",
  set(fs, dir, r) {
    if (r.memory || r.memorySwap) setMemoryAndSwap(fs, dir, r.memory ?? 0, r.memorySwap ?? 0);
    if (r.memoryReservation) fs.write(`${dir}/memory.soft_limit_in_bytes`, String(r.memoryReservation));
  },
  stats(fs, dir, s) {
    const usage = readNumber(fs, `${dir}/memory.usage_in_bytes`) ?? 0;
    const inactive = readFlatKeyed(fs, `${dir}/memory.stat`).get("total_inactive_file") ?? 0;
    s.memoryUsage = inactive < usage ? usage - inactive : usage;
    const limit = readNumber(fs, `${dir}/memory.limit_in_bytes`);
    s.memoryLimit = limit === null || limit >= UNLIMITED_FROM ? null : limit;
    s.oomKills = readFlatKeyed(fs, `${dir}/memory.oom_control`).get("oom_kill") ?? null;
  },
};
