// The /etc/hostname, /etc/hosts and /etc/resolv.conf a container sees, written into its record
// directory and bind-mounted by _init. hosts is rewritten in place (not renamed) when it changes,
// because a bind mount follows the inode.

import { readFileSync } from "node:fs";

/** A line of /etc/hosts: an address and the names it answers to. */
export interface HostsEntry { ip: string; names: string[] }

/**
 * A container's /etc/hosts: localhost, the --add-host lines, its own address under its host name
 * (and its names on the network), then the containers it can reach by name (its network peers).
 */
export function hostsContent(hostname: string, address?: string, extra: string[] = [], peers: HostsEntry[] = [], domainname = "", ownNames: string[] = []): string {
  const lines = [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "ff00::0\tip6-mcastprefix",
    "ff02::1\tip6-allnodes",
    "ff02::2\tip6-allrouters",
  ];
  lines.push(...extra);
  if (address) {
    const names = [domainname ? `${hostname}.${domainname}` : "", hostname, ...ownNames].filter(Boolean);
    lines.push(`${address}\t${[...new Set(names)].join(" ")}`);
  }
  for (const p of peers) lines.push(`${p.ip}\t${p.names.join(" ")}`);
  return lines.join("\n") + "\n";
}

/** The host's resolv.conf without loopback nameservers (unreachable from a container), or --dns. */
export function resolvConfContent(dns: string[] = [], search: string[] = [], options: string[] = [], hostFile = "/etc/resolv.conf"): string {
  let host = "";
  try { host = readFileSync(hostFile, "utf8"); } catch { /* no resolv.conf on the host */ }
  const lines: string[] = [];
  let nameservers = 0;
  for (const line of host.split("\n")) {
    const t = line.trim();
    const ns = /^nameserver\s+(\S+)/.exec(t);
    if (ns) {
      if (dns.length > 0 || /^127\.|^::1$|^0\.0\.0\.0$/.test(ns[1])) continue;
      nameservers++;
    } else if ((search.length && t.startsWith("search")) || (options.length && t.startsWith("options"))) continue;
    if (t) lines.push(t);
  }
  for (const d of dns) { lines.push(`nameserver ${d}`); nameservers++; }
  if (nameservers === 0) lines.push("nameserver 8.8.8.8", "nameserver 8.8.4.4"); // Docker's fallback
  if (search.length) lines.push(`search ${search.join(" ")}`);
  if (options.length) lines.push(`options ${options.join(" ")}`);
  return lines.join("\n") + "\n";
}
