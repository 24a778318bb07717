// The bridge driver: a network's bridge device, its gateway address, its sysctls and its iptables
// chains, brought up and torn down as one unit.
//
// Several mydocker roots share one host, so what is host-wide is decided under a host-wide lock
// (/run/mydocker-network.lock): choosing a subnet (it must overlap no route or address of the
// host, which includes every other root's bridges), creating a bridge, and changing iptables.
// A bridge carries the alias "mydocker:<network id>", so a device of the same name that belongs
// to someone else is refused, never adopted.
//
// Bridge names: a user network's is br-<first 12 hex of its id> (or --opt
// com.docker.network.bridge.name); the default network's is mydocker0 for the default root
// /var/lib/mydocker and mydocker-<6 hex of sha256(root)> for any other root, so test roots and
// the real one never collide.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { ConflictError, HostError, InvalidInputError } from "../errors";
import { logger } from "../log";
import { withLock } from "../sys/fs";
import { bootId } from "../sys/proc";
import { dnatBatch, downBatch, haveIptables, iptablesRestore, iptablesSave, upBatch, type Dnat } from "./iptables";
import { type AddressPool, broadcast, type Cidr, DEFAULT_POOLS, formatCidr, formatIp, overlaps, parseCidr, parseIp, pickSubnet } from "./ipam";
import { Rtnl } from "./links";
import type { NetworkRecord, NetworkState } from "./store";

const HOST_LOCK = "/run/mydocker-network.lock";
export const DEFAULT_ROOT = "/var/lib/mydocker";
export const DEFAULT_MTU = 1500;
const log = logger("network");

let hostLockDepth = 0;

/** Runs fn holding the host-wide network lock; re-entrant within this process. */
export function withHostLock<T>(fn: () => T): T {
  if (hostLockDepth > 0) return fn();
  return withLock(HOST_LOCK, () => {
    hostLockDepth++;
    try {
      return fn();
    } finally {
      hostLockDepth--;
    }
  });
}

export function defaultBridgeName(root: string): string {
  if (root.replace(/\/+$/, "") === DEFAULT_ROOT) return "mydocker0";
  return `mydocker-${new Bun.CryptoHasher("sha256").update(root).digest("hex").slice(0, 6)}`;
}

export function bridgeAlias(net: NetworkRecord): string {
  return `mydocker:${net.Id}`;
}

/**
 * Settings a Docker daemon reads from daemon.json that mydocker honours, from ROOT/daemon.json:
 * "bip" (gateway/prefix of the default network), "default-address-pools" (where subnets are
 * picked from when none is given), "mtu".
 */
export interface DaemonNetConfig { bip?: string; pools: AddressPool[]; mtu: number }

export function daemonConfig(root: string): DaemonNetConfig {
  const file = `${root}/daemon.json`;
  if (!existsSync(file)) return { pools: DEFAULT_POOLS, mtu: DEFAULT_MTU };
  let j: any;
  try { j = JSON.parse(readFileSync(file, "utf8")); } catch (e) { throw new InvalidInputError(`${file}: ${(e as Error).message}`); }
  const pools = Array.isArray(j["default-address-pools"]) && j["default-address-pools"].length ? j["default-address-pools"] : DEFAULT_POOLS;
  return { bip: typeof j.bip === "string" ? j.bip : undefined, pools, mtu: Number(j.mtu) > 0 ? Number(j.mtu) : DEFAULT_MTU };
}

/** Prefixes in use on the host: unicast routes and addresses, except those on device `except`. */
export function hostPrefixes(rt: Rtnl, except?: number): { cidr: Cidr; what: string }[] {
  const out: { cidr: Cidr; what: string }[] = [];
  const names = new Map(rt.links().map((l) => [l.index, l.name]));
  for (const r of rt.routes()) {
    if (r.type !== 1 || r.dstLen === 0 || (except !== undefined && r.oif === except)) continue;
    const base = parseIp(r.dst);
    if (base !== null) out.push({ cidr: { base, len: r.dstLen }, what: `route ${r.dst}/${r.dstLen}${r.oif ? ` on ${names.get(r.oif) ?? r.oif}` : ""}` });
  }
  for (const a of rt.addresses()) {
    if (except !== undefined && a.index === except) continue;
    const ip = parseIp(a.ip);
    if (ip !== null) out.push({ cidr: { base: ip, len: 32 }, what: `address ${a.ip} on ${names.get(a.index) ?? a.index}` });
  }
  return out;
}

/** The first overlap of subnet with the host's prefixes, as text, or null. */
export function hostOverlap(rt: Rtnl, subnet: Cidr, except?: number): string | null {
  return hostPrefixes(rt, except).find((p) => overlaps(p.cidr, subnet))?.what ?? null;
}

/** True when this network's bridge and rules are in place on this boot. */
export function isUp(net: NetworkRecord, st: NetworkState, rt: Rtnl): boolean {
  if (st.up?.bootId !== bootId()) return false;
  const link = rt.link(net.Mydocker.bridge!);
  return !!link && link.alias === bridgeAlias(net);
}

/**
 * Brings a bridge network up: bridge device with the gateway address, sysctls, iptables chains
 * with the publications of running containers. The default network first (re)chooses its
 * subnet, keeping its last one when still free. Call under the root's network lock; mutates
 * net (subnet) and st (up), which the caller writes.
 */
export function bringUp(net: NetworkRecord, st: NetworkState, otherSubnets: Cidr[], daemon: DaemonNetConfig, rt: Rtnl): void {
  const name = net.Mydocker.bridge!;
  // publications recorded on an earlier boot belong to processes that are gone: never re-create them
  if (st.up?.bootId !== bootId()) for (const e of Object.values(st.endpoints)) e.ports = [];
  withHostLock(() => {
    const link = rt.link(name);
    if (link && link.alias !== bridgeAlias(net)) {
      throw new ConflictError(`cannot bring up network ${net.Name}: a device named ${name} already exists and is not this network's bridge`);
    }
    if (net.Mydocker.isDefault && Object.keys(st.endpoints).length === 0 && !link) chooseDefaultSubnet(net, otherSubnets, daemon, rt);
    const cfg = net.IPAM.Config[0];
    if (!cfg) throw new HostError(`network ${net.Name} has no subnet`);
    const subnet = parseCidr(cfg.Subnet);
    const clash = hostOverlap(rt, subnet, link?.index);
    if (clash) throw new ConflictError(`cannot bring up network ${net.Name}: its subnet ${cfg.Subnet} overlaps ${clash} on this host`);
    const mtu = net.Mydocker.mtu ?? daemon.mtu;
    const created = !link;
    const index = link ? link.index : rt.createBridge(name, mtu, bridgeAlias(net));
    try {
      if (link) rt.setUp(index, name);
      const present = rt.addresses().some((a) => a.index === index && a.ip === cfg.Gateway);
      if (!present) rt.addAddress(index, name, cfg.Gateway, subnet.len, formatIp(broadcast(subnet)));
      // the host reaching a published port at 127.0.0.1: DNAT keeps the loopback source, which
      // may leave through this bridge only with route_localnet (a per-device setting: it goes
      // away with the bridge)
      writeSysctl(`/proc/sys/net/ipv4/conf/${name}/route_localnet`, "1");
      if (!net.Internal) enableForwarding();
      if (haveIptables()) {
        restoreFromSave(`bring up network ${net.Name}`, (save) => upBatch({
          bridge: name, subnet: cfg.Subnet, internal: net.Internal,
          masquerade: net.Options["com.docker.network.bridge.enable_ip_masquerade"] !== "false",
        }, activeDnats(st), save));
      } else {
        log.warn(`iptables is not installed: network ${net.Name} has no outbound NAT and cannot publish ports`);
      }
    } catch (e) {
      // leave nothing half made: a bridge without its rules would be kept by nobody
      if (created) {
        try { rt.deleteLink(index, name); } catch { /* best effort */ }
      }
      throw e;
    }
    if (created) log.debug(`created bridge ${name}`);
  });
  st.up = { bootId: bootId() };
}

function chooseDefaultSubnet(net: NetworkRecord, otherSubnets: Cidr[], daemon: DaemonNetConfig, rt: Rtnl): void {
  if (daemon.bip) {
    const bip = parseCidr(daemon.bip, "bip", true);
    const gw = parseIp(daemon.bip.split("/")[0])!;
    net.IPAM.Config = [{ Subnet: formatCidr(bip), Gateway: formatIp(gw === bip.base ? bip.base + 1 : gw) }];
    return;
  }
  const taken = [...hostPrefixes(rt).map((p) => p.cidr), ...otherSubnets];
  const prev = net.IPAM.Config[0] ? parseCidr(net.IPAM.Config[0].Subnet) : undefined;
  const c = pickSubnet(daemon.pools, taken, prev);
  if (!c) throw new HostError("could not find an available, non-overlapping IPv4 address pool for the default network");
  net.IPAM.Config = [{ Subnet: formatCidr(c), Gateway: formatIp(c.base + 1) }];
}

/** Removes a network's rules and its bridge (if it is ours). Idempotent. */
export function tearDown(net: NetworkRecord, st: NetworkState, rt: Rtnl): void {
  const name = net.Mydocker.bridge!;
  withHostLock(() => {
    if (haveIptables()) restoreFromSave(`tear down network ${net.Name}`, (save) => downBatch(name, save));
    const link = rt.link(name);
    if (link && link.alias === bridgeAlias(net)) rt.deleteLink(link.index, name);
  });
  st.up = undefined;
}

/**
 * Applies a batch computed from the current ruleset. A batch is atomic, so when the kernel
 * refuses it (another program changed the ruleset meanwhile) it is recomputed and tried again.
 */
function restoreFromSave(why: string, batch: (save: string) => string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      iptablesRestore(batch(iptablesSave(why)), why);
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      Bun.sleepSync(10 * attempt);
    }
  }
}

/** Rewrites the DNAT chain of a network that is up: the publications of its running containers. */
export function syncPortRules(net: NetworkRecord, st: NetworkState): void {
  const dnats = activeDnats(st);
  if (!haveIptables()) {
    if (dnats.length) throw new HostError(`publishing ports needs iptables, and iptables-restore is not installed (apt-get install iptables)`);
    return;
  }
  withHostLock(() => {
    for (let attempt = 1; ; attempt++) {
      try {
        return iptablesRestore(dnatBatch(net.Mydocker.bridge!, dnats), `publish ports on network ${net.Name}`);
      } catch (e) {
        if (attempt >= 3) throw e;
        Bun.sleepSync(10 * attempt);
      }
    }
  });
}

export function activeDnats(st: NetworkState): Dnat[] {
  return Object.values(st.endpoints).flatMap((e) => e.ports.map((p) => ({ ...p, ip: e.IPv4Address })));
}

function writeSysctl(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (e) {
    log.warn(`cannot set ${path} to ${value}: ${(e as Error).message}`);
  }
}

/**
 * Containers reach the outside through the host: IPv4 forwarding must be on. Like Docker,
 * mydocker turns it on and leaves it on (other networks, and the user, may rely on it).
 */
function enableForwarding(): void {
  const f = "/proc/sys/net/ipv4/ip_forward";
  try {
    if (readFileSync(f, "latin1").trim() !== "1") writeFileSync(f, "1");
  } catch (e) {
    log.warn(`cannot enable IPv4 forwarding: ${(e as Error).message}`);
  }
}
