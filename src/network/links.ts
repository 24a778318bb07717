// Link, address and route operations over rtnetlink (no `ip` processes on the start-up path).
// An Rtnl talks to one network namespace: the host's (Rtnl.host()) or a container's
// (Rtnl.in("/proc/PID/ns/net")).

import { SyscallError } from "../errors";
import { errnoName, errnoText } from "../sys/errno";
import { NetlinkSocket } from "../sys/net";
import {
  type AddrInfo, delLinkMsg, dumpMsg, getLinkMsg, type LinkInfo, newAddrMsg, newBridgeMsg, newRouteMsg, newVethMsg,
  NLMSG_DONE, NLMSG_ERROR, parseAddr, parseError, parseLink, parseMessages, parseRoute, type RouteInfo, RTM_GETADDR,
  RTM_GETLINK, RTM_GETROUTE, setAliasMsg, setSeq, setUpMsg, type VethSpec, type NlMessage,
} from "./rtnetlink";

export const ENODEV = 19, EEXIST = 17;

export class Rtnl {
  private seq = Math.floor(Math.random() * 1e6);
  private constructor(private sock: NetlinkSocket) {}

  static host(): Rtnl {
    return new Rtnl(NetlinkSocket.open());
  }

  /** A socket inside another network namespace (a container's /proc/PID/ns/net). */
  static in(nsPath: string): Rtnl {
    return new Rtnl(NetlinkSocket.openIn(nsPath));
  }

  close(): void {
    this.sock.close();
  }

  /**
   * Sends one request and reads its replies: the payload messages, until the ack (or, for a dump,
   * NLMSG_DONE). A kernel error becomes a SyscallError naming `what`.
   */
  request(msg: Buffer, what: string, dump = false): NlMessage[] {
    const seq = ++this.seq;
    setSeq(msg, seq);
    this.sock.send(msg, what);
    const out: NlMessage[] = [];
    for (;;) {
      const batch = parseMessages(this.sock.recv(what));
      for (const m of batch) {
        if (m.seq !== seq) continue;
        if (m.type === NLMSG_ERROR) {
          const { errno, message } = parseError(m);
          if (errno === 0) return out;
          throw new SyscallError(what, errno, errnoName(errno), message ? `${errnoText(errno)}: ${message}` : errnoText(errno));
        }
        if (m.type === NLMSG_DONE) return out;
        out.push(m);
        if (!dump) return out; // a single answer (GETLINK by name)
      }
    }
  }

  /** The link named name, or null. */
  link(name: string): LinkInfo | null {
    try {
      const [m] = this.request(getLinkMsg(name), `get link ${name}`);
      return m ? parseLink(m) : null;
    } catch (e) {
      if (e instanceof SyscallError && e.errno === ENODEV) return null;
      throw e;
    }
  }

  links(): LinkInfo[] {
    return this.request(dumpMsg(RTM_GETLINK), "dump links", true).map(parseLink);
  }

  addresses(): AddrInfo[] {
    return this.request(dumpMsg(RTM_GETADDR), "dump addresses", true).map(parseAddr).filter((a): a is AddrInfo => a !== null);
  }

  routes(): RouteInfo[] {
    return this.request(dumpMsg(RTM_GETROUTE), "dump routes", true).map(parseRoute).filter((r): r is RouteInfo => r !== null);
  }

  /** Creates the bridge, up, with its alias (which says who owns it); returns its index. */
  createBridge(name: string, mtu: number, alias: string): number {
    this.request(newBridgeMsg(name, mtu), `create bridge ${name}`);
    const link = this.link(name);
    if (!link) throw new Error(`bridge ${name} vanished after its creation`);
    try {
      this.request(setAliasMsg(link.index, alias), `set alias of ${name}`);
    } catch (e) {
      // a bridge without mydocker's alias would never be adopted nor torn down again
      try { this.deleteLink(link.index, name); } catch { /* report the first error */ }
      throw e;
    }
    return link.index;
  }

  createVeth(spec: VethSpec): void {
    this.request(newVethMsg(spec), `create veth ${spec.hostName} (peer ${spec.peerName})`);
  }

  deleteLink(index: number, name: string): void {
    this.request(delLinkMsg(index), `delete link ${name}`);
  }

  setUp(index: number, name: string): void {
    this.request(setUpMsg(index), `set link ${name} up`);
  }

  addAddress(index: number, name: string, ip: string, prefixLen: number, broadcast?: string): void {
    this.request(newAddrMsg(index, ip, prefixLen, broadcast), `add address ${ip}/${prefixLen} to ${name}`);
  }

  addRoute(r: { dst?: string; dstLen: number; gateway?: string; oif: number }, what: string): void {
    this.request(newRouteMsg(r), `add route ${what}`);
  }
}
