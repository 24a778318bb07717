// Brings up `lo` inside a fresh network namespace (a new netns starts with lo down).

import { check, cstr, sym } from "../sys/libc";
import { closeFd } from "../sys/process";

const AF_INET = 2, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0o2000000;
const SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, IFF_UP = 0x1;

export function setLinkUp(name: string): void {
  const fd = check("socket", undefined, () => sym.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  try {
    const ifr = Buffer.alloc(40);
    cstr(name).copy(ifr, 0, 0, Math.min(15, name.length));
    check("ioctl SIOCGIFFLAGS", name, () => sym.ioctl(fd, SIOCGIFFLAGS, ifr));
    ifr.writeInt16LE(ifr.readInt16LE(16) | IFF_UP, 16);
    check("ioctl SIOCSIFFLAGS", name, () => sym.ioctl(fd, SIOCSIFFLAGS, ifr));
  } finally {
    closeFd(fd);
  }
}
