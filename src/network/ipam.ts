// IPv4 address management, pure: CIDR arithmetic, picking a free subnet from address pools, and
// handing out addresses from a subnet. The caller (store.ts) holds the lock and persists the
// result; nothing here touches the host.

import { InvalidInputError } from "../errors";

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  len: number;
}

export function parseIp(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function formatIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function mask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** "10.1.2.0/24" → Cidr; host bits must be zero unless `loose` (then they are dropped). */
export function parseCidr(s: string, what = "subnet", loose = false): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s.trim());
  const ip = m ? parseIp(m[1]) : null;
  const len = m ? Number(m[2]) : NaN;
  if (ip === null || !(len >= 0 && len <= 32)) throw new InvalidInputError(`invalid ${what} ${s}: not an IPv4 CIDR`);
  const base = (ip & mask(len)) >>> 0;
  if (base !== ip && !loose) throw new InvalidInputError(`invalid ${what} ${s}: host bits set (did you mean ${formatIp(base)}/${len}?)`);
  return { base, len };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.len}`;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.len);
}

export function broadcast(c: Cidr): number {
  return (c.base + size(c) - 1) >>> 0;
}

export function contains(c: Cidr, ip: number): boolean {
  return ((ip & mask(c.len)) >>> 0) === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const len = Math.min(a.len, b.len);
  return ((a.base & mask(len)) >>> 0) === ((b.base & mask(len)) >>> 0);
}

export interface AddressPool { base: string; size: number }

/** Docker's default address pools: 172.17–31.0.0/16, then 192.168.0.0/16 cut into /20s. */
export const DEFAULT_POOLS: AddressPool[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: `172.${17 + i}.0.0/16`, size: 16 })),
  { base: "192.168.0.0/16", size: 20 },
];

/** The first subnet carved from pools that overlaps nothing in taken; null when all are used. */
export function pickSubnet(pools: AddressPool[], taken: Cidr[], prefer?: Cidr): Cidr | null {
  if (prefer && !taken.some((t) => overlaps(t, prefer))) return prefer;
  for (const pool of pools) {
    const base = parseCidr(pool.base, "address pool");
    if (pool.size < base.len || pool.size > 30) throw new InvalidInputError(`invalid address pool ${pool.base} size ${pool.size}`);
    const step = 2 ** (32 - pool.size);
    for (let n = 0; n < size(base) / step; n++) {
      const c = { base: (base.base + n * step) >>> 0, len: pool.size };
      if (!taken.some((t) => overlaps(t, c))) return c;
    }
  }
  return null;
}

/**
 * The next free address for a container: inside range (default: the subnet), never the network,
 * broadcast or gateway address, nor one in used. Allocation continues after `last` (wrapping), as
 * Docker's does, so a released address is not handed out again at once (stale ARP caches).
 */
export function allocate(subnet: Cidr, range: Cidr | undefined, gateway: number, used: Set<number>, last?: number): number | null {
  const r = range ?? subnet;
  const first = r.base, end = broadcast(r);
  const total = end - first + 1;
  const start = last !== undefined && last >= first && last <= end ? last - first + 1 : 0;
  for (let i = 0; i < total; i++) {
    const ip = (first + ((start + i) % total)) >>> 0;
    if (!usable(subnet, ip) || ip === gateway || used.has(ip)) continue;
    return ip;
  }
  return null;
}

/** Not the network or broadcast address of the subnet (a /31 or /32 has neither). */
export function usable(subnet: Cidr, ip: number): boolean {
  if (!contains(subnet, ip)) return false;
  if (subnet.len >= 31) return true;
  return ip !== subnet.base && ip !== broadcast(subnet);
}

/** A random locally administered unicast MAC (02:42:…, Docker's prefix). */
export function randomMac(): string {
  const b = crypto.getRandomValues(new Uint8Array(4));
  return ["02", "42", ...Array.from(b, (x) => x.toString(16).padStart(2, "0"))].join(":");
}

export function validMac(s: string): boolean {
  return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(s) && (parseInt(s.slice(0, 2), 16) & 1) === 0;
}
