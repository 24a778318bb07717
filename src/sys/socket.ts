// Unix sockets beyond what node:net offers: connecting by a path longer than sun_path allows
// (through /proc/self/fd/DIR), and passing fds with SCM_RIGHTS.

import { closeSync } from "node:fs";
import { O_DIRECTORY, O_PATH, openAt } from "./fs";
import { check, ptr, sym } from "./libc";

const AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 0o2000000, SOL_SOCKET = 1, SCM_RIGHTS = 1,
  MSG_NOSIGNAL = 0x4000;

/** Connects to the unix socket `name` in directory dir; returns the socket fd (close-on-exec). */
export function connectUnix(dir: string, name: string): number {
  const dfd = openAt(-100, dir, O_PATH | O_DIRECTORY);
  try {
    const path = `/proc/self/fd/${dfd}/${name}`;
    const addr = Buffer.alloc(110);
    addr.writeUInt16LE(AF_UNIX, 0);
    addr.write(path, 2);
    const fd = check("socket", undefined, () => sym.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    try {
      check("connect", `${dir}/${name}`, () => sym.connect(fd, addr, 2 + path.length + 1));
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return fd;
  } finally {
    closeSync(dfd);
  }
}

/** Sends data with fds attached (SCM_RIGHTS). */
export function sendFds(sock: number, fds: number[], data: Uint8Array): void {
  const iov = new BigUint64Array([BigInt(ptr(data)), BigInt(data.length)]);
  const cmsgLen = 16 + 4 * fds.length;
  const control = Buffer.alloc((cmsgLen + 7) & ~7);
  control.writeBigUInt64LE(BigInt(cmsgLen), 0);
  control.writeInt32LE(SOL_SOCKET, 8);
  control.writeInt32LE(SCM_RIGHTS, 12);
  fds.forEach((fd, i) => control.writeInt32LE(fd, 16 + 4 * i));
  // struct msghdr: name, namelen(+pad), iov, iovlen, control, controllen, flags(+pad)
  const msg = new BigUint64Array([0n, 0n, BigInt(ptr(iov)), 1n, BigInt(ptr(control)), BigInt(control.length), 0n]);
  check("sendmsg", undefined, () => sym.sendmsg(sock, msg, MSG_NOSIGNAL));
  void data, iov, control;
}
