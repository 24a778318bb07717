// Plugging a container into its networks, between clone and "go" (or later, for `network
// connect`): one veth pair per network, created by one rtnetlink request from the host with the
// peer born inside the container's namespace under its final name (eth0, eth1…), so no host-side
// name can clash with it and nothing has to be moved. The host end joins the bridge; inside,
// the peer gets its address, MTU, MAC, and the default route via the first network's gateway.
// The pair vanishes with the container's network namespace; nothing here needs undoing on exit.

import { closeSync, openSync, writeFileSync } from "node:fs";
import { SyscallError } from "../errors";
import { EEXIST, Rtnl } from "./links";

export interface Plug {
  bridge: string;
  mtu: number;
  /** Name inside the container: eth0, eth1, … */
  ifname: string;
  mac: string;
  ip: string;
  prefixLen: number;
  broadcast: string;
  /** Set on the endpoint that carries the default route. */
  gateway?: string;
}

function vethName(): string {
  return "veth" + Buffer.from(crypto.getRandomValues(new Uint8Array(4))).toString("hex").slice(0, 7);
}

/**
 * Creates the veth pairs for plugs in the namespace at nsPath (/proc/PID/ns/net) and configures
 * them. `hostRt`: a host rtnetlink socket the caller has open already (it stays open).
 */
export function plugContainer(nsPath: string, plugs: Plug[], hostRt?: Rtnl): void {
  if (plugs.length === 0) return;
  const host = hostRt ?? Rtnl.host();
  try {
    const nsFd = openSync(nsPath, "r");
    try {
      for (const p of plugs) {
        const br = host.link(p.bridge);
        if (!br) throw new SyscallError(`attach to bridge ${p.bridge}`, 19, "ENODEV", "no such device");
        for (let attempt = 0; ; attempt++) {
          const hostName = vethName();
          try {
            host.createVeth({ hostName, master: br.index, mtu: p.mtu, peerName: p.ifname, peerMac: p.mac, peerNsFd: nsFd });
            // hairpin: a container reaching its own published port through the host gets its
            // packets back on the port they came from (Docker does this without its userland proxy)
            try { writeFileSync(`/sys/class/net/${hostName}/brport/hairpin_mode`, "1"); } catch { /* best effort */ }
            break;
          } catch (e) {
            // a random host-side name taken by chance: draw another
            if (!(e instanceof SyscallError && e.errno === EEXIST) || attempt >= 4) throw e;
          }
        }
      }
    } finally {
      closeSync(nsFd);
    }
  } finally {
    if (!hostRt) host.close();
  }
  const inside = Rtnl.in(nsPath);
  try {
    for (const p of plugs) {
      const link = inside.link(p.ifname);
      if (!link) throw new SyscallError(`find ${p.ifname} in ${nsPath}`, 19, "ENODEV", "no such device");
      inside.setUp(link.index, p.ifname);
      inside.addAddress(link.index, p.ifname, p.ip, p.prefixLen, p.broadcast);
      if (p.gateway) inside.addRoute({ dstLen: 0, gateway: p.gateway, oif: link.index }, `default via ${p.gateway} dev ${p.ifname}`);
    }
  } finally {
    inside.close();
  }
}

/** Removes interface ifname from the namespace at nsPath (its host end goes with it). */
export function unplug(nsPath: string, ifname: string): void {
  const inside = Rtnl.in(nsPath);
  try {
    const link = inside.link(ifname);
    if (link) inside.deleteLink(link.index, ifname);
  } finally {
    inside.close();
  }
}

/** Names of the interfaces inside a namespace (to pick the next free ethN). */
export function interfaceNames(nsPath: string): string[] {
  const inside = Rtnl.in(nsPath);
  try {
    return inside.links().map((l) => l.name);
  } finally {
    inside.close();
  }
}
