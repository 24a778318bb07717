// Networking without root: IPAM arithmetic, the -p grammar, rtnetlink encoding, iptables batches,
// /etc files. The kernel side is covered by test/integration/network.test.ts.

import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostsContent, resolvConfContent } from "../../src/network/etc-files";
import { downBatch, dnatBatch, jumpsInto, upBatch } from "../../src/network/iptables";
import { allocate, formatCidr, formatIp, parseCidr, parseIp, pickSubnet, randomMac, validMac } from "../../src/network/ipam";
import { parseExpose, parsePublish, portLines, portsText } from "../../src/network/ports";
import {
  IFLA_IFNAME, IFLA_LINKINFO, IFLA_MASTER, IFLA_NET_NS_FD, NLM_F_ACK_TLVS, NLMSG_ERROR, newVethMsg, parseAttrs, parseError,
  parseMessages, parseRoute, RTM_NEWLINK,
} from "../../src/network/rtnetlink";

const ip = (s: string) => parseIp(s)!;

describe("IPAM", () => {
  test("CIDRs: parsing, host bits refused, formatting", () => {
    expect(formatCidr(parseCidr("10.231.3.0/24"))).toBe("10.231.3.0/24");
    expect(() => parseCidr("10.231.3.1/24")).toThrow(/host bits set/);
    expect(() => parseCidr("10.231.3.0/33")).toThrow(/not an IPv4 CIDR/);
    expect(() => parseCidr("nonsense")).toThrow();
    expect(parseIp("256.1.1.1")).toBeNull();
  });

  test("never hands out the network, gateway, broadcast or a used address", () => {
    const s = parseCidr("10.231.3.0/29"); // .0 network, .7 broadcast, .1 gateway
    const used = new Set<number>();
    const got: string[] = [];
    for (;;) {
      const a = allocate(s, undefined, ip("10.231.3.1"), used);
      if (a === null) break;
      used.add(a);
      got.push(formatIp(a));
    }
    expect(got).toEqual(["10.231.3.2", "10.231.3.3", "10.231.3.4", "10.231.3.5", "10.231.3.6"]);
  });

  test("allocation continues after the last address and wraps; an ip-range limits it", () => {
    const s = parseCidr("10.231.3.0/24");
    const gw = ip("10.231.3.1");
    expect(formatIp(allocate(s, undefined, gw, new Set(), ip("10.231.3.9"))!)).toBe("10.231.3.10");
    expect(formatIp(allocate(s, undefined, gw, new Set(), ip("10.231.3.254"))!)).toBe("10.231.3.2");
    const range = parseCidr("10.231.3.128/30");
    const used = new Set([ip("10.231.3.128"), ip("10.231.3.129")]);
    expect(formatIp(allocate(s, range, gw, used)!)).toBe("10.231.3.130");
  });

  test("a free subnet is picked around what is taken; the previous one is kept when free", () => {
    const pools = [{ base: "10.231.128.0/17", size: 24 }];
    const taken = [parseCidr("10.231.128.0/24"), parseCidr("10.231.129.0/25"), parseCidr("0.0.0.0/32")];
    expect(formatCidr(pickSubnet(pools, taken)!)).toBe("10.231.130.0/24");
    expect(formatCidr(pickSubnet(pools, taken, parseCidr("10.231.200.0/24"))!)).toBe("10.231.200.0/24");
    expect(formatCidr(pickSubnet(pools, taken, parseCidr("10.231.128.0/24"))!)).toBe("10.231.130.0/24");
    expect(pickSubnet([{ base: "10.231.128.0/24", size: 24 }], [parseCidr("10.231.0.0/16")])).toBeNull();
  });

  test("MAC addresses: random ones are locally administered unicast; multicast is refused", () => {
    for (let i = 0; i < 20; i++) expect(validMac(randomMac())).toBe(true);
    expect(validMac("02:42:ac:11:00:02")).toBe(true);
    expect(validMac("01:00:5e:00:00:01")).toBe(false);
    expect(validMac("02:42:ac:11:00")).toBe(false);
  });
});

describe("port publishing grammar", () => {
  test("-p forms", () => {
    expect(parsePublish("8080:80")).toEqual([{ proto: "tcp", containerPort: 80, hostIp: "", hostPort: 8080 }]);
    expect(parsePublish("80")).toEqual([{ proto: "tcp", containerPort: 80, hostIp: "", hostPort: 0 }]);
    expect(parsePublish("127.0.0.1:8080:80/udp")).toEqual([{ proto: "udp", containerPort: 80, hostIp: "127.0.0.1", hostPort: 8080 }]);
    expect(parsePublish("127.0.0.1::80")).toEqual([{ proto: "tcp", containerPort: 80, hostIp: "127.0.0.1", hostPort: 0 }]);
    expect(parsePublish("0.0.0.0:8080:80")[0].hostIp).toBe("");
    expect(parsePublish("8000-8001:80-81").map((m) => [m.hostPort, m.containerPort])).toEqual([[8000, 80], [8001, 81]]);
  });

  test("bad -p values are refused", () => {
    for (const bad of ["", "x", "70000:80", "80:0", "1.2.3:80:80", "80/sctp", "8000-8002:80-81", "[::1]:80:80", "a:b:c:d"]) {
      expect(() => parsePublish(bad)).toThrow();
    }
  });

  test("--expose and the PORTS texts", () => {
    expect(parseExpose("80")).toEqual(["80/tcp"]);
    expect(parseExpose("53/udp")).toEqual(["53/udp"]);
    expect(parseExpose("7000-7002")).toEqual(["7000/tcp", "7001/tcp", "7002/tcp"]);
    const active = [{ proto: "udp" as const, containerPort: 53, hostIp: "", hostPort: 5353 }, { proto: "tcp" as const, containerPort: 80, hostIp: "127.0.0.1", hostPort: 8080 }];
    expect(portsText(["80/tcp", "443/tcp", "53/udp"], active)).toBe("0.0.0.0:5353->53/udp, 127.0.0.1:8080->80/tcp, 443/tcp");
    expect(portLines(active)).toEqual(["53/udp -> 0.0.0.0:5353", "80/tcp -> 127.0.0.1:8080"]);
  });
});

describe("rtnetlink encoding", () => {
  test("a veth request carries the peer's name and namespace fd inside IFLA_LINKINFO", () => {
    const msg = newVethMsg({ hostName: "vethabc1234", master: 7, mtu: 1400, peerName: "eth0", peerMac: "02:42:0a:00:00:02", peerNsFd: 9 });
    const [m] = parseMessages(msg);
    expect(m.type).toBe(RTM_NEWLINK);
    expect(msg.readUInt32LE(0)).toBe(msg.length);
    const attrs = parseAttrs(m.payload, 16);
    expect(attrs.get(IFLA_IFNAME)!.toString().replace(/\0+$/, "")).toBe("vethabc1234");
    expect(attrs.get(IFLA_MASTER)!.readUInt32LE(0)).toBe(7);
    const info = parseAttrs(attrs.get(IFLA_LINKINFO)!, 0);
    expect(info.get(1)!.toString().replace(/\0+$/, "")).toBe("veth");
    const peer = parseAttrs(info.get(2)!, 0).get(1)!; // IFLA_INFO_DATA → VETH_INFO_PEER
    expect(peer.readUInt32LE(8) & 1).toBe(0); // the peer is created down (IFF_UP here fails with ENOTCONN)
    const pattrs = parseAttrs(peer, 16);
    expect(pattrs.get(IFLA_IFNAME)!.toString().replace(/\0+$/, "")).toBe("eth0");
    expect(pattrs.get(IFLA_NET_NS_FD)!.readUInt32LE(0)).toBe(9);
  });

  test("kernel errors carry the errno and the extended-ack message", () => {
    const text = Buffer.from("Device busy\0");
    const payload = Buffer.alloc(20 + 4 + 12);
    payload.writeInt32LE(-16, 0);
    payload.writeUInt16LE(4 + text.length, 20);
    payload.writeUInt16LE(1, 22);
    text.copy(payload, 24);
    expect(parseError({ type: NLMSG_ERROR, flags: NLM_F_ACK_TLVS, seq: 1, payload })).toEqual({ errno: 16, message: "Device busy" });
  });

  test("a route with rtm_family 0 in an IPv4 dump is still read", () => {
    const payload = Buffer.alloc(12 + 8);
    payload.writeUInt8(0, 0); payload.writeUInt8(0, 1); payload.writeUInt8(254, 4); payload.writeUInt8(1, 7);
    payload.writeUInt16LE(8, 12); payload.writeUInt16LE(5, 14); Buffer.from([192, 0, 2, 1]).copy(payload, 16);
    expect(parseRoute({ type: 24, flags: 0, seq: 0, payload })).toMatchObject({ dst: "0.0.0.0", dstLen: 0, gateway: "192.0.2.1" });
  });
});

describe("iptables batches", () => {
  const save = [
    "*nat", ":PREROUTING ACCEPT [0:0]", ":MYDOCKER-br-x - [0:0]", ":MYDOCKER-PST-br-x - [0:0]",
    "-A PREROUTING -m addrtype --dst-type LOCAL -j MYDOCKER-br-x",
    "-A PREROUTING -m addrtype --dst-type LOCAL -j MYDOCKER-br-other",
    "-A POSTROUTING -j MYDOCKER-PST-br-x",
    "-A MYDOCKER-br-x -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.231.3.2:80", "COMMIT",
    "*filter", ":MYDOCKER-br-x - [0:0]", "-A FORWARD -o br-x -j MYDOCKER-br-x", "-A FORWARD -i br-x -j ACCEPT", "COMMIT", "",
  ].join("\n");

  test("jumps into a network's chains are found, not other networks'", () => {
    expect(jumpsInto(save, "nat", ["MYDOCKER-br-x", "MYDOCKER-PST-br-x"])).toEqual([
      "-A PREROUTING -m addrtype --dst-type LOCAL -j MYDOCKER-br-x", "-A POSTROUTING -j MYDOCKER-PST-br-x",
    ]);
  });

  test("bringing up again first deletes the old jumps, so none is ever doubled", () => {
    const b = upBatch({ bridge: "br-x", subnet: "10.231.3.0/24", internal: false }, [{ proto: "udp", containerPort: 53, hostIp: "", hostPort: 5353, ip: "10.231.3.2" }], save);
    expect(b).toContain("-D PREROUTING -m addrtype --dst-type LOCAL -j MYDOCKER-br-x\n");
    expect(b).toContain("-D FORWARD -o br-x -j MYDOCKER-br-x\n");
    expect(b).not.toContain("br-other");
    expect(b).toContain("-A MYDOCKER-PST-br-x -s 10.231.3.0/24 ! -o br-x -j MASQUERADE");
    expect(b).toContain("-A MYDOCKER-br-x -p udp -m udp --dport 5353 -j DNAT --to-destination 10.231.3.2:53");
    expect(b.match(/^-A PREROUTING /gm)?.length).toBe(1);
    // egress is accepted last in FORWARD, never inside the bridge's own chain: another bridge's
    // chain must see traffic headed for it whatever order the networks came up in
    expect(b).toContain("-D FORWARD -i br-x -j ACCEPT\n");
    expect(b.trimEnd().split("\n").slice(-2)).toEqual(["-A FORWARD -i br-x -j ACCEPT", "COMMIT"]);
    expect(b).not.toContain("-A MYDOCKER-br-x -i br-x -j ACCEPT");
    const internal = upBatch({ bridge: "br-x", subnet: "10.231.3.0/24", internal: true }, [], "");
    expect(internal).not.toContain("-s 10.231.3.0/24 ! -o br-x -j MASQUERADE");
    expect(internal).toContain("-A MYDOCKER-br-x -i br-x -j DROP");
    expect(internal).not.toContain("-j ACCEPT\nCOMMIT");
  });

  test("tearing down removes exactly what exists; nothing left gives an empty batch", () => {
    const d = downBatch("br-x", save);
    expect(d).toContain("-D PREROUTING -m addrtype --dst-type LOCAL -j MYDOCKER-br-x");
    expect(d).toContain("-F MYDOCKER-PST-br-x\n-X MYDOCKER-PST-br-x");
    expect(d).toContain("-D FORWARD -o br-x -j MYDOCKER-br-x");
    expect(d).toContain("-D FORWARD -i br-x -j ACCEPT");
    expect(d).not.toContain("br-other");
    expect(downBatch("br-y", save)).toBe("");
  });

  test("publications rewrite the whole DNAT chain", () => {
    expect(dnatBatch("br-x", [{ proto: "tcp", containerPort: 80, hostIp: "127.0.0.1", hostPort: 8080, ip: "10.231.3.2" }])).toBe(
      "*nat\n:MYDOCKER-br-x - [0:0]\n-A MYDOCKER-br-x -d 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.231.3.2:80\nCOMMIT\n");
    expect(dnatBatch("br-x", [])).toBe("*nat\n:MYDOCKER-br-x - [0:0]\nCOMMIT\n");
  });
});

describe("/etc files", () => {
  test("hosts: own address under host name and network names, then peers", () => {
    const h = hostsContent("web01", "10.231.3.2", ["10.0.0.9\tdb"], [{ ip: "10.231.3.3", names: ["api", "api-alias"] }], "example.com", ["web"]);
    const lines = h.trim().split("\n");
    expect(lines).toContain("10.0.0.9\tdb");
    expect(lines).toContain("10.231.3.2\tweb01.example.com web01 web");
    expect(lines[lines.length - 1]).toBe("10.231.3.3\tapi api-alias");
  });

  test("resolv.conf drops loopback nameservers like Docker; --dns replaces them", () => {
    const dir = mkdtempSync(join(tmpdir(), "resolv-"));
    const f = join(dir, "resolv.conf");
    try {
      writeFileSync(f, "nameserver 127.0.0.53\nnameserver 10.9.9.9\nsearch corp\noptions edns0\n");
      expect(resolvConfContent([], [], [], f)).toBe("nameserver 10.9.9.9\nsearch corp\noptions edns0\n");
      expect(resolvConfContent(["10.1.1.1"], ["a.example"], ["ndots:2"], f)).toBe("nameserver 10.1.1.1\nsearch a.example\noptions ndots:2\n");
      writeFileSync(f, "nameserver 127.0.0.53\n");
      expect(resolvConfContent([], [], [], f)).toBe("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
