// Terminals: the user's side (raw mode, window size) and the container's side of a pty, which
// `_init` opens in the container's own devpts instance so the process sees /dev/pts/N of its
// container, never a host pty.

import { O_NOCTTY, O_RDWR, openAt } from "./fs";
import { check, sym } from "./libc";

const TCSANOW = 0;
const TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, TIOCSCTTY = 0x540e, TIOCSPTLCK = 0x40045431,
  TIOCGPTPEER = 0x5441;

export interface WindowSize { rows: number; cols: number }

/** The size of the terminal on fd, or null when fd is not a terminal (or reports 0×0). */
export function windowSize(fd: number): WindowSize | null {
  const ws = new Uint16Array(4);
  if (sym.ioctl(fd, TIOCGWINSZ, ws) !== 0) return null;
  return ws[0] && ws[1] ? { rows: ws[0], cols: ws[1] } : null;
}

export function setWindowSize(fd: number, size: WindowSize): void {
  const ws = new Uint16Array([size.rows, size.cols, 0, 0]);
  check("ioctl TIOCSWINSZ", String(fd), () => sym.ioctl(fd, TIOCSWINSZ, ws));
}

/**
 * Puts the terminal on fd in raw mode (cfmakeraw, as Docker's CLI does): keys reach the
 * container's pty unchanged, so Ctrl-C becomes the container's SIGINT, not ours. Returns the
 * function that restores the saved settings (safe to call more than once).
 */
export function makeRaw(fd: number): () => void {
  const saved = new Uint8Array(64); // struct termios is 60 bytes on Linux
  check("tcgetattr", String(fd), () => sym.tcgetattr(fd, saved));
  const raw = saved.slice();
  sym.cfmakeraw(raw);
  check("tcsetattr", String(fd), () => sym.tcsetattr(fd, TCSANOW, raw));
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    sym.tcsetattr(fd, TCSANOW, saved);
  };
}

/**
 * A new pty from the devpts mounted at /dev/pts (call after pivot_root). The slave is opened
 * from the master (TIOCGPTPEER), not by a path a container could have replaced. Both fds are
 * close-on-exec.
 */
export function openPty(): { master: number; slave: number } {
  const master = openAt(-100, "/dev/pts/ptmx", O_RDWR | O_NOCTTY);
  const unlock = new Int32Array(1);
  check("ioctl TIOCSPTLCK", "/dev/pts/ptmx", () => sym.ioctl(master, TIOCSPTLCK, unlock));
  const O_CLOEXEC = 0o2000000;
  const slave = check("ioctl TIOCGPTPEER", "/dev/pts/ptmx", () => sym.ioctl(master, TIOCGPTPEER, (O_RDWR | O_NOCTTY | O_CLOEXEC) as any));
  return { master, slave };
}

/** Makes the terminal on fd the controlling terminal of this session (its leader calls it). */
export function setControllingTerminal(fd: number): void {
  check("ioctl TIOCSCTTY", String(fd), () => sym.ioctl(fd, TIOCSCTTY, 0 as any));
}

export function dup2(oldfd: number, newfd: number): void {
  check("dup2", `${oldfd} to ${newfd}`, () => sym.dup2(oldfd, newfd));
}
