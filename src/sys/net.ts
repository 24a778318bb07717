// Sockets for networking: raw netlink sockets (rtnetlink: links, addresses, routes), opened in
// the host's network namespace or in a container's, and bound inet sockets that hold a host port
// for as long as a container publishes it. Message framing and meaning live in src/network; this
// file only moves bytes and turns failures into SyscallErrors.

import { closeSync, openSync } from "node:fs";
import { check, sym } from "./libc";

const AF_INET = 2, AF_NETLINK = 16;
const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_CLOEXEC = 0o2000000;
const NETLINK_ROUTE = 0;
const SOL_NETLINK = 270, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11;
const SOL_SOCKET = 1, SO_RCVBUF = 8;
const CLONE_NEWNET = 0x40000000;

/** A NETLINK_ROUTE socket. Requests are sent whole; replies are read one datagram at a time. */
export class NetlinkSocket {
  private buf = Buffer.alloc(64 * 1024);
  private constructor(readonly fd: number) {}

  /** A socket in the calling thread's network namespace. */
  static open(): NetlinkSocket {
    const fd = check("socket AF_NETLINK", undefined, () => sym.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    const one = new Int32Array([1]);
    // shorter acks (no echo of our request) and error strings from the kernel
    sym.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, one, 4);
    sym.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, one, 4);
    const rcv = new Int32Array([1 << 20]);
    sym.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, rcv, 4);
    const addr = Buffer.alloc(12);
    addr.writeUInt16LE(AF_NETLINK, 0);
    try {
      check("bind AF_NETLINK", undefined, () => sym.bind(fd, addr, addr.length));
    } catch (e) {
      sym.close(fd);
      throw e;
    }
    return new NetlinkSocket(fd);
  }

  /**
   * A socket inside the network namespace at nsPath (/proc/PID/ns/net). A socket keeps the
   * namespace it was created in, so only this thread visits the namespace, for one socket() call.
   */
  static openIn(nsPath: string): NetlinkSocket {
    return inNetns(nsPath, () => NetlinkSocket.open());
  }

  send(msg: Uint8Array, what: string): void {
    const n = check(`sendto netlink ${what}`, undefined, () => sym.sendto(this.fd, msg, msg.length, 0, null, 0));
    if (n !== msg.length) throw new Error(`netlink ${what}: short send`);
  }

  /** One datagram (possibly several netlink messages), copied: the receive buffer is reused. */
  recv(what: string): Buffer {
    const n = check(`recvfrom netlink ${what}`, undefined, () => sym.recvfrom(this.fd, this.buf, this.buf.length, 0, null, null));
    return Buffer.from(this.buf.subarray(0, n));
  }

  close(): void {
    sym.close(this.fd);
  }
}

/**
 * Runs fn with the calling thread in the network namespace at nsPath, then returns the thread to
 * its own namespace. Bun is multithreaded: setns moves only this (the JS) thread, which is all a
 * socket() call needs.
 */
export function inNetns<T>(nsPath: string, fn: () => T): T {
  const self = openSync("/proc/thread-self/ns/net", "r");
  let target: number | undefined;
  try {
    target = openSync(nsPath, "r");
    const t = target;
    check("setns", nsPath, () => sym.setns(t, CLONE_NEWNET));
    try {
      return fn();
    } finally {
      check("setns", "/proc/thread-self/ns/net (back to the host)", () => sym.setns(self, CLONE_NEWNET));
    }
  } finally {
    if (target !== undefined) closeSync(target);
    closeSync(self);
  }
}

/**
 * A socket bound to ip:port (tcp or udp, IPv4), not listening: while it is open nobody else can
 * bind that port, so the host port stays ours. port 0 lets the kernel pick a free one.
 * Returns the fd and the bound port; throws SyscallError (EADDRINUSE when taken).
 */
export function bindInetPort(proto: "tcp" | "udp", ip: string, port: number): { fd: number; port: number } {
  const fd = check("socket AF_INET", undefined, () => sym.socket(AF_INET, (proto === "tcp" ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0));
  try {
    const addr = Buffer.alloc(16);
    addr.writeUInt16LE(AF_INET, 0);
    addr.writeUInt16BE(port, 2);
    const parts = ip.split(".").map(Number);
    for (let i = 0; i < 4; i++) addr[4 + i] = parts[i] ?? 0;
    check("bind", `${ip}:${port}/${proto}`, () => sym.bind(fd, addr, 16));
    const len = new Uint32Array([16]);
    check("getsockname", `${ip}:${port}/${proto}`, () => sym.getsockname(fd, addr, len));
    return { fd, port: addr.readUInt16BE(2) };
  } catch (e) {
    sym.close(fd);
    throw e;
  }
}

export function closeSocket(fd: number): void {
  sym.close(fd);
}

const SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, IFF_UP = 0x1;

/** Brings a link up by name with the interface ioctls (`lo` in a fresh network namespace). */
export function setLinkUp(name: string): void {
  const fd = check("socket", undefined, () => sym.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  try {
    const ifr = Buffer.alloc(40);
    ifr.write(name.slice(0, 15), 0, "latin1");
    check("ioctl SIOCGIFFLAGS", name, () => sym.ioctl(fd, SIOCGIFFLAGS, ifr));
    ifr.writeInt16LE(ifr.readInt16LE(16) | IFF_UP, 16);
    check("ioctl SIOCSIFFLAGS", name, () => sym.ioctl(fd, SIOCSIFFLAGS, ifr));
  } finally {
    sym.close(fd);
  }
}
