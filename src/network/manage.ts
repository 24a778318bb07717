// Network-level operations: create, remove, prune, and the endpoint reservations that containers
// make (IPAM). Callers that change endpoints hold the root's network lock (NetworkStore.locked).
//
// Lifetimes: a user network's bridge and rules live from `network create` to `network rm` (and
// are re-created on first use after a reboot). The default network's bridge lives while at least
// one container holds an address on it: when the last one is removed, a `_network-gc` process
// tears it down after a grace period (deleting a bridge takes the kernel ~40 ms, too long for the
// removal of every `run --rm`, and a container started within the grace period reuses it).

import { existsSync } from "node:fs";
import { ConflictError, HostError, InvalidInputError, NotFoundError } from "../errors";
import { bootId, isSameProcess, processStartTime } from "../sys/proc";
import { bringUp, daemonConfig, type DaemonNetConfig, defaultBridgeName, hostOverlap, hostPrefixes, isUp, tearDown, withHostLock } from "./bridge";
import { allocate, broadcast, type Cidr, contains, formatCidr, formatIp, overlaps, parseCidr, parseIp, pickSubnet, randomMac, usable } from "./ipam";
import { Rtnl } from "./links";
import { type EndpointRecord, type NetworkRecord, type NetworkState, NetworkStore, newRecord, PREDEFINED } from "./store";

/** How long the default network stays up after its last container is removed. */
export const GC_GRACE_MS = 1000;

/** The store of root with its predefined networks in place. */
export function openNetworks(root: string): NetworkStore {
  const store = new NetworkStore(root);
  store.ensurePredefined(defaultBridgeName(root));
  return store;
}

export function randomId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex");
}

/** Subnets this root's other networks hold (an idle default network holds none). */
export function claimedSubnets(store: NetworkStore, exceptId?: string): Cidr[] {
  const out: Cidr[] = [];
  for (const n of store.list()) {
    if (n.Id === exceptId || n.Driver !== "bridge" || !n.IPAM.Config[0]) continue;
    if (n.Mydocker.isDefault) {
      const st = store.readState(n.Id);
      if (Object.keys(st.endpoints).length === 0 && st.up?.bootId !== bootId()) continue;
    }
    out.push(parseCidr(n.IPAM.Config[0].Subnet));
  }
  return out;
}

/** Brings the network up if its bridge or rules are missing (first use, after a reboot). Under the lock. */
export function ensureUp(store: NetworkStore, net: NetworkRecord, st: NetworkState, rt: Rtnl, daemon?: DaemonNetConfig): boolean {
  if (isUp(net, st, rt)) return false;
  bringUp(net, st, claimedSubnets(store, net.Id), daemon ?? daemonConfig(store.root), rt);
  store.write(net);
  store.writeState(net.Id, st);
  return true;
}

export interface CreateNetworkOptions {
  name: string;
  driver?: string;
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  internal: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const IFNAME_RE = /^[^\s/:]{1,15}$/;

/** `network create`: validate, pick or check the subnet, bring the bridge up, record it. */
export function createNetwork(root: string, o: CreateNetworkOptions): NetworkRecord {
  const driver = o.driver ?? "bridge";
  if (driver !== "bridge") throw new NotFoundError(`plugin "${driver}" not found (only the bridge driver is supported)`);
  if (!NAME_RE.test(o.name)) throw new InvalidInputError(`invalid network name "${o.name}": must match [a-zA-Z0-9][a-zA-Z0-9_.-]*`);
  for (const [k, v] of Object.entries(o.options)) {
    if (!["com.docker.network.bridge.name", "com.docker.network.driver.mtu", "com.docker.network.bridge.enable_ip_masquerade"].includes(k))
      throw new InvalidInputError(`unsupported network option ${k} (supported: com.docker.network.bridge.name, com.docker.network.driver.mtu, com.docker.network.bridge.enable_ip_masquerade)`);
    if (k === "com.docker.network.bridge.enable_ip_masquerade" && v !== "true" && v !== "false") throw new InvalidInputError(`invalid value ${v} for ${k} (true or false)`);
  }
  const brOpt = o.options["com.docker.network.bridge.name"];
  if (brOpt !== undefined && !IFNAME_RE.test(brOpt)) throw new InvalidInputError(`invalid bridge name "${brOpt}": at most 15 characters, no spaces, '/' or ':'`);
  const mtuOpt = o.options["com.docker.network.driver.mtu"];
  if (mtuOpt !== undefined && !(/^\d+$/.test(mtuOpt) && Number(mtuOpt) >= 68 && Number(mtuOpt) <= 65535)) throw new InvalidInputError(`invalid mtu ${mtuOpt}`);
  if (!o.subnet && (o.gateway || o.ipRange)) throw new InvalidInputError("--gateway and --ip-range need --subnet");
  const subnet = o.subnet ? parseCidr(o.subnet) : undefined;
  if (subnet && subnet.len > 30) throw new InvalidInputError(`invalid subnet ${o.subnet}: too small (at most /30)`);
  let gateway: number | undefined;
  if (o.gateway) {
    gateway = parseIp(o.gateway) ?? undefined;
    if (gateway === undefined) throw new InvalidInputError(`invalid gateway ${o.gateway}`);
    if (!usable(subnet!, gateway)) throw new InvalidInputError(`gateway ${o.gateway} is not a usable address of subnet ${o.subnet}`);
  }
  let range: Cidr | undefined;
  if (o.ipRange) {
    range = parseCidr(o.ipRange, "ip-range");
    if (!contains(subnet!, range.base) || range.len < subnet!.len) throw new InvalidInputError(`ip-range ${o.ipRange} is not inside subnet ${o.subnet}`);
  }

  const store = openNetworks(root);
  const daemon = daemonConfig(root);
  return store.locked(() => {
    if (store.list().some((n) => n.Name === o.name)) throw new ConflictError(`network with name ${o.name} already exists`);
    const id = randomId();
    const bridge = brOpt ?? `br-${id.slice(0, 12)}`;
    const rec = newRecord(o.name, id, "bridge");
    rec.Internal = o.internal;
    rec.Labels = o.labels;
    rec.Options = { ...o.options };
    rec.Mydocker = { bridge, userSubnet: !!subnet, mtu: mtuOpt ? Number(mtuOpt) : undefined };
    const st: NetworkState = { endpoints: {} };
    const rt = Rtnl.host();
    // one host-wide lock from choosing the subnet to the bridge holding it: no other root can
    // pick the same subnet in between
    try {
      return withHostLock(() => {
        if (store.list().some((n) => n.Mydocker.bridge === bridge) || rt.link(bridge))
          throw new ConflictError(`bridge name ${bridge} is already in use on this host`);
        const mine = claimedSubnets(store);
        let s = subnet;
        if (s) {
          if (mine.some((m) => overlaps(m, s!))) throw new ConflictError(`invalid pool request: Pool overlaps with other one on this address space (${o.subnet})`);
          const clash = hostOverlap(rt, s);
          if (clash) throw new ConflictError(`invalid pool request: subnet ${o.subnet} overlaps ${clash} on this host`);
        } else {
          s = pickSubnet(daemon.pools, [...mine, ...hostPrefixes(rt).map((p) => p.cidr)]) ?? undefined;
          if (!s) throw new HostError("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
        }
        rec.IPAM.Config = [{ Subnet: formatCidr(s), Gateway: formatIp(gateway ?? s.base + 1), ...(range ? { IPRange: formatCidr(range) } : {}) }];
        store.write(rec);
        try {
          bringUp(rec, st, claimedSubnets(store, id), daemon, rt);
        } catch (e) {
          try { tearDown(rec, st, rt); } catch { /* best effort */ }
          store.delete(id);
          throw e;
        }
        store.writeState(id, st);
        return rec;
      });
    } finally {
      rt.close();
    }
  });
}

/** `network rm`: refused while containers are attached (they are named); returns the name. */
export function removeNetwork(root: string, ref: string): string {
  const store = openNetworks(root);
  return store.locked(() => {
    const net = store.get(ref);
    if ((PREDEFINED as readonly string[]).includes(net.Name) && net.Id === store.predefinedId(net.Name))
      throw new ConflictError(`${net.Name} is a pre-defined network and cannot be removed`);
    const st = store.readState(net.Id);
    const users = Object.values(st.endpoints).map((e) => e.Name);
    if (users.length) throw new ConflictError(`error while removing network: network ${net.Name} id ${net.Id} has active endpoints (${users.join(", ")})`);
    const rt = Rtnl.host();
    try {
      tearDown(net, st, rt);
    } finally {
      rt.close();
    }
    store.delete(net.Id);
    return net.Name;
  });
}

/** `network prune`: removes user networks without containers; returns their names. */
export function pruneNetworks(root: string, keep: (n: NetworkRecord) => boolean = () => false): string[] {
  const store = openNetworks(root);
  const removed: string[] = [];
  for (const net of store.list()) {
    if (net.Id === store.predefinedId(net.Name) || keep(net)) continue;
    try {
      removeNetwork(root, net.Id);
      removed.push(net.Name);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e; // in use meanwhile: keep it
    }
  }
  return removed;
}

export interface EndpointRequest {
  containerId: string;
  name: string;
  ip?: string;
  mac?: string;
  aliases: string[];
}

/**
 * Reserves an address (IPAM) for a container on net, bringing the network up first if needed.
 * Under the lock; writes the network's state.
 */
export function reserveEndpoint(store: NetworkStore, net: NetworkRecord, req: EndpointRequest, rt: Rtnl): EndpointRecord {
  const st = store.readState(net.Id);
  if (st.endpoints[req.containerId]) throw new ConflictError(`endpoint with name ${req.name} already exists in network ${net.Name}`);
  ensureUp(store, net, st, rt);
  const cfg = net.IPAM.Config[0];
  const subnet = parseCidr(cfg.Subnet);
  const gw = parseIp(cfg.Gateway)!;
  const used = new Set(Object.values(st.endpoints).map((e) => parseIp(e.IPv4Address)!));
  let ip: number | null;
  if (req.ip) {
    ip = parseIp(req.ip);
    if (ip === null || !usable(subnet, ip) || ip === gw) throw new InvalidInputError(`invalid address ${req.ip}: not a usable address of network ${net.Name} (${cfg.Subnet}, gateway ${cfg.Gateway})`);
    if (used.has(ip)) {
      const holder = Object.values(st.endpoints).find((e) => e.IPv4Address === req.ip)!;
      throw new ConflictError(`address ${req.ip} on network ${net.Name} is already in use by container ${holder.Name}`);
    }
  } else {
    ip = allocate(subnet, cfg.IPRange ? parseCidr(cfg.IPRange) : undefined, gw, used, st.last ? parseIp(st.last) ?? undefined : undefined);
    if (ip === null) throw new ConflictError(`no available IPv4 addresses on network ${net.Name} (${cfg.IPRange ?? cfg.Subnet} is full)`);
  }
  let mac = req.mac ?? randomMac();
  while (!req.mac && Object.values(st.endpoints).some((e) => e.MacAddress === mac)) mac = randomMac();
  const ep: EndpointRecord = {
    ContainerId: req.containerId, Name: req.name, EndpointID: randomId(), MacAddress: mac, IPv4Address: formatIp(ip),
    Aliases: req.aliases, ports: [],
  };
  st.endpoints[req.containerId] = ep;
  if (!req.ip) st.last = ep.IPv4Address;
  st.idleSince = undefined;
  store.writeState(net.Id, st);
  return ep;
}

/**
 * Gives a container's address back. When the default network is left without containers, a
 * `_network-gc` process is started (unless one waits already) to tear it down after the grace
 * period. Under the lock.
 */
export function releaseEndpoint(store: NetworkStore, netId: string, containerId: string, exe: string): void {
  if (!existsSync(`${store.dir}/${netId}/config.json`)) return;
  const st = store.readState(netId);
  if (!st.endpoints[containerId]) return;
  delete st.endpoints[containerId];
  const net = store.read(netId);
  if (net.Mydocker.isDefault && Object.keys(st.endpoints).length === 0) {
    st.idleSince = Date.now();
    if (!(st.gc && isSameProcess(st.gc.pid, st.gc.start, st.gc.bootId))) {
      // the bridge's name rides along: if the root is deleted before the collector reads it, the
      // collector can still take the bridge down
      const child = Bun.spawn([exe, "--root", store.root, "_network-gc", netId, net.Mydocker.bridge!], { stdio: ["ignore", "ignore", "ignore"], env: {} });
      child.unref();
      st.gc = { pid: child.pid, start: processStartTime(child.pid) ?? 0, bootId: bootId() };
    }
  }
  store.writeState(netId, st);
}

/** The subnet facts an endpoint needs to configure its interface. */
export function subnetOf(net: NetworkRecord): { prefixLen: number; gateway: string; broadcast: string } {
  const cfg = net.IPAM.Config[0];
  const s = parseCidr(cfg.Subnet);
  return { prefixLen: s.len, gateway: cfg.Gateway, broadcast: formatIp(broadcast(s)) };
}

/**
 * `_network-gc NETWORK`: waits until the default network has been unused for the grace period,
 * then tears its bridge and rules down. Exits early when a container uses it again (the next
 * removal starts a new one). If the root itself is deleted meanwhile, the bridge still goes.
 */
export async function collectDefaultNetwork(root: string, netId: string, bridge: string): Promise<void> {
  const store = new NetworkStore(root);
  const orphan = newRecord("bridge", netId, "bridge");
  orphan.Mydocker = { bridge, isDefault: true };
  const rootGone = () => !existsSync(`${store.dir}/${netId}/config.json`);
  for (;;) {
    await Bun.sleep(GC_GRACE_MS);
    const rt = Rtnl.host();
    try {
      if (rootGone()) {
        tearDown(orphan, { endpoints: {} }, rt); // the root was deleted: nobody else will
        return;
      }
      const done = store.locked(() => {
        const st = store.readState(netId);
        if (st.gc?.pid !== process.pid) return true; // another collector took over
        if (Object.keys(st.endpoints).length > 0 || Date.now() - (st.idleSince ?? 0) >= GC_GRACE_MS) {
          if (Object.keys(st.endpoints).length === 0) tearDown(store.read(netId), st, rt);
          st.gc = undefined;
          store.writeState(netId, st);
          return true;
        }
        return false;
      });
      if (done) return;
    } catch (e) {
      if (!rootGone()) throw e;
      tearDown(orphan, { endpoints: {} }, rt); // deleted while we looked
      return;
    } finally {
      rt.close();
    }
  }
}
