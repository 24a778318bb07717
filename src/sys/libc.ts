// The one place that imports bun:ffi: every libc symbol mydocker calls is declared here once.
// Callers use the typed wrappers in the other src/sys files, never these raw symbols; pointers
// never leave src/sys.

import { dlopen, FFIType, ptr, read, type Pointer } from "bun:ffi";
import { SyscallError } from "../errors";
import { EINTR, errnoName, errnoText } from "./errno";

const { i32, u32, i64, u64, ptr: P } = FFIType;

const DEFS = {
  __errno_location: { args: [], returns: P },
  syscall: { args: [i64, P, P, P, P, P], returns: i64 },
  mount: { args: [P, P, P, u64, P], returns: i32 },
  umount2: { args: [P, i32], returns: i32 },
  sethostname: { args: [P, u64], returns: i32 },
  setdomainname: { args: [P, u64], returns: i32 },
  chdir: { args: [P], returns: i32 },
  fchdir: { args: [i32], returns: i32 },
  chroot: { args: [P], returns: i32 },
  execve: { args: [P, P, P], returns: i32 },
  mknodat: { args: [i32, P, u32, u64], returns: i32 },
  mkdirat: { args: [i32, P, u32], returns: i32 },
  openat: { args: [i32, P, i32, u32], returns: i32 },
  symlinkat: { args: [P, i32, P], returns: i32 },
  linkat: { args: [i32, P, i32, P, i32], returns: i32 },
  unlinkat: { args: [i32, P, i32], returns: i32 },
  renameat: { args: [i32, P, i32, P], returns: i32 },
  fchownat: { args: [i32, P, u32, u32, i32], returns: i32 },
  fchmodat: { args: [i32, P, u32, i32], returns: i32 },
  fchmod: { args: [i32, u32], returns: i32 },
  fchown: { args: [i32, u32, u32], returns: i32 },
  utimensat: { args: [i32, P, P, i32], returns: i32 },
  futimens: { args: [i32, P], returns: i32 },
  lsetxattr: { args: [P, P, P, u64, i32], returns: i32 },
  lgetxattr: { args: [P, P, P, u64], returns: i64 },
  llistxattr: { args: [P, P, u64], returns: i64 },
  fsetxattr: { args: [i32, P, P, u64, i32], returns: i32 },
  fcntl: { args: [i32, i32, i64], returns: i32 },
  flock: { args: [i32, i32], returns: i32 },
  socketpair: { args: [i32, i32, i32, P], returns: i32 },
  pipe2: { args: [P, i32], returns: i32 },
  memfd_create: { args: [P, u32], returns: i32 },
  madvise: { args: [u64, u64, i32], returns: i32 },
  pidfd_open: { args: [i32, u32], returns: i32 },
  close: { args: [i32], returns: i32 },
  read: { args: [i32, P, u64], returns: i64 },
  write: { args: [i32, P, u64], returns: i64 },
  prctl: { args: [i32, u64, u64, u64, u64], returns: i32 },
  setresuid: { args: [u32, u32, u32], returns: i32 },
  setresgid: { args: [u32, u32, u32], returns: i32 },
  setgroups: { args: [u64, P], returns: i32 },
  umask: { args: [u32], returns: u32 },
  unshare: { args: [i32], returns: i32 },
  setns: { args: [i32, i32], returns: i32 },
  ioctl: { args: [i32, u64, P], returns: i32 },
  kill: { args: [i32, i32], returns: i32 },
  getpid: { args: [], returns: i32 },
  geteuid: { args: [], returns: u32 },
  isatty: { args: [i32], returns: i32 },
  poll: { args: [P, u64, i32], returns: i32 },
  setsid: { args: [], returns: i32 },
  getrlimit: { args: [i32, P], returns: i32 },
  setrlimit: { args: [i32, P], returns: i32 },
  capget: { args: [P, P], returns: i32 },
  capset: { args: [P, P], returns: i32 },
  if_nametoindex: { args: [P], returns: u32 },
  socket: { args: [i32, i32, i32], returns: i32 },
  bind: { args: [i32, P, u32], returns: i32 },
  getsockname: { args: [i32, P, P], returns: i32 },
  setsockopt: { args: [i32, i32, i32, P, u32], returns: i32 },
  sendto: { args: [i32, P, u64, i32, P, u32], returns: i64 },
  recvfrom: { args: [i32, P, u64, i32, P, P], returns: i64 },
  signal: { args: [i32, P], returns: P },
  sigprocmask: { args: [i32, P, P], returns: i32 },
  // terminals and fd passing (tty.ts, socket.ts)
  tcgetattr: { args: [i32, P], returns: i32 },
  tcsetattr: { args: [i32, i32, P], returns: i32 },
  cfmakeraw: { args: [P], returns: FFIType.void },
  dup2: { args: [i32, i32], returns: i32 },
  connect: { args: [i32, P, u32], returns: i32 },
  sendmsg: { args: [i32, P, i32], returns: i64 },
} as const;

type Symbols = ReturnType<typeof dlopen<typeof DEFS>>["symbols"];

/**
 * x86_64 syscall numbers for the calls that are plain syscalls. bun:ffi compiles a trampoline
 * for every bound symbol (~35 µs each, paid by every process that uses it); routing these through
 * the one `syscall` symbol binds a single trampoline instead. Calls whose glibc wrapper does real
 * work stay on their own symbols: setresuid/setresgid/setgroups (glibc applies them to every
 * thread of this multithreaded runtime), signal/sigprocmask, poll, rlimits, errno.
 */
const X64_SYSCALLS: Record<string, number> = {
  read: 0, write: 1, close: 3, ioctl: 16, getpid: 39, socket: 41, socketpair: 53, execve: 59,
  kill: 62, fcntl: 72, flock: 73, chdir: 80, fchdir: 81, fchmod: 91, fchown: 93, umask: 95,
  geteuid: 107, setsid: 112, pivot_root: 155, prctl: 157, chroot: 161, mount: 165, umount2: 166,
  sethostname: 170, setdomainname: 171, lsetxattr: 189, fsetxattr: 190, lgetxattr: 192,
  llistxattr: 195, openat: 257, mkdirat: 258, mknodat: 259, fchownat: 260, unlinkat: 263,
  renameat: 264, linkat: 265, symlinkat: 266, fchmodat: 268, unshare: 272, utimensat: 280,
  pipe2: 293, setns: 308, memfd_create: 319, bind: 49, getsockname: 51, setsockopt: 54,
  madvise: 28, pidfd_open: 434,
};

function bind(name: string): (...a: unknown[]) => any {
  const def = (DEFS as Record<string, unknown>)[name];
  if (!def) throw new Error(`libc symbol ${name} is not declared in src/sys/libc.ts`);
  return (dlopen("libc.so.6", { [name]: def } as any).symbols as any)[name];
}

/** Each symbol is bound on first use; plain syscalls share the one `syscall` trampoline. */
export const sym: Symbols = new Proxy({} as Symbols, {
  get(cache: any, name: string) {
    const fn = cache[name];
    if (fn) return fn;
    const nr = process.arch === "x64" ? X64_SYSCALLS[name] : undefined;
    if (nr !== undefined) {
      const raw = cache.syscall ?? (cache.syscall = bind("syscall"));
      return (cache[name] = (a = 0, b = 0, c = 0, d = 0, e = 0) => Number(raw(nr, a, b, c, d, e)));
    }
    if (name === "futimens" && process.arch === "x64") {
      // glibc's futimens is utimensat(fd, NULL, …), which its own utimensat wrapper refuses
      const raw = cache.syscall ?? (cache.syscall = bind("syscall"));
      return (cache[name] = (fd: number, ts: unknown) => Number(raw(280, fd, 0, ts, 0, 0)));
    }
    return (cache[name] = bind(name));
  },
});

export function errno(): number {
  return read.i32(sym.__errno_location() as Pointer, 0);
}

/** A NUL-terminated copy of s; keep the Buffer referenced until the call returns. */
export function cstr(s: string): Buffer {
  return Buffer.from(s + "\0", "utf8");
}

/**
 * Two scratch slots for the path arguments of the *at() calls: a NUL-terminated copy of s written
 * in place and its address returned, instead of a Buffer per path (unpacking a layer makes a few
 * such calls per entry, and in a cold process the Buffers were a fair part of each). The address
 * is good until the next cpath() on the same slot: pass it straight to the one call it is for.
 * A string that may not fit gets a Buffer of its own, as from cstr().
 */
const SLOT = 8192;
let scratch: Buffer | undefined; // made on first use: most commands never call an *at() function
let scratchAt = 0;
export function cpath(s: string, slot: 0 | 1 = 0): number | Buffer {
  if (s.length * 3 >= SLOT) return cstr(s); // UTF-8 takes at most 3 bytes per UTF-16 unit
  if (!scratch) {
    scratch = Buffer.alloc(2 * SLOT);
    scratchAt = ptr(scratch);
  }
  const at = slot * SLOT;
  scratch[at + scratch.write(s, at)] = 0;
  return scratchAt + at;
}

/** Builds a NULL-terminated char*[] for execve; `keep` holds the strings alive. */
export function cstrArray(items: string[]): { array: BigUint64Array; keep: Buffer[] } {
  const keep = items.map(cstr);
  const array = new BigUint64Array(items.length + 1);
  keep.forEach((b, i) => (array[i] = BigInt(ptr(b))));
  array[items.length] = 0n;
  return { array, keep };
}

/**
 * Runs a libc call that returns -1 and sets errno on failure; retries EINTR; throws a
 * SyscallError naming `what` (the syscall and its object) otherwise.
 */
export function check(what: string, path: string | undefined, fn: () => number | bigint): number {
  for (;;) {
    const rc = Number(fn());
    if (rc !== -1) return rc;
    const e = errno();
    if (e === EINTR) continue;
    throw new SyscallError(what, e, errnoName(e), errnoText(e), path);
  }
}

/** Like check, but returns -errno instead of throwing, for callers that branch on the errno. */
export function tryCall(fn: () => number | bigint): number {
  for (;;) {
    const rc = Number(fn());
    if (rc !== -1) return rc;
    const e = errno();
    if (e !== EINTR) return -e;
  }
}

export { ptr };
