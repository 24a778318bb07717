// Published ports: Docker's -p / --expose grammar, the host-port reservation, and the texts of
// `ps` PORTS and `mydocker port`.
//
// A published host port is held by a bound (not listening) socket for as long as the container
// runs: the CLI binds it before the monitor starts and hands the socket to the monitor, which
// keeps it until the container stops. So a port taken by anyone (another program, another
// mydocker root, another container) is refused before the container starts, and the reservation
// cannot outlive the container or a reboot. Traffic never reaches that socket: DNAT rules
// (iptables.ts) rewrite it to the container first.

import { ConflictError, InvalidInputError, SyscallError } from "../errors";
import { bindInetPort, closeSocket } from "../sys/net";
import { parseIp } from "./ipam";

export type Proto = "tcp" | "udp";

/** One requested publication; hostPort 0 means "any free port". */
export interface PortMapping {
  proto: Proto;
  containerPort: number;
  hostIp: string;
  hostPort: number;
}

/** A publication in effect: the host port actually held. */
export interface ActivePort extends PortMapping {}

function portNumber(s: string, what: string, spec: string): number {
  if (!/^\d+$/.test(s)) throw new InvalidInputError(`invalid ${what} "${s}" in port specification "${spec}"`);
  const n = Number(s);
  if (n < 1 || n > 65535) throw new InvalidInputError(`invalid ${what} "${s}" in port specification "${spec}": out of range`);
  return n;
}

function portRange(s: string, what: string, spec: string): number[] {
  const [a, b] = s.split("-", 2);
  const lo = portNumber(a, what, spec);
  const hi = b === undefined ? lo : portNumber(b, what, spec);
  if (hi < lo) throw new InvalidInputError(`invalid ${what} range "${s}" in port specification "${spec}"`);
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

function parseProto(s: string | undefined, spec: string): Proto {
  const p = (s ?? "tcp").toLowerCase();
  if (p !== "tcp" && p !== "udp") throw new InvalidInputError(`invalid proto "${s}" in port specification "${spec}" (tcp or udp)`);
  return p;
}

/** -p [IP:][HOSTPORT:]CONTAINERPORT[/PROTO], with ranges (8080-8081:80-81). */
export function parsePublish(spec: string): PortMapping[] {
  const slash = spec.lastIndexOf("/");
  const body = slash >= 0 ? spec.slice(0, slash) : spec;
  const proto = parseProto(slash >= 0 ? spec.slice(slash + 1) : undefined, spec);
  if (body.startsWith("[")) throw new InvalidInputError(`invalid port specification "${spec}": IPv6 host addresses are not supported`);
  const parts = body.split(":");
  let hostIp = "", host = "", container: string;
  if (parts.length === 1) [container] = parts;
  else if (parts.length === 2) [host, container] = parts;
  else if (parts.length === 3) [hostIp, host, container] = parts;
  else throw new InvalidInputError(`invalid port specification "${spec}"`);
  if (hostIp && parseIp(hostIp) === null) throw new InvalidInputError(`invalid host IP "${hostIp}" in port specification "${spec}"`);
  const cports = portRange(container, "container port", spec);
  const hports = host ? portRange(host, "host port", spec) : cports.map(() => 0);
  if (hports.length !== cports.length) throw new InvalidInputError(`invalid port specification "${spec}": host and container port ranges differ in length`);
  return cports.map((c, i) => ({ proto, containerPort: c, hostIp: hostIp === "0.0.0.0" ? "" : hostIp, hostPort: hports[i] }));
}

/** --expose PORT[/PROTO] or a range: the "80/tcp" keys of Config.ExposedPorts. */
export function parseExpose(spec: string): string[] {
  const slash = spec.indexOf("/");
  const proto = parseProto(slash >= 0 ? spec.slice(slash + 1) : undefined, spec);
  return portRange(slash >= 0 ? spec.slice(0, slash) : spec, "port", spec).map((p) => `${p}/${proto}`);
}

export function portKey(m: { containerPort: number; proto: Proto }): string {
  return `${m.containerPort}/${m.proto}`;
}

export function parsePortKey(key: string): { containerPort: number; proto: Proto } {
  const [p, proto] = key.split("/");
  return { containerPort: Number(p), proto: (proto ?? "tcp") as Proto };
}

/** HostConfig.PortBindings as Docker records them. */
export function portBindings(ms: PortMapping[]): Record<string, { HostIp: string; HostPort: string }[]> {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const m of ms) (out[portKey(m)] ??= []).push({ HostIp: m.hostIp, HostPort: m.hostPort ? String(m.hostPort) : "" });
  return out;
}

/** NetworkSettings.Ports: every exposed port, with its host bindings while the container runs. */
export function portsMap(exposed: string[], active: ActivePort[]): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const k of exposed) out[k] = null;
  for (const a of active) (out[portKey(a)] ??= [])!.push({ HostIp: a.hostIp || "0.0.0.0", HostPort: String(a.hostPort) });
  return out;
}

function byPort(a: { containerPort: number; proto: string }, b: { containerPort: number; proto: string }): number {
  return a.containerPort - b.containerPort || a.proto.localeCompare(b.proto);
}

/** The PORTS column of `ps`: "0.0.0.0:8080->80/tcp, 443/tcp". */
export function portsText(exposed: string[], active: ActivePort[]): string {
  const parts: string[] = [];
  for (const a of [...active].sort(byPort)) parts.push(`${a.hostIp || "0.0.0.0"}:${a.hostPort}->${a.containerPort}/${a.proto}`);
  const published = new Set(active.map(portKey));
  for (const k of exposed.map(parsePortKey).sort(byPort)) if (!published.has(portKey(k))) parts.push(portKey(k));
  return parts.join(", ");
}

/** Lines of `mydocker port C`: "80/tcp -> 0.0.0.0:8080". */
export function portLines(active: ActivePort[]): string[] {
  return [...active].sort(byPort).map((a) => `${portKey(a)} -> ${a.hostIp || "0.0.0.0"}:${a.hostPort}`);
}

/**
 * Binds every mapping's host port (any free port when hostPort is 0). Returns the mappings in
 * effect and the sockets holding them; the caller hands the sockets to the monitor. On a port
 * already in use nothing stays bound and a ConflictError (exit 125) names it.
 */
export function reservePorts(mappings: PortMapping[], endpointName: string): { active: ActivePort[]; fds: number[] } {
  const active: ActivePort[] = [], fds: number[] = [];
  try {
    for (const m of mappings) {
      const ip = m.hostIp || "0.0.0.0";
      try {
        const { fd, port } = bindInetPort(m.proto, ip, m.hostPort);
        fds.push(fd);
        active.push({ ...m, hostPort: port });
      } catch (e) {
        if (e instanceof SyscallError && (e.errno === 98 || e.errno === 13)) // EADDRINUSE, EACCES
          throw new ConflictError(`driver failed programming external connectivity on endpoint ${endpointName}: Bind for ${ip}:${m.hostPort}${m.proto === "udp" ? "/udp" : ""} failed: port is already allocated`);
        if (e instanceof SyscallError && e.errno === 99) // EADDRNOTAVAIL
          throw new InvalidInputError(`cannot publish on ${ip}:${m.hostPort}: ${ip} is not an address of this host`);
        throw e;
      }
    }
  } catch (e) {
    for (const fd of fds) closeSocket(fd);
    throw e;
  }
  return { active, fds };
}
