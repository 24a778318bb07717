// `mydocker exec`: run a command inside a running container. Everything is decided here — which
// namespaces, the cgroups, the user (from the container's own /etc/passwd), env, working dir,
// privileges — and the C shim (cshim/exec.c, protocol diagram there) applies it: a
// multithreaded Bun cannot setns() into a mount namespace.
//
// Security contract, filled by the security module: an optional `config.Runtime.security`
//   { capabilities?: { bounding, effective, permitted, inheritable, ambient }  // hex masks
//     noNewPrivileges?: boolean,
//     seccompProfile?: string }  // path of a file holding a raw struct sock_filter[] program
// becomes --cap-bounding/--cap-effective/--cap-permitted/--cap-inheritable/--cap-ambient HEX,
// --no-new-privs and --seccomp-fd N (cshim/exec.c says in which order they are applied). When it
// is absent the command keeps the shim's privileges: root with every capability the caller has,
// minus what a switch to a non-root user drops. `exec --privileged` leaves out the capability
// masks (every capability the caller holds) but keeps no_new_privs and the seccomp filter.

import { openSync, readlinkSync } from "node:fs";
import type { Globals } from "../commands/_define";
import { ContainerCommandError, ConflictError, HostError } from "../errors";
import { errnoName, errnoText } from "../sys/errno";
import { closeFd, O_RDONLY, openAt, RESOLVE_IN_ROOT, tryOpenat2, O_DIRECTORY, O_PATH } from "../sys/fs";
import { isSameProcess } from "../sys/proc";
import { socketpair } from "../sys/process";
import { parseSignal } from "../sys/signals";
import { LineChannel } from "./channel";
import { checkWorkdir, mergeEnv, userEnvironment } from "./env";
import type { ContainerConfig } from "./record";
import { closeQuietly, spawnShim, type Stdio } from "./shim";
import { SignalProxy } from "./signal-proxy";
import { assertCan } from "./state-machine";
import { observe } from "./status";
import { ContainerStore } from "./store";
import { assertInputIsTerminal, TerminalSession, userWindowSize } from "./terminal";
import { resolveUser, type ResolvedUser } from "./user";

export interface ExecOptions {
  container: string;
  command: string[];
  detach: boolean;
  interactive: boolean;
  tty: boolean;
  env: string[];
  envFiles: string[];
  workdir?: string;
  user?: string;
  privileged: boolean;
}



/** Namespaces joined by the child, in order: mnt last (it changes the root). pid is separate. */
const JOINED = ["ipc", "uts", "net", "cgroup", "mnt"] as const;

/** What the shim is told, computed without side effects (unit-tested). */
export interface ExecPlan {
  env: string[];
  cwd: string;
  user: ResolvedUser;
  args: string[];
}

export function planExec(config: ContainerConfig, opts: ExecOptions, user: ResolvedUser, userEnv: string[]): ExecPlan {
  let env = mergeEnv(config.Runtime.env, userEnv);
  if (opts.tty && !env.some((e) => e.startsWith("TERM="))) env = [...env, "TERM=xterm"];
  if (!env.some((e) => e.startsWith("HOME="))) env = [...env, `HOME=${user.home}`];
  const cwd = opts.workdir || config.Runtime.cwd || "/";
  const args = ["--cwd", cwd, "--user", String(user.uid), String(user.gid), user.additionalGids.join(",") || "-"];
  for (const p of config.Runtime.cgroupProcs) args.push("--cgroup", p);
  if (opts.tty) {
    args.push("--tty");
    if (opts.interactive) args.push("--stdin");
  }
  if (opts.detach) args.push("--detach");
  const sec = config.Runtime.security;
  const caps = sec?.capabilities;
  if (caps && !opts.privileged) {
    args.push("--cap-bounding", caps.bounding, "--cap-effective", caps.effective, "--cap-permitted", caps.permitted,
      "--cap-inheritable", caps.inheritable, "--cap-ambient", caps.ambient);
  }
  if (sec?.noNewPrivileges) args.push("--no-new-privs");
  if (sec?.seccompProfile && sec.seccompFlags) args.push("--seccomp-flags", String(sec.seccompFlags));
  // an exec'd process lives under the container's --ulimit values, as runc exec does
  for (const r of sec?.rlimits ?? []) args.push("--rlimit", `${r.resource}:${r.soft}:${r.hard}`);
  for (const e of env) args.push("--env", e);
  return { env, cwd, user, args };
}

/** The child's "STEP ERRNO DETAIL" in Docker's words and exit code. */
export function execFailure(line: string, cmd: string, container: string): ContainerCommandError {
  const [step, num, ...rest] = line.split(" ");
  const errno = Number(num), detail = rest.join(" ");
  const text = errnoText(errno);
  if (step === "lookup") return new ContainerCommandError(`exec: "${cmd}": executable file not found in $PATH`, 127);
  if (step === "exec") {
    if (errno === 2) return new ContainerCommandError(`exec: "${cmd}": stat ${cmd}: no such file or directory`, 127);
    if (errno === 21) return new ContainerCommandError(`exec: "${cmd}": is a directory`, 126);
    return new ContainerCommandError(`exec: "${cmd}": ${text}`, 126);
  }
  if (step === "chdir") return new ContainerCommandError(`exec: chdir to cwd "${detail}": ${text}`, 126);
  const what = detail ? `${step} ${detail}` : step;
  return new ContainerCommandError(`exec in container ${container}: ${what}: ${errnoName(errno)} (${text})`, 125);
}

/** Reads a file of the container through openat2(RESOLVE_IN_ROOT) on /proc/PID/root: an
 *  absolute symlink in the image resolves inside the container, never on the host. */
function containerFile(rootFd: number, path: string): { path: string; fd: number } | null {
  const fd = tryOpenat2(rootFd, path, O_RDONLY, 0, RESOLVE_IN_ROOT);
  return fd < 0 ? null : { path: `/proc/self/fd/${fd}`, fd };
}

function resolveExecUser(pid: number, spec: string): ResolvedUser {
  const rootFd = openAt(-100, `/proc/${pid}/root`, O_PATH | O_DIRECTORY);
  const passwd = containerFile(rootFd, "etc/passwd"), group = containerFile(rootFd, "etc/group");
  try {
    return resolveUser(spec, passwd?.path ?? "/nonexistent/passwd", group?.path ?? "/nonexistent/group");
  } finally {
    for (const f of [passwd, group]) if (f) closeFd(f.fd);
    closeFd(rootFd);
  }
}

/** Opens the namespaces of pid that differ from ours; the pid one always. */
function openNamespaces(pid: number): { pidns: number; joined: number[] } {
  const opened: number[] = [];
  try {
    const pidns = openAt(-100, `/proc/${pid}/ns/pid`, O_RDONLY);
    opened.push(pidns);
    for (const kind of JOINED) {
      const theirs = `/proc/${pid}/ns/${kind}`;
      if (readlinkSync(theirs) === readlinkSync(`/proc/self/ns/${kind}`)) continue; // shared (--network host)
      opened.push(openAt(-100, theirs, O_RDONLY));
    }
    return { pidns, joined: opened.slice(1) };
  } catch (e) {
    for (const fd of opened) closeFd(fd);
    throw e;
  }
}

export async function execInContainer(globals: Globals, opts: ExecOptions): Promise<number> {
  // ---- validation: nothing started yet ----
  const userEnv = userEnvironment(opts.envFiles, opts.env);
  checkWorkdir(opts.workdir);
  if (!opts.detach) assertInputIsTerminal(opts.tty, opts.interactive);

  const store = new ContainerStore(globals.root);
  const id = store.resolve(opts.container);
  const config = store.readConfig(id);
  const state = observe(store, id);
  assertCan("exec", state?.Status ?? "exited", config.Name);
  const pid = state!.Pid;

  let ns: { pidns: number; joined: number[] };
  try {
    ns = openNamespaces(pid);
  } catch {
    throw new ConflictError(`container ${config.Name} is not running`);
  }
  const fds = [ns.pidns, ...ns.joined];
  let seccompFd: number | undefined;
  try {
    // the namespaces are the container's only if its pid still is (not a reused one)
    if (!isSameProcess(pid, state!.PidStartTime, state!.BootId)) throw new ConflictError(`container ${config.Name} is not running`);
    const user = resolveExecUser(pid, opts.user ?? config.Runtime.user);
    const plan = planExec(config, opts, user, userEnv);
    const sec = config.Runtime.security;
    if (sec?.seccompProfile) {
      try { seccompFd = openSync(sec.seccompProfile, "r"); } catch (e: any) {
        throw new HostError(`exec in container ${config.Name}: open seccomp profile ${sec.seccompProfile}: ${e?.code ?? e}`);
      }
      fds.push(seccompFd);
    }
    return await runShim(config, opts, plan, fds, seccompFd !== undefined);
  } finally {
    for (const fd of fds) closeQuietly(fd);
  }
}

async function runShim(config: ContainerConfig, opts: ExecOptions, plan: ExecPlan, fds: number[], withSeccomp: boolean): Promise<number> {
  const [ctlParent, ctlChild] = socketpair();
  // fds in the shim: 3 = control, then pidns, the joined namespaces, the seccomp program
  const slot = (i: number) => String(4 + i);
  const args = ["--control-fd", "3", "--pidns", slot(0)];
  for (let i = 1; i < fds.length - (withSeccomp ? 1 : 0); i++) args.push("--ns", slot(i));
  if (withSeccomp) args.push("--seccomp-fd", slot(fds.length - 1));
  const size = opts.tty ? userWindowSize() : null;
  if (size) args.push("--tty-size", String(size.rows), String(size.cols));
  args.push(...plan.args, "--", ...opts.command);

  const stdio: [Stdio, Stdio, Stdio] = opts.detach ? ["ignore", "ignore", "ignore"] : [opts.interactive ? "inherit" : "ignore", "inherit", "inherit"];
  const control = new LineChannel(ctlParent, "exec helper");
  const terminal = opts.tty && !opts.detach ? new TerminalSession().begin(opts.interactive) : undefined;
  // signals to this CLI go to the shim, which forwards them to the command (the shim sits in its
  // own session, so the terminal's Ctrl-C reaches the command once, through here)
  const proxy = opts.detach ? undefined : new SignalProxy();
  try {
    const proc = spawnShim("exec", args, stdio, [ctlChild, ...fds]);
    closeQuietly(ctlChild);
    proxy?.setTarget(proc.pid);
    terminal?.forwardSize((s) => control.write(`resize ${s.rows} ${s.cols}\n`));
    if (opts.detach) {
      // the shim stays behind to reap the command; we leave once it runs (or failed to)
      const line = control.readLineSync(30_000) ?? "";
      if (line.startsWith("error ")) throw execFailure(line.slice(6), opts.command[0], config.Name);
      if (!line.startsWith("pid ")) throw new HostError(`exec in container ${config.Name}: the exec helper failed (exit ${await proc.exited})`);
      proc.unref();
      return 0;
    }
    const code = await proc.exited;
    const report = control.readAllSync(5000).split("\n");
    const failure = report.find((l) => l.startsWith("error "));
    if (failure) throw execFailure(failure.slice(6), opts.command[0], config.Name);
    if (!report.some((l) => l.startsWith("pid "))) {
      throw new HostError(`exec in container ${config.Name}: the exec helper failed (exit ${code ?? proc.signalCode})`);
    }
    return code ?? 128 + (parseSignal(String(proc.signalCode ?? "KILL")) ?? 9);
  } finally {
    proxy?.stop();
    terminal?.end();
    control.close();
  }
}
