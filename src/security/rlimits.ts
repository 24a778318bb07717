// `--ulimit NAME=SOFT[:HARD]` (Docker's names and grammar), checked against what mydocker itself
// may set: raising a hard limit needs CAP_SYS_RESOURCE, which root often lacks in a VM or a
// container (here), so asking for more than the caller's hard limit is an error at `run`, not
// a failed start.

import { InvalidInputError } from "../errors";
import { getrlimit, RLIM_INFINITY, RLIMIT, setrlimit } from "../sys/security";
import type { RlimitSpec } from "./spec";

const NAMES: Record<string, number> = {
  core: RLIMIT.RLIMIT_CORE, cpu: RLIMIT.RLIMIT_CPU, data: RLIMIT.RLIMIT_DATA, fsize: RLIMIT.RLIMIT_FSIZE,
  locks: RLIMIT.RLIMIT_LOCKS, memlock: RLIMIT.RLIMIT_MEMLOCK, msgqueue: RLIMIT.RLIMIT_MSGQUEUE,
  nice: RLIMIT.RLIMIT_NICE, nofile: RLIMIT.RLIMIT_NOFILE, nproc: RLIMIT.RLIMIT_NPROC, rss: RLIMIT.RLIMIT_RSS,
  rtprio: RLIMIT.RLIMIT_RTPRIO, rttime: RLIMIT.RLIMIT_RTTIME, sigpending: RLIMIT.RLIMIT_SIGPENDING,
  stack: RLIMIT.RLIMIT_STACK, as: RLIMIT.RLIMIT_AS,
};

function parseValue(v: string, raw: string): number {
  if (v === "unlimited" || v === "-1") return -1;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidInputError(`invalid ulimit argument: ${raw}`);
  return Number(v);
}

const big = (v: number) => (v < 0 ? RLIM_INFINITY : BigInt(v));
const show = (v: bigint) => (v === RLIM_INFINITY ? "unlimited" : v.toString());

/** Parses one --ulimit value ("nofile=1024:2048", "core=0", "memlock=unlimited"). */
export function parseUlimit(raw: string): RlimitSpec {
  const eq = raw.indexOf("=");
  if (eq <= 0) throw new InvalidInputError(`invalid ulimit argument: ${raw}`);
  const name = raw.slice(0, eq);
  const resource = NAMES[name];
  if (resource === undefined) throw new InvalidInputError(`invalid ulimit type: ${name}`);
  const parts = raw.slice(eq + 1).split(":");
  if (parts.length > 2) throw new InvalidInputError(`too many limit value arguments - ${raw.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``);
  const soft = parseValue(parts[0], raw);
  const hard = parts.length === 2 ? parseValue(parts[1], raw) : soft;
  if (big(soft) > big(hard)) throw new InvalidInputError(`ulimit soft limit must be less than or equal to hard limit: ${parts[0]} > ${parts[1]}`);
  return { name, resource, soft, hard };
}

/**
 * Parses --ulimit values (a later one for the same name wins, as in Docker) and checks each hard
 * limit against the caller's own: without CAP_SYS_RESOURCE it cannot be raised.
 */
export function parseUlimits(values: string[], canRaise: boolean, current = getrlimit): RlimitSpec[] {
  const byName = new Map<string, RlimitSpec>();
  for (const v of values) {
    const r = parseUlimit(v);
    byName.set(r.name, r);
  }
  for (const r of byName.values()) {
    if (canRaise) continue;
    const { hard } = current(r.resource);
    if (big(r.hard) > hard)
      throw new InvalidInputError(`ulimit ${r.name}: hard limit ${show(big(r.hard))} is above mydocker's own hard limit ${show(hard)} (raising a hard limit needs CAP_SYS_RESOURCE)`);
  }
  return [...byName.values()];
}

/** In `_init`, before execve: limits survive execve. */
export function applyRlimits(limits: RlimitSpec[]): void {
  for (const r of limits) setrlimit(r.resource, big(r.soft), big(r.hard), `ulimit ${r.name}=${r.soft}:${r.hard}`);
}
