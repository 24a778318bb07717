// rtnetlink wire format (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h): building the
// requests mydocker sends (links, bridge, veth with its peer placed in another namespace,
// addresses, routes) and reading the kernel's replies. Pure byte work, unit-tested without root;
// the socket is src/sys/net.ts and the operations are links.ts.

export const NLMSG_ERROR = 2, NLMSG_DONE = 3;
export const NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4, NLM_F_DUMP = 0x300,
  NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_ACK_TLVS = 0x200;
export const RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_GETADDR = 22,
  RTM_NEWROUTE = 24, RTM_GETROUTE = 26;

export const AF_UNSPEC = 0, AF_INET = 2;
export const IFF_UP = 0x1;
export const IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_MASTER = 10, IFLA_LINKINFO = 18,
  IFLA_IFALIAS = 20, IFLA_NET_NS_FD = 28;
export const IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, VETH_INFO_PEER = 1;
export const IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_BROADCAST = 4;
export const RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_TABLE = 15;
export const RT_TABLE_MAIN = 254, RTPROT_BOOT = 3, RT_SCOPE_UNIVERSE = 0, RTN_UNICAST = 1;
const NLMSGERR_ATTR_MSG = 1;

/** Route attributes (type → payload), in the order added; nested lists become nested attributes. */
export class Attrs {
  private parts: Buffer[] = [];

  add(type: number, payload: Uint8Array): this {
    const len = 4 + payload.length;
    const b = Buffer.alloc(align4(len));
    b.writeUInt16LE(len, 0);
    b.writeUInt16LE(type, 2);
    b.set(payload, 4);
    this.parts.push(b);
    return this;
  }

  u32(type: number, v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0, 0);
    return this.add(type, b);
  }

  str(type: number, s: string): this {
    return this.add(type, Buffer.from(s + "\0", "utf8"));
  }

  nested(type: number, inner: Attrs | Uint8Array): this {
    return this.add(type, inner instanceof Attrs ? inner.bytes() : inner);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** A whole netlink message; seq is written by the sender. */
export function message(type: number, flags: number, header: Uint8Array, attrs?: Attrs): Buffer {
  const body = attrs ? Buffer.concat([header, attrs.bytes()]) : Buffer.from(header);
  const b = Buffer.alloc(16 + body.length);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(type, 4);
  b.writeUInt16LE(flags, 6);
  b.set(body, 16);
  return b;
}

export function setSeq(msg: Buffer, seq: number): void {
  msg.writeUInt32LE(seq, 8);
}

/** struct ifinfomsg */
export function ifinfomsg(index = 0, flags = 0, change = 0, family = AF_UNSPEC): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt8(family, 0);
  b.writeInt32LE(index, 4);
  b.writeUInt32LE(flags, 8);
  b.writeUInt32LE(change, 12);
  return b;
}

/** struct ifaddrmsg */
export function ifaddrmsg(index: number, prefixLen: number, family = AF_INET): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(family, 0);
  b.writeUInt8(prefixLen, 1);
  b.writeUInt32LE(index, 4);
  return b;
}

/** struct rtmsg */
export function rtmsg(dstLen: number, opts: { table?: number; protocol?: number; scope?: number; type?: number; family?: number } = {}): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt8(opts.family ?? AF_INET, 0);
  b.writeUInt8(dstLen, 1);
  b.writeUInt8(opts.table ?? 0, 4);
  b.writeUInt8(opts.protocol ?? 0, 5);
  b.writeUInt8(opts.scope ?? 0, 6);
  b.writeUInt8(opts.type ?? 0, 7);
  return b;
}

export function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ip.split(".").map(Number));
}

export function macBytes(mac: string): Buffer {
  return Buffer.from(mac.split(":").map((h) => parseInt(h, 16)));
}

export function ipv4String(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

// ---- requests ----

const CREATE = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;

export function newBridgeMsg(name: string, mtu: number): Buffer {
  const info = new Attrs().str(IFLA_INFO_KIND, "bridge");
  return message(RTM_NEWLINK, CREATE, ifinfomsg(0, IFF_UP, IFF_UP),
    new Attrs().str(IFLA_IFNAME, name).u32(IFLA_MTU, mtu).nested(IFLA_LINKINFO, info));
}

/** Sets a link's alias (ifalias); the kernel takes it only on an existing link, not at creation. */
export function setAliasMsg(index: number, alias: string): Buffer {
  return message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, ifinfomsg(index), new Attrs().add(IFLA_IFALIAS, Buffer.from(alias)));
}

export interface VethSpec {
  hostName: string;
  /** Attached to this bridge (ifindex) on creation. */
  master: number;
  mtu: number;
  peerName: string;
  peerMac: string;
  /** An open fd of the target network namespace: the peer is created there directly. */
  peerNsFd: number;
}

/**
 * One request: the host end up and on the bridge, the peer born inside the container's namespace.
 * The peer starts down: veth opens it before the two ends are joined, so asking for IFF_UP here
 * fails with ENOTCONN; it is set up from inside the namespace.
 */
export function newVethMsg(v: VethSpec): Buffer {
  const peer = Buffer.concat([
    ifinfomsg(),
    new Attrs().str(IFLA_IFNAME, v.peerName).u32(IFLA_MTU, v.mtu).add(IFLA_ADDRESS, macBytes(v.peerMac))
      .u32(IFLA_NET_NS_FD, v.peerNsFd).bytes(),
  ]);
  const info = new Attrs().str(IFLA_INFO_KIND, "veth").nested(IFLA_INFO_DATA, new Attrs().nested(VETH_INFO_PEER, peer));
  return message(RTM_NEWLINK, CREATE, ifinfomsg(0, IFF_UP, IFF_UP),
    new Attrs().str(IFLA_IFNAME, v.hostName).u32(IFLA_MTU, v.mtu).u32(IFLA_MASTER, v.master).nested(IFLA_LINKINFO, info));
}

export function getLinkMsg(name: string): Buffer {
  return message(RTM_GETLINK, NLM_F_REQUEST, ifinfomsg(), new Attrs().str(IFLA_IFNAME, name));
}

export function delLinkMsg(index: number): Buffer {
  return message(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, ifinfomsg(index));
}

export function setUpMsg(index: number): Buffer {
  return message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, ifinfomsg(index, IFF_UP, IFF_UP));
}

export function newAddrMsg(index: number, ip: string, prefixLen: number, broadcast?: string): Buffer {
  const a = new Attrs().add(IFA_LOCAL, ipv4Bytes(ip)).add(IFA_ADDRESS, ipv4Bytes(ip));
  if (broadcast) a.add(IFA_BROADCAST, ipv4Bytes(broadcast));
  return message(RTM_NEWADDR, CREATE, ifaddrmsg(index, prefixLen), a);
}

/** A unicast route in the main table: default (dstLen 0) via gateway, or a prefix on a device. */
export function newRouteMsg(r: { dst?: string; dstLen: number; gateway?: string; oif: number }): Buffer {
  const a = new Attrs();
  if (r.dst && r.dstLen > 0) a.add(RTA_DST, ipv4Bytes(r.dst));
  if (r.gateway) a.add(RTA_GATEWAY, ipv4Bytes(r.gateway));
  a.u32(RTA_OIF, r.oif);
  return message(RTM_NEWROUTE, CREATE, rtmsg(r.dstLen, {
    table: RT_TABLE_MAIN, protocol: RTPROT_BOOT, scope: r.gateway ? RT_SCOPE_UNIVERSE : 253 /* link */, type: RTN_UNICAST,
  }), a);
}

export function dumpMsg(type: typeof RTM_GETLINK | typeof RTM_GETADDR | typeof RTM_GETROUTE): Buffer {
  const header = type === RTM_GETLINK ? ifinfomsg() : type === RTM_GETADDR ? ifaddrmsg(0, 0) : rtmsg(0);
  return message(type, NLM_F_REQUEST | NLM_F_DUMP, header);
}

// ---- replies ----

export interface NlMessage {
  type: number;
  flags: number;
  seq: number;
  payload: Buffer;
}

export function parseMessages(buf: Buffer): NlMessage[] {
  const out: NlMessage[] = [];
  let off = 0;
  while (off + 16 <= buf.length) {
    const len = buf.readUInt32LE(off);
    if (len < 16 || off + len > buf.length) break;
    out.push({ type: buf.readUInt16LE(off + 4), flags: buf.readUInt16LE(off + 6), seq: buf.readUInt32LE(off + 8), payload: buf.subarray(off + 16, off + len) });
    off += align4(len);
  }
  return out;
}

/** Attributes from offset to the end of buf, by type (a nested flag, if the kernel set one, stripped). */
export function parseAttrs(buf: Buffer, offset: number): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  let off = offset;
  while (off + 4 <= buf.length) {
    const len = buf.readUInt16LE(off);
    if (len < 4 || off + len > buf.length) break;
    m.set(buf.readUInt16LE(off + 2) & 0x3fff, buf.subarray(off + 4, off + len));
    off += align4(len);
  }
  return m;
}

/** An NLMSG_ERROR payload: 0 is an ack; otherwise -errno and the kernel's extended message. */
export function parseError(m: NlMessage): { errno: number; message?: string } {
  const errno = -m.payload.readInt32LE(0);
  let message: string | undefined;
  if (errno !== 0 && m.flags & NLM_F_ACK_TLVS && m.payload.length > 20) {
    // with NETLINK_CAP_ACK only the original header (16 bytes) follows the error code
    const tlv = parseAttrs(m.payload, 20).get(NLMSGERR_ATTR_MSG);
    if (tlv) message = tlv.toString("utf8").replace(/\0.*$/s, "");
  }
  return { errno, message };
}

export interface LinkInfo { index: number; name: string; flags: number; kind?: string; master?: number; mtu?: number; alias?: string }

export function parseLink(m: NlMessage): LinkInfo {
  const p = m.payload;
  const attrs = parseAttrs(p, 16);
  const name = attrs.get(IFLA_IFNAME)?.toString("utf8").replace(/\0.*$/s, "") ?? "";
  const li = attrs.get(IFLA_LINKINFO);
  const kind = li ? parseAttrs(li, 0).get(IFLA_INFO_KIND)?.toString("utf8").replace(/\0.*$/s, "") : undefined;
  const master = attrs.get(IFLA_MASTER)?.readUInt32LE(0);
  const mtu = attrs.get(IFLA_MTU)?.readUInt32LE(0);
  const alias = attrs.get(IFLA_IFALIAS)?.toString("utf8").replace(/\0.*$/s, "");
  return { index: p.readInt32LE(4), name, flags: p.readUInt32LE(8), kind, master, mtu, alias };
}

export interface AddrInfo { index: number; ip: string; prefixLen: number }

export function parseAddr(m: NlMessage): AddrInfo | null {
  const p = m.payload;
  if (p.readUInt8(0) !== AF_INET) return null;
  const attrs = parseAttrs(p, 8);
  const a = attrs.get(IFA_LOCAL) ?? attrs.get(IFA_ADDRESS);
  if (!a) return null;
  return { index: p.readUInt32LE(4), ip: ipv4String(a), prefixLen: p.readUInt8(1) };
}

export interface RouteInfo { dst: string; dstLen: number; table: number; type: number; oif?: number; gateway?: string }

export function parseRoute(m: NlMessage): RouteInfo | null {
  const p = m.payload;
  // some route managers install IPv4 routes with rtm_family 0; the dump asked for AF_INET only
  if (p.readUInt8(0) !== AF_INET && p.readUInt8(0) !== AF_UNSPEC) return null;
  const attrs = parseAttrs(p, 12);
  const dst = attrs.get(RTA_DST);
  const gw = attrs.get(RTA_GATEWAY);
  return {
    dst: dst ? ipv4String(dst) : "0.0.0.0",
    dstLen: p.readUInt8(1),
    table: attrs.get(RTA_TABLE)?.readUInt32LE(0) ?? p.readUInt8(4),
    type: p.readUInt8(7),
    oif: attrs.get(RTA_OIF)?.readUInt32LE(0),
    gateway: gw ? ipv4String(gw) : undefined,
  };
}
