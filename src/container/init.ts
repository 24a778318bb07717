// `mydocker _init ROOT ID`: the container's first process, started by the monitor's clone()
// inside the new namespaces. It builds the container from its record, waits for the CLI's "go"
// on fd 3 (the sync socket), and replaces itself with the user's command.
//
//   fd 3 protocol:  CLI → init  "config\n"           (the record is complete: `run` may start this
//                                                   process before it exists, see early-start.ts)
//                   CLI → init  "cgroups\n"          (the container's cgroups exist: made while
//                                                   this runtime booted; joined at "go")
//                   CLI → init  "go\n" or "go ROWS COLS\n"  (cgroup and network are in place;
//                                                          -t: the user's window size)
//                   init → CLI  EOF                (execve succeeded: fd 3 is close-on-exec)
//                   init → CLI  {"message","exitCode"}  (failed; init exits with exitCode)
//   fd 4 (-t only): init → monitor  the pty master (SCM_RIGHTS), opened in the container's own
//                   devpts once it is mounted; the slave becomes stdio and controlling terminal.

import { accessSync, constants, existsSync, mkdirSync, readFileSync, readSync, statSync, writeSync } from "node:fs";
import { ContainerCommandError, MydockerError } from "../errors";
import { setLinkUp } from "../sys/net";
import { bindEtcFiles, enterRootfs, mountDev, mountOverlay, mountProc, mountSys, mountUser, remountRootReadonly } from "../storage/rootfs";
import { errnoName } from "../sys/errno";
import { closeFd, fchownFd, O_WRONLY, openAt } from "../sys/fs";
import { chdir, cloexecFrom, execve, execveFd, prctl, PR_SET_PDEATHSIG, resetSignalsForExec, sethostname, setCloexec, setgroups, setresgid, setresuid } from "../sys/process";
import { confineSystemPaths, createContainerDevices, lockDown, prepareCredentials, readSeccompProgram } from "../security/container-init";
import { sendFds } from "../sys/socket";
import { dup2, openPty, setControllingTerminal, setWindowSize } from "../sys/tty";
import type { ContainerConfig, RuntimeSpec } from "./record";
import { shimFd } from "./shim";
import { resolveUser } from "./user";

const SYNC_FD = 3, CONSOLE_FD = 4;

let pending = "";

/** The next line from the CLI when it starts with `word`; null when it hung up or said else. */
function waitFor(word: string): string | null {
  const buf = Buffer.alloc(64);
  while (!pending.includes("\n")) {
    let n: number;
    try { n = readSync(SYNC_FD, buf, 0, buf.length, null); } catch (e: any) {
      if (e?.code === "EAGAIN" || e?.code === "EINTR") continue;
      return null;
    }
    if (n === 0) return null;
    pending += buf.toString("latin1", 0, n);
  }
  const line = pending.slice(0, pending.indexOf("\n"));
  pending = pending.slice(line.length + 1);
  return line === word || line.startsWith(`${word} `) ? line : null;
}

/** -t: a pty from the container's devpts; the master goes to the monitor, the slave becomes our
 *  stdio and controlling terminal (we are a session leader: the monitor's child called setsid). */
function attachTerminal(): void {
  const { master, slave } = openPty();
  sendFds(CONSOLE_FD, [master], Buffer.from("m"));
  closeFd(master);
  closeFd(CONSOLE_FD);
  setControllingTerminal(slave);
  for (const fd of [0, 1, 2]) dup2(slave, fd);
  closeFd(slave);
}

function report(message: string, exitCode: number): never {
  try { writeSync(SYNC_FD, JSON.stringify({ message, exitCode })); } catch { /* CLI gone */ }
  process.exit(exitCode);
}

/** PATH lookup inside the container, as execvp would do it, with Docker's error wording. */
export function findExecutable(cmd: string, env: string[]): string {
  if (cmd.includes("/")) {
    let st;
    try { st = statSync(cmd); } catch {
      throw new ContainerCommandError(`exec: "${cmd}": stat ${cmd}: no such file or directory`, 127);
    }
    if (st.isDirectory()) throw new ContainerCommandError(`exec: "${cmd}": is a directory`, 126);
    try { accessSync(cmd, constants.X_OK); } catch {
      throw new ContainerCommandError(`exec: "${cmd}": permission denied`, 126);
    }
    return cmd;
  }
  const pathVar = env.find((e) => e.startsWith("PATH="))?.slice(5) ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  let denied = false;
  for (const dir of pathVar.split(":")) {
    const p = `${dir || "."}/${cmd}`;
    try {
      if (!statSync(p).isFile()) continue;
    } catch { continue; }
    try { accessSync(p, constants.X_OK); return p; } catch { denied = true; }
  }
  if (denied) throw new ContainerCommandError(`exec: "${cmd}": permission denied`, 126);
  throw new ContainerCommandError(`exec: "${cmd}": executable file not found in $PATH`, 127);
}

function buildFilesystem(spec: RuntimeSpec, copyUp?: (target: string, source: string) => void): void {
  const rootfs = spec.rootfs.mountpoint;
  // "/" is already private (MS_REC): the monitor's child made it so before exec'ing us, to make
  // its read-only bind of the mydocker binary (cshim/monitor.c protect_exe)
  mountOverlay(spec.rootfs);
  mountProc(rootfs);
  mountDev(rootfs);
  if (spec.security) createContainerDevices(rootfs, spec.security);
  mountSys(rootfs, !spec.privileged);
  // User mounts shallow first (so /a is mounted before /a/b), then the /etc files on top, as
  // Docker orders them: `-v vol:/etc` keeps the container's own hostname/hosts/resolv.conf. A
  // user mount on one of those files replaces mydocker's.
  const depth = (p: string) => p.split("/").filter(Boolean).length;
  for (const m of [...spec.mounts].sort((a, b) => depth(a.destination) - depth(b.destination))) {
    const isDir = m.type === "tmpfs" || !existsSync(m.source) || statSync(m.source).isDirectory();
    mountUser(rootfs, m, isDir, copyUp);
  }
  const taken = new Set(spec.mounts.map((m) => m.destination.replace(/\/+$/, "")));
  const etc: [string, string][] = [[spec.etcFiles.hostname, "hostname"], [spec.etcFiles.hosts, "hosts"], [spec.etcFiles.resolvConf, "resolv.conf"]];
  bindEtcFiles(rootfs, etc.filter(([, name]) => !taken.has(`/etc/${name}`)));
}

export async function runInit(root: string, id: string): Promise<never> {
  let config: ContainerConfig;
  let cgroupFds: number[] = [];
  let initFd = -1;
  let seccomp: Uint8Array | null = null;
  try {
    if (waitFor("config") === null) process.exit(125);
    config = JSON.parse(readFileSync(`${root}/containers/${id}/config.json`, "utf8"));
    const spec = config.Runtime;
    if (spec.security) seccomp = readSeccompProgram(spec.security);
    const copyUp = spec.mounts.some((m) => m.copyUp) ? (await import("../storage/copy-up")).copyUpIfEmpty : undefined;
    buildFilesystem(spec, copyUp);
    // cgroup.procs is opened now, while the host's /sys is still reachable; the process joins
    // right before execve, after the runtime's own start-up memory is charged elsewhere.
    if (waitFor("cgroups") === null) process.exit(125);
    cgroupFds = spec.cgroupProcs.map((p) => openAt(-100, p, O_WRONLY));
    // --init: the shim's tiny init becomes PID 1; its sealed memfd is made before pivot_root
    if (spec.init) initFd = shimFd();
    enterRootfs(spec.rootfs.mountpoint);
    if (spec.rootfs.readonly) remountRootReadonly();
    sethostname(spec.hostname);
    if (spec.loopback) setLinkUp("lo");
    if (spec.tty) attachTerminal();
    // masks and read-only /proc,/sys paths need nothing from the CLI: do them while it works;
    // sysctls (net.* may name eth0, made by the CLI) wait for "go", and so must a read-only /proc/sys
    if (spec.security && Object.keys(spec.security.sysctls).length === 0) confineSystemPaths(spec.security);
  } catch (e) {
    report(describe(e, "container init"), e instanceof MydockerError ? e.exitCode : 125);
  }
  const spec = config.Runtime;
  const go = waitFor("go");
  if (go === null) process.exit(125);
  try {
    const [, rows, cols] = go.split(" ").map(Number);
    if (spec.tty && rows > 0 && cols > 0) setWindowSize(0, { rows, cols });
    for (const fd of cgroupFds) writeSync(fd, "0");
    const sec = spec.security;
    if (sec && Object.keys(sec.sysctls).length > 0) confineSystemPaths(sec);
    const user = resolveUser(spec.user);
    // a terminal the user cannot write would be useless (runc's fixStdioPermissions)
    if (spec.tty) fchownFd(0, user.uid, user.gid, "the container's terminal");
    const env = [...spec.env];
    if (!env.some((e) => e.startsWith("HOME="))) env.push(`HOME=${user.home}`);
    if (spec.cwd) {
      if (!existsSync(spec.cwd)) mkdirSync(spec.cwd, { recursive: true, mode: 0o755 });
      chdir(spec.cwd);
    }
    const path = findExecutable(spec.args[0], env);
    if (sec) prepareCredentials(sec);
    setgroups(user.additionalGids); // always: drops the groups inherited from the caller
    if (user.gid !== 0) setresgid(user.gid);
    if (user.uid !== 0) setresuid(user.uid);
    prctl(PR_SET_PDEATHSIG, 9); // a uid change clears it; the monitor's death must still end us
    setCloexec(SYNC_FD, true);
    cloexecFrom(3);
    resetSignalsForExec();
    if (sec) lockDown(sec, seccomp); // seccomp is in force from here: only execve follows
    const errno = initFd >= 0
      ? execveFd(initFd, ["mydocker-init", "init", "--", ...spec.args], env)
      : execve(path, spec.args, env);
    const code = errno === 2 ? 127 : 126;
    report(`exec: "${spec.args[0]}": ${errnoName(errno) === "ENOENT" ? "no such file or directory" : errnoName(errno).toLowerCase()}`, code);
  } catch (e) {
    report(describe(e, "container start"), e instanceof MydockerError ? e.exitCode : 125);
  }
}

function describe(e: unknown, what: string): string {
  if (e instanceof MydockerError) return e.message;
  return `${what}: ${(e as Error)?.message ?? String(e)}`;
}
