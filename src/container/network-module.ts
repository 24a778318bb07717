// The network module: how a container takes part in networks (modules.ts hooks).
//
//   configure  --network/--net bridge|NAME|none|host|container:C, -p/-P/--expose, --ip,
//              --mac-address, --network-alias, --dns*, --add-host: parsed and checked, no side effects
//   create     reserve the address on the network (IPAM, under the network lock), write the
//              container's /etc/hosts and /etc/resolv.conf, add it to its peers' hosts files
//   prepare    container:C → join C's network namespace; -p → bind the host ports (held by the monitor)
//   attach     veth pair into /proc/PID/ns/net (eth0: address, MTU, MAC, default route); DNAT rules
//   release    the container stopped: its DNAT rules go (the veth went with its namespace)
//   remove     give the address back, drop it from its peers' hosts files
//
// Name resolution needs no daemon: every container on a user network has a hosts file listing the
// others (name, aliases, short id), rewritten in place whenever a container joins or leaves.
// Everything a container holds is recorded in config.Extensions.network, so every hook can undo
// exactly what was done, and may run twice.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { ConflictError, InvalidInputError, NotFoundError } from "../errors";
import { logger } from "../log";
import { syncPortRules } from "../network/bridge";
import { type Plug, plugContainer, interfaceNames, unplug } from "../network/endpoint";
import { hostsContent, type HostsEntry, resolvConfContent } from "../network/etc-files";
import { parseCidr, parseIp, usable, validMac } from "../network/ipam";
import { Rtnl } from "../network/links";
import { ensureUp, openNetworks, releaseEndpoint, reserveEndpoint, subnetOf } from "../network/manage";
import { type ActivePort, parseExpose, parsePublish, portBindings, type PortMapping, portsMap, portsText, portKey, reservePorts } from "../network/ports";
import { type NetworkRecord, NetworkStore } from "../network/store";
import { bootId, hostHostname } from "../sys/proc";
import { CLONE_NEWNET } from "../sys/process";
import type { ContainerModule, ModuleContext } from "./modules";
import { bool, type CreateOptions, list, str } from "./options";
import type { ContainerConfig } from "./record";
import { observe } from "./status";
import type { ContainerStore } from "./store";

const log = logger("network");

export interface EndpointSpec {
  networkId: string;
  networkName: string;
  /** Interface name inside the container. */
  ifname: string;
  ip: string;
  mac: string;
  prefixLen: number;
  gateway: string;
  broadcast: string;
  aliases: string[];
  endpointId: string;
  /** --ip / --mac-address as asked (shown as IPAMConfig). */
  requestedIp?: string;
  internal: boolean;
  /** The default network (no name resolution, like Docker's). */
  isDefault: boolean;
}

export interface NetworkExt {
  mode: "bridge" | "none" | "host" | "container";
  /** bridge mode: the network asked for, joined at create. */
  network?: string;
  /** container mode: the id of the container whose namespace is shared. */
  container?: string;
  request: { ip?: string; mac?: string; aliases: string[] };
  endpoints: EndpointSpec[];
  /** -p / -P, as asked (hostPort 0 = any). */
  publish: PortMapping[];
  /** Config.ExposedPorts keys. */
  exposed: string[];
  /** Publications in effect while the container runs (the host ports actually held). */
  active: ActivePort[];
}

export function networkExt(config: ContainerConfig): NetworkExt {
  return (config.Extensions.network as NetworkExt | undefined) ?? { mode: "none", request: { aliases: [] }, endpoints: [], publish: [], exposed: [], active: [] };
}

// ---- configure: flags → config, validated, no side effects ----

function parseAddHost(v: string): { host: string; ip: string } {
  const sep = v.includes("=") ? v.indexOf("=") : v.indexOf(":");
  const host = v.slice(0, sep), ip = v.slice(sep + 1);
  if (sep <= 0 || !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(host)) throw new InvalidInputError(`invalid argument "${v}" for "--add-host" flag: bad format for add-host: "${v}"`);
  if (ip !== "host-gateway" && parseIp(ip) === null && !/^[0-9a-fA-F:]+$/.test(ip.replace(/^\[|\]$/g, "")))
    throw new InvalidInputError(`invalid argument "${v}" for "--add-host" flag: invalid IP address in add-host: "${ip}"`);
  return { host, ip: ip.replace(/^\[|\]$/g, "") };
}

function validDns(v: string): boolean {
  return parseIp(v) !== null || /^[0-9a-fA-F:]+$/.test(v) && v.includes(":");
}


function configure(opts: CreateOptions, config: ContainerConfig, ctx: ModuleContext): void {
  const raw = opts.raw;
  const mode = opts.network ?? "bridge";
  const publish = list(raw, "publish").flatMap(parsePublish);
  const publishAll = bool(raw, "publish-all");
  const expose = list(raw, "expose").flatMap(parseExpose);
  const ip = str(raw, "ip");
  const mac = str(raw, "mac-address");
  const aliases = list(raw, "network-alias");
  const dns = list(raw, "dns"), dnsSearch = list(raw, "dns-search"), dnsOptions = list(raw, "dns-option");
  const addHosts = list(raw, "add-host");
  for (const d of dns) if (!validDns(d)) throw new InvalidInputError(`${d} is not an ip address`);
  addHosts.forEach(parseAddHost);
  if (ip !== undefined && parseIp(ip) === null) throw new InvalidInputError(`invalid IPv4 address: ${ip}`);
  if (mac !== undefined && !validMac(mac)) throw new InvalidInputError(`invalid MAC address: ${mac}`);

  const ext: NetworkExt = { mode: "bridge", request: { ip, mac, aliases }, endpoints: [], publish: [], exposed: [], active: [] };
  const conflict = (what: string) => new InvalidInputError(`conflicting options: ${what} and the network mode`);
  const exposed = new Set([...Object.keys(config.Config.ExposedPorts ?? {}), ...expose, ...publish.map(portKey)]);

  if (mode === "host" || mode === "none" || mode.startsWith("container:")) {
    if (ip !== undefined || aliases.length) throw new InvalidInputError(`networking options (--ip, --network-alias) are supported only for containers on user-defined networks`);
    if (mac !== undefined) throw conflict("mac-address");
  }
  if (mode === "host") {
    if (publish.length || publishAll) log.warn("Published ports are discarded when using host network mode");
    ext.mode = "host";
    config.Runtime.cloneFlags &= ~CLONE_NEWNET;
    config.Runtime.loopback = false;
    if (opts.hostname === undefined) setHostname(config, hostHostname());
  } else if (mode === "none") {
    ext.mode = "none";
  } else if (mode.startsWith("container:")) {
    const ref = mode.slice("container:".length);
    if (!ref) throw new InvalidInputError(`invalid network mode: ${mode}`);
    if (opts.hostname !== undefined) throw conflict("hostname");
    if (dns.length || dnsSearch.length || dnsOptions.length) throw conflict("dns");
    if (addHosts.length) throw conflict("custom host-to-IP mapping");
    if (publish.length || publishAll) throw new InvalidInputError("conflicting options: port publishing and the container type network mode");
    const other = ctx.store.resolve(ref);
    if (other === config.Id) throw new InvalidInputError("cannot join own network");
    const oc = ctx.store.readConfig(other);
    ext.mode = "container";
    ext.container = other;
    config.Runtime.cloneFlags &= ~CLONE_NEWNET;
    config.Runtime.loopback = false;
    // the other container's names and resolver, as Docker shares them
    config.Runtime.etcFiles = { ...oc.Runtime.etcFiles };
    setHostname(config, oc.Config.Hostname);
  } else {
    const isDefault = mode === "bridge" || mode === "default";
    if (!isDefault) {
      const net = openNetworksReadOnly(ctx).find(mode);
      if (!net) throw new NotFoundError(`network ${mode} not found`);
      if (net.Driver !== "bridge") throw new InvalidInputError(`network ${mode} cannot be joined this way`);
      if (ip !== undefined) checkFixedIp(net, ip);
    } else {
      if (ip !== undefined) throw new InvalidInputError("user specified IP address is supported on user defined networks only");
      if (aliases.length) throw new InvalidInputError("network-scoped alias is supported only for containers in user defined networks");
    }
    ext.network = isDefault ? "bridge" : mode;
    ext.publish = [...publish];
    if (publishAll) {
      for (const key of exposed) {
        if (publish.some((p) => portKey(p) === key)) continue;
        const [p, proto] = key.split("/");
        ext.publish.push({ proto: (proto ?? "tcp") as "tcp" | "udp", containerPort: Number(p), hostIp: "", hostPort: 0 });
      }
    }
  }
  ext.exposed = [...exposed];
  if (exposed.size) config.Config.ExposedPorts = Object.fromEntries([...exposed].map((k) => [k, {}]));
  config.HostConfig.NetworkMode = mode;
  config.HostConfig.PortBindings = portBindings(publish);
  config.HostConfig.PublishAllPorts = publishAll;
  config.HostConfig.Dns = dns;
  config.HostConfig.DnsSearch = dnsSearch;
  config.HostConfig.DnsOptions = dnsOptions;
  config.HostConfig.ExtraHosts = addHosts.length ? addHosts : null;
  config.Extensions.network = ext;
  refreshViews(config);
}

/** The network store without creating anything: configure must have no side effects. */
function openNetworksReadOnly(ctx: ModuleContext): NetworkStore {
  return new NetworkStore(ctx.globals.root);
}

function checkFixedIp(net: NetworkRecord, ip: string): void {
  if (!net.Mydocker.userSubnet) throw new InvalidInputError("user specified IP address is supported only when connecting to networks with user configured subnets");
  const cfg = net.IPAM.Config[0];
  const n = parseIp(ip)!;
  if (!usable(parseCidr(cfg.Subnet), n) || ip === cfg.Gateway)
    throw new InvalidInputError(`invalid address ${ip}: not a usable address of network ${net.Name} (${cfg.Subnet}, gateway ${cfg.Gateway})`);
}

function setHostname(config: ContainerConfig, name: string): void {
  config.Config.Hostname = name;
  config.Runtime.hostname = name;
  const fix = (env: string[]) => env.map((e) => (e.startsWith("HOSTNAME=") ? `HOSTNAME=${name}` : e));
  config.Config.Env = fix(config.Config.Env);
  config.Runtime.env = fix(config.Runtime.env);
}

// ---- views: inspect NetworkSettings, ps PORTS / NETWORKS ----

/** Recomputes what inspect and ps show; ports are shown only while the container runs (as Docker). */
function refreshViews(config: ContainerConfig, running = false): void {
  const ext = networkExt(config);
  const networks: Record<string, unknown> = {};
  if (ext.mode === "host" || ext.mode === "none") {
    networks[ext.mode] = endpointView(undefined, null);
  }
  for (const e of ext.endpoints) networks[e.networkName] = endpointView(e, e.isDefault ? null : dnsNames(config.Name, config.Id, e.aliases));
  const first = ext.endpoints[0];
  const legacy = first?.isDefault ? first : undefined; // Docker fills these for the default network only
  config.Extensions.networkSettings = {
    Ports: running ? portsMap(ext.exposed, ext.active) : {},
    EndpointID: legacy?.endpointId ?? "",
    Gateway: legacy?.gateway ?? "",
    IPAddress: legacy?.ip ?? "",
    IPPrefixLen: legacy?.prefixLen ?? 0,
    MacAddress: legacy?.mac ?? "",
    Networks: networks,
  };
  config.Extensions.portsText = running ? portsText(ext.mode === "bridge" ? ext.exposed : [], ext.active) : "";
  config.Extensions.networkNames = ext.mode === "bridge" ? ext.endpoints.map((e) => e.networkName) : [ext.mode === "container" ? `container:${ext.container}` : ext.mode];
}

function endpointView(e: EndpointSpec | undefined, names: string[] | null): Record<string, unknown> {
  return {
    IPAMConfig: e?.requestedIp ? { IPv4Address: e.requestedIp } : null,
    Links: null,
    Aliases: e?.aliases.length ? e.aliases : null,
    MacAddress: e?.mac ?? "",
    DriverOpts: null,
    NetworkID: e?.networkId ?? "",
    EndpointID: e?.endpointId ?? "",
    Gateway: e?.gateway ?? "",
    IPAddress: e?.ip ?? "",
    IPPrefixLen: e?.prefixLen ?? 0,
    IPv6Gateway: "",
    GlobalIPv6Address: "",
    GlobalIPv6PrefixLen: 0,
    DNSNames: names,
  };
}

// ---- /etc files ----

/** The names peers know a container by on a user network: name, aliases, short id. */
function dnsNames(name: string, id: string, aliases: string[]): string[] {
  return [...new Set([name, ...aliases, id.slice(0, 12)])];
}

function extraHostLines(config: ContainerConfig, gateway: string | undefined): string[] {
  return (config.HostConfig.ExtraHosts ?? []).map((v) => {
    const { host, ip } = parseAddHost(v);
    return `${ip === "host-gateway" ? gateway ?? "127.0.0.1" : ip}\t${host}`;
  });
}

/** Writes a bridge-mode container's /etc/hosts from its endpoints and its peers. Under the network lock. */
function writeHosts(config: ContainerConfig, nets: NetworkStore): void {
  const ext = networkExt(config);
  const [first, ...more] = ext.endpoints;
  const peers: HostsEntry[] = more.map((e) => ({ ip: e.ip, names: [config.Config.Hostname] }));
  for (const e of ext.endpoints) {
    if (e.isDefault) continue;
    for (const p of Object.values(nets.readState(e.networkId).endpoints)) {
      if (p.ContainerId !== config.Id) peers.push({ ip: p.IPv4Address, names: dnsNames(p.Name, p.ContainerId, p.Aliases) });
    }
  }
  const own = first && !first.isDefault ? dnsNames(config.Name, config.Id, first.aliases) : [];
  const content = hostsContent(config.Config.Hostname, first?.ip, extraHostLines(config, first?.gateway), peers, config.Config.Domainname, own);
  // in place: the file is bind-mounted into a running container, and a bind mount follows the inode
  writeFileSync(config.Runtime.etcFiles.hosts, content);
}

/** Rewrites the hosts file of every container on these networks (someone joined or left). */
function rewritePeers(store: ContainerStore, nets: NetworkStore, networkIds: string[], except: string): void {
  const seen = new Set<string>([except]);
  for (const nid of networkIds) {
    if (!existsSync(`${nets.dir}/${nid}/state.json`)) continue;
    const net = nets.read(nid);
    if (net.Mydocker.isDefault) continue;
    for (const cid of Object.keys(nets.readState(nid).endpoints)) {
      if (seen.has(cid)) continue;
      seen.add(cid);
      try {
        const c = store.readConfig(cid);
        if (networkExt(c).mode === "bridge") writeHosts(c, nets);
      } catch { /* removed meanwhile */ }
    }
  }
}

function writeEtcFiles(config: ContainerConfig): void {
  const ext = networkExt(config);
  const hc = config.HostConfig;
  const files = config.Runtime.etcFiles;
  if (ext.mode === "container") return; // shares the other container's
  writeFileSync(files.hostname, `${config.Config.Hostname}\n`);
  if (ext.mode === "host") {
    let hosts = "";
    try { hosts = readFileSync("/etc/hosts", "utf8"); } catch { hosts = hostsContent(config.Config.Hostname); }
    const extra = extraHostLines(config, undefined);
    writeFileSync(files.hosts, hosts + (extra.length ? extra.join("\n") + "\n" : ""));
    // the host's resolvers, loopback ones included: they are reachable from the host's namespace
    if ((hc.Dns as string[]).length || (hc.DnsSearch as string[]).length || (hc.DnsOptions as string[]).length) {
      writeFileSync(files.resolvConf, resolvConfContent(hc.Dns as string[], hc.DnsSearch as string[], hc.DnsOptions as string[]));
    } else {
      try { writeFileSync(files.resolvConf, readFileSync("/etc/resolv.conf")); } catch { /* none on the host */ }
    }
    return;
  }
  writeFileSync(files.resolvConf, resolvConfContent(hc.Dns as string[], hc.DnsSearch as string[], hc.DnsOptions as string[]));
  if (ext.mode === "none") writeFileSync(files.hosts, hostsContent(config.Config.Hostname, undefined, extraHostLines(config, undefined)));
}

// ---- endpoints ----

function endpointSpec(net: NetworkRecord, ep: { IPv4Address: string; MacAddress: string; EndpointID: string }, ifname: string, aliases: string[], requestedIp?: string): EndpointSpec {
  const s = subnetOf(net);
  return {
    networkId: net.Id, networkName: net.Name, ifname, ip: ep.IPv4Address, mac: ep.MacAddress, prefixLen: s.prefixLen,
    gateway: s.gateway, broadcast: s.broadcast, aliases, endpointId: ep.EndpointID, requestedIp, internal: net.Internal,
    isDefault: !!net.Mydocker.isDefault,
  };
}

function plugFor(e: EndpointSpec, net: NetworkRecord, withRoute: boolean): Plug {
  return {
    bridge: net.Mydocker.bridge!, mtu: net.Mydocker.mtu ?? 1500, ifname: e.ifname, mac: e.mac, ip: e.ip, prefixLen: e.prefixLen,
    broadcast: e.broadcast, gateway: withRoute && !e.internal ? e.gateway : undefined,
  };
}

/**
 * Drops a container's published ports on one network: the DNAT rules go first, and only then is
 * the state written without them, so a failed iptables run can be retried (the state still
 * lists what to remove). Under the network lock.
 */
function dropPorts(nets: NetworkStore, netId: string, containerId: string): void {
  if (!existsSync(`${nets.dir}/${netId}/config.json`)) return;
  const st = nets.readState(netId);
  if (!st.endpoints[containerId]?.ports.length) return;
  st.endpoints[containerId].ports = [];
  // rules exist only on the boot that made them: after a reboot there is nothing to remove
  if (st.up?.bootId === bootId()) syncPortRules(nets.read(netId), st);
  nets.writeState(netId, st);
}

/** Joins config to network ref (reservation + hosts files). Under the network lock. */
function join(nets: NetworkStore, config: ContainerConfig, ref: string, ifname: string, req: { ip?: string; mac?: string; aliases: string[] }, rt: Rtnl): EndpointSpec {
  const net = nets.get(ref);
  if (net.Driver !== "bridge") throw new InvalidInputError(`container cannot be connected to network ${net.Name} (driver ${net.Driver})`);
  if (req.ip !== undefined) checkFixedIp(net, req.ip);
  if (req.aliases.length && net.Mydocker.isDefault) throw new InvalidInputError("network-scoped alias is supported only for containers in user defined networks");
  const ep = reserveEndpoint(nets, net, { containerId: config.Id, name: config.Name, ip: req.ip, mac: req.mac, aliases: req.aliases }, rt);
  const spec = endpointSpec(nets.read(net.Id), ep, ifname, req.aliases, req.ip);
  networkExt(config).endpoints.push(spec);
  return spec;
}

/** Leaves one network: address back, DNAT rules of its ports gone, peers updated. Under the network lock. */
function leave(nets: NetworkStore, store: ContainerStore, config: ContainerConfig, e: EndpointSpec, exe: string): void {
  const ext = networkExt(config);
  dropPorts(nets, e.networkId, config.Id);
  releaseEndpoint(nets, e.networkId, config.Id, exe);
  ext.endpoints = ext.endpoints.filter((x) => x !== e);
  rewritePeers(store, nets, [e.networkId], config.Id);
}

async function create(config: ContainerConfig, ctx: ModuleContext): Promise<void> {
  const ext = networkExt(config);
  if (ext.mode !== "bridge") {
    writeEtcFiles(config);
    return;
  }
  if (ext.endpoints.length) return; // created already (hooks may run twice)
  const nets = openNetworks(ctx.globals.root);
  const rt = Rtnl.host();
  try {
    nets.locked(() => {
      join(nets, config, ext.network!, "eth0", ext.request, rt);
      try {
        writeEtcFiles(config);
        writeHosts(config, nets);
        // a peer joining later rewrites this container's hosts from its record: save it first
        refreshViews(config);
        ctx.store.writeConfig(config);
        rewritePeers(ctx.store, nets, [ext.endpoints[0].networkId], config.Id);
      } catch (e) {
        for (const ep of [...ext.endpoints]) leave(nets, ctx.store, config, ep, ctx.globals.exe);
        throw e;
      }
    });
  } finally {
    rt.close();
  }
  refreshViews(config);
}

function prepare(config: ContainerConfig, ctx: ModuleContext): void {
  const ext = networkExt(config);
  if (ext.mode === "container") {
    const state = existsSync(`${ctx.store.containerDir(ext.container!)}/config.json`) ? observe(ctx.store, ext.container!) : undefined;
    if (!state || state.Status !== "running") throw new ConflictError(`cannot join network of a non running container: ${ext.container!.slice(0, 12)}`);
    config.Runtime.joinNamespaces = [`/proc/${state.Pid}/ns/net`];
    return;
  }
  if (ext.mode === "bridge" && ext.publish.length && ext.endpoints.length && !ext.endpoints[0].internal) {
    // the ports are taken now, before anything starts; a busy one fails the start with exit 125
    const { active, fds } = reservePorts(ext.publish, config.Name);
    ctx.passFds?.push(...fds);
    ext.active = active;
  }
  refreshViews(config, true); // start.ts writes the config after prepare
}

async function attach(config: ContainerConfig, pid: number, ctx: ModuleContext): Promise<void> {
  const ext = networkExt(config);
  if (ext.mode !== "bridge" || ext.endpoints.length === 0) return;
  const nets = openNetworks(ctx.globals.root);
  const rt = Rtnl.host();
  const plugs: Plug[] = [];
  try {
    nets.locked(() => {
      ext.endpoints.forEach((e, i) => {
        const net = nets.read(e.networkId);
        const st = nets.readState(e.networkId);
        ensureUp(nets, net, st, rt);
        plugs.push(plugFor(e, net, i === 0));
        if (i === 0 && ext.active.length && st.endpoints[config.Id]) {
          st.endpoints[config.Id].ports = ext.active;
          nets.writeState(e.networkId, st);
          syncPortRules(net, st);
        }
      });
    });
    plugContainer(`/proc/${pid}/ns/net`, plugs, rt); // one host netlink socket for the whole attach
  } finally {
    rt.close();
  }
}

function release(config: ContainerConfig, ctx: ModuleContext): void {
  const ext = networkExt(config);
  if (ext.active.length === 0) {
    if (config.Extensions.portsText || Object.keys((config.Extensions.networkSettings as any)?.Ports ?? {}).length) {
      refreshViews(config);
      if (existsSync(`${ctx.store.containerDir(config.Id)}/config.json`)) ctx.store.writeConfig(config);
    }
    return;
  }
  const nets = openNetworks(ctx.globals.root);
  nets.locked(() => {
    for (const e of ext.endpoints) dropPorts(nets, e.networkId, config.Id);
  });
  ext.active = [];
  refreshViews(config);
  if (existsSync(`${ctx.store.containerDir(config.Id)}/config.json`)) ctx.store.writeConfig(config);
}

/** Peers resolve containers by name through their hosts files: a rename must reach them. */
function rename(config: ContainerConfig, ctx: ModuleContext): void {
  const ext = networkExt(config);
  if (ext.mode !== "bridge" || ext.endpoints.length === 0) return;
  const nets = openNetworks(ctx.globals.root);
  nets.locked(() => {
    for (const e of ext.endpoints) {
      if (!existsSync(`${nets.dir}/${e.networkId}/config.json`)) continue;
      const st = nets.readState(e.networkId);
      if (!st.endpoints[config.Id]) continue;
      st.endpoints[config.Id].Name = config.Name;
      nets.writeState(e.networkId, st);
    }
    writeHosts(config, nets);
    rewritePeers(ctx.store, nets, ext.endpoints.map((e) => e.networkId), config.Id);
  });
}

function remove(config: ContainerConfig, ctx: ModuleContext): void {
  const ext = networkExt(config);
  if (ext.mode !== "bridge" || ext.endpoints.length === 0) return;
  const nets = openNetworks(ctx.globals.root);
  // every network gets its address back even if one fails: the record is deleted after this
  const errors: unknown[] = [];
  nets.locked(() => {
    for (const e of [...ext.endpoints]) {
      try { leave(nets, ctx.store, config, e, ctx.globals.exe); } catch (err) { errors.push(err); }
    }
  });
  if (errors.length) throw errors[0];
}

export const networkModule: ContainerModule = { name: "network", configure, create, prepare, attach, release, remove, rename };

// ---- network connect / disconnect ----

function nextIfname(ext: NetworkExt, pid: number | undefined): string {
  const taken = new Set(ext.endpoints.map((e) => e.ifname));
  if (pid) for (const n of interfaceNames(`/proc/${pid}/ns/net`)) taken.add(n);
  for (let i = 0; ; i++) if (!taken.has(`eth${i}`)) return `eth${i}`;
}

/** `network connect NET C`: joins now, and plugs in at once when C runs. */
export async function connectContainer(ctx: ModuleContext, netRef: string, containerRef: string, req: { ip?: string; aliases: string[] }): Promise<void> {
  const id = ctx.store.resolve(containerRef);
  await ctx.store.lockedAsync(id, async () => {
    const config = ctx.store.readConfig(id);
    const ext = networkExt(config);
    if (ext.mode !== "bridge") throw new InvalidInputError(`container sharing network namespace with another container or host cannot be connected to any other network (mode ${config.HostConfig.NetworkMode})`);
    const state = observe(ctx.store, id);
    const pid = state?.Status === "running" ? state.Pid : undefined;
    const nets = openNetworks(ctx.globals.root);
    const rt = Rtnl.host();
    try {
      nets.locked(() => {
        const net = nets.get(netRef);
        if (ext.endpoints.some((e) => e.networkId === net.Id)) throw new ConflictError(`endpoint with name ${config.Name} already exists in network ${net.Name}`);
        const spec = join(nets, config, net.Id, nextIfname(ext, pid), { ip: req.ip, aliases: req.aliases }, rt);
        let plugged = false;
        try {
          if (pid) { plugContainer(`/proc/${pid}/ns/net`, [plugFor(spec, nets.read(net.Id), ext.endpoints.length === 1)]); plugged = true; }
          writeHosts(config, nets);
          // written before peers read it: a peer joining meanwhile rewrites hosts from disk
          refreshViews(config, !!pid);
          ctx.store.writeConfig(config);
          rewritePeers(ctx.store, nets, [net.Id], id);
        } catch (e) {
          if (pid && plugged) try { unplug(`/proc/${pid}/ns/net`, spec.ifname); } catch { /* report the first error */ }
          leave(nets, ctx.store, config, spec, ctx.globals.exe);
          throw e;
        }
      });
    } finally {
      rt.close();
    }
  });
}

/** `network disconnect NET C`: unplugs a running container and gives its address back. */
export async function disconnectContainer(ctx: ModuleContext, netRef: string, containerRef: string, force: boolean): Promise<void> {
  const id = ctx.store.resolve(containerRef);
  await ctx.store.lockedAsync(id, async () => {
    const config = ctx.store.readConfig(id);
    const ext = networkExt(config);
    const nets = openNetworks(ctx.globals.root);
    const net = nets.find(netRef);
    if (!net && !force) throw new NotFoundError(`network ${netRef} not found`);
    const e = ext.endpoints.find((x) => x.networkId === net?.Id || x.networkName === netRef);
    if (!e) {
      if (force) return;
      throw new ConflictError(`container ${config.Name} is not connected to network ${netRef}`);
    }
    const state = observe(ctx.store, id);
    if (state?.Status === "running") {
      // the monitor holds the published host ports until the container stops: they cannot leave
      // with this network while it runs
      if (ext.endpoints[0] === e && ext.active.length && !force)
        throw new ConflictError(`container ${config.Name} publishes ports through network ${e.networkName}: stop it before disconnecting`);
      try { unplug(`/proc/${state.Pid}/ns/net`, e.ifname); } catch (err) { if (!force) throw err; }
    }
    nets.locked(() => {
      leave(nets, ctx.store, config, e, ctx.globals.exe);
      if (ext.mode === "bridge") writeHosts(config, nets);
      refreshViews(config, state?.Status === "running");
      ctx.store.writeConfig(config); // under the lock, before any peer reads it again
    });
  });
}

/** `port C`: the publications in effect. */
export function activePorts(config: ContainerConfig): ActivePort[] {
  return networkExt(config).active;
}
