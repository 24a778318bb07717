// Process-level syscalls: execve, hostname, namespaces, prctl, signals, fds for child processes.

import { check, cstr, cstrArray, errno, sym, tryCall } from "./libc";

export const CLONE_NEWNS = 0x20000, CLONE_NEWCGROUP = 0x2000000, CLONE_NEWUTS = 0x4000000,
  CLONE_NEWIPC = 0x8000000, CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000,
  CLONE_NEWNET = 0x40000000;

/** Replaces this process; returns only on failure, with the errno (never throws). */
export function execve(path: string, argv: string[], env: string[]): number {
  const p = cstr(path);
  const a = cstrArray(argv), e = cstrArray(env);
  sym.execve(p, a.array, e.array);
  void a.keep, e.keep;
  return errno();
}

export function sethostname(name: string): void {
  const b = Buffer.from(name);
  check("sethostname", name, () => sym.sethostname(b, b.length));
}

export function setdomainname(name: string): void {
  const b = Buffer.from(name);
  check("setdomainname", name, () => sym.setdomainname(b, b.length));
}

export function chdir(path: string): void {
  const b = cstr(path);
  check("chdir", path, () => sym.chdir(b));
}

export function umask(mask: number): number {
  return sym.umask(mask);
}

export function unshare(flags: number): void {
  check("unshare", `0x${flags.toString(16)}`, () => sym.unshare(flags));
}

export function setns(fd: number, nstype: number, what: string): void {
  check("setns", what, () => sym.setns(fd, nstype));
}

export const PR_SET_PDEATHSIG = 1, PR_SET_NAME = 15, PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24,
  PR_SET_NO_NEW_PRIVS = 38, PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_CLEAR_ALL = 4,
  PR_SET_CHILD_SUBREAPER = 36;

export function prctl(option: number, a = 0, b = 0, c = 0, d = 0): number {
  return check("prctl", String(option), () => sym.prctl(option, a, b, c, d));
}

export function tryPrctl(option: number, a = 0, b = 0, c = 0, d = 0): number {
  return tryCall(() => sym.prctl(option, a, b, c, d));
}

const F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1, F_ADD_SEALS = 1033;
export const F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8;

export function setCloexec(fd: number, on: boolean): void {
  const cur = check("fcntl F_GETFD", String(fd), () => sym.fcntl(fd, F_GETFD, 0));
  check("fcntl F_SETFD", String(fd), () => sym.fcntl(fd, F_SETFD, on ? cur | FD_CLOEXEC : cur & ~FD_CLOEXEC));
}

export function addSeals(fd: number, seals: number): void {
  check("fcntl F_ADD_SEALS", String(fd), () => sym.fcntl(fd, F_ADD_SEALS, seals));
}

const MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2;
export function memfdCreate(name: string, cloexec: boolean): number {
  const n = cstr(name);
  return check("memfd_create", name, () => sym.memfd_create(n, MFD_ALLOW_SEALING | (cloexec ? MFD_CLOEXEC : 0)));
}

const AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 0o2000000;
/** A connected pair of unix stream sockets, both close-on-exec (hand one on explicitly). */
export function socketpair(): [number, number] {
  const sv = new Int32Array(2);
  check("socketpair", undefined, () => sym.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  return [sv[0], sv[1]];
}

export function pipe(cloexec = true): [number, number] {
  const fds = new Int32Array(2);
  check("pipe2", undefined, () => sym.pipe2(fds, cloexec ? 0o2000000 : 0));
  return [fds[0], fds[1]];
}

export function closeFd(fd: number): void {
  sym.close(fd);
}

/** kill(2); returns false when the process does not exist (ESRCH). */
export function kill(pid: number, signal: number): boolean {
  const rc = tryCall(() => sym.kill(pid, signal));
  if (rc === -3) return false;
  if (rc < 0) check("kill", String(pid), () => -1);
  return true;
}

export function getpid(): number {
  return sym.getpid();
}

export function geteuid(): number {
  return sym.geteuid();
}

export function isatty(fd: number): boolean {
  return sym.isatty(fd) === 1;
}

/** Reads from a raw fd into buf; returns bytes read (0 at EOF). */
export function readFd(fd: number, buf: Uint8Array): number {
  return check("read", String(fd), () => sym.read(fd, buf, buf.length));
}

export function writeFd(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) {
    const chunk = data.subarray(off);
    off += check("write", String(fd), () => sym.write(fd, chunk, chunk.length));
  }
}

const SYS_close_range = 436, CLOSE_RANGE_CLOEXEC = 4;
/** Marks every fd >= lowfd close-on-exec, so nothing of this process leaks past execve. */
export function cloexecFrom(lowfd: number): void {
  check("close_range", String(lowfd), () => sym.syscall(SYS_close_range, lowfd as any, 0xffffffff as any, CLOSE_RANGE_CLOEXEC as any, null, null));
}

/**
 * Before execve into a container's command: an ignored signal and a blocked signal mask survive
 * execve, and the runtime ignores some (SIGPIPE): reset all to the default the command expects.
 */
export function resetSignalsForExec(): void {
  for (let sig = 1; sig <= 64; sig++) {
    if (sig === 9 || sig === 19 || sig === 32 || sig === 33) continue; // KILL, STOP, glibc-internal
    sym.signal(sig, null); // SIG_DFL is 0
  }
  const empty = new BigUint64Array(16);
  sym.sigprocmask(2 /* SIG_SETMASK */, empty, null);
}

export function setresuid(uid: number): void {
  check("setresuid", String(uid), () => sym.setresuid(uid, uid, uid));
}

export function setresgid(gid: number): void {
  check("setresgid", String(gid), () => sym.setresgid(gid, gid, gid));
}

export function setgroups(gids: number[]): void {
  const arr = new Uint32Array(gids.length || 1);
  gids.forEach((g, i) => (arr[i] = g));
  check("setgroups", gids.join(","), () => sym.setgroups(gids.length, arr));
}

/**
 * A pidfd for pid (readable once the process has exited, child or not), or -1 when the process
 * is gone already or the kernel has no pidfd_open (before 5.3).
 */
export function pidfdOpen(pid: number): number {
  const fd = tryCall(() => sym.pidfd_open(pid, 0));
  return fd >= 0 ? fd : -1;
}

const POLLIN = 1;
/** Waits until fd is readable (or has hung up); false on timeout. */
export function waitReadable(fd: number, timeoutMs: number): boolean {
  const pfd = new Int32Array(2);
  pfd[0] = fd;
  pfd[1] = POLLIN;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = Math.max(0, deadline - Date.now());
    const rc = tryCall(() => sym.poll(pfd, 1, left));
    if (rc > 0) return true;
    if (rc === 0) return false;
    if (rc !== -4) check("poll", String(fd), () => -1);
  }
}

/** Starts a new session (fails harmlessly, returning false, for a process group leader). */
export function setsid(): boolean {
  return sym.setsid() >= 0;
}

const SYS_execveat = 322, AT_EMPTY_PATH = 0x1000;
/** execveat(fd, "", …, AT_EMPTY_PATH): runs the program an fd holds (a sealed memfd). */
export function execveFd(fd: number, argv: string[], env: string[]): number {
  const empty = cstr("");
  const a = cstrArray(argv), e = cstrArray(env);
  sym.syscall(SYS_execveat, fd as any, empty, a.array, e.array, AT_EMPTY_PATH as any);
  void a.keep, e.keep;
  return errno();
}
