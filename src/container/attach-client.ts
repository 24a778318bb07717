// `mydocker attach`: join a running container's streams through its monitor's attach.sock. The
// CLI hands the monitor its own stdin/stdout/stderr (SCM_RIGHTS) and the monitor writes the
// container's output to them directly (protocol diagram in cshim/attach.c); this process only
// keeps the terminal raw, forwards window sizes and signals, and waits for "exit" or "detached".

import type { Globals } from "../commands/_define";
import { HostError, SyscallError } from "../errors";
import { connectUnix, sendFds } from "../sys/socket";
import { LineChannel } from "./channel";
import { detachKeysArg } from "./detach-keys";
import { SignalProxy } from "./signal-proxy";
import { parseExitLine } from "./monitor";
import { assertCan } from "./state-machine";
import { observe } from "./status";
import { ContainerStore } from "./store";
import { assertInputIsTerminal, TerminalSession } from "./terminal";

export interface AttachOptions {
  container: string;
  noStdin: boolean;
  sigProxy: boolean;
  detachKeys?: string;
}

/** Returns the container's exit code when it ends, 0 when the user detaches. */
export async function attachContainer(globals: Globals, opts: AttachOptions): Promise<number> {
  const keys = detachKeysArg(opts.detachKeys);
  const store = new ContainerStore(globals.root);
  const id = store.resolve(opts.container);
  const config = store.readConfig(id);
  const state = observe(store, id);
  assertCan("attach", state?.Status ?? "exited", config.Name);
  const tty = config.Config.Tty;
  const stdin = config.Config.OpenStdin && !opts.noStdin;
  assertInputIsTerminal(tty, stdin);

  let sock: number;
  try {
    sock = connectUnix(store.containerDir(id), "attach.sock");
  } catch (e) {
    if (e instanceof SyscallError) throw new HostError(`attach to container ${config.Name}: its monitor does not answer (${e.errnoName})`);
    throw e;
  }
  const channel = new LineChannel(sock, "container monitor");
  const terminal = tty ? new TerminalSession().begin(stdin) : undefined;
  // Docker's --sig-proxy for attach (non-tty only: on a tty the keys are the signals)
  const proxy = opts.sigProxy && !tty ? new SignalProxy() : undefined;
  try {
    sendFds(sock, [0, 1, 2], Buffer.from(`attach ${stdin ? 1 : 0} ${keys}\n`));
    terminal?.forwardSize((s) => channel.write(`resize ${s.rows} ${s.cols}\n`));
    proxy?.setTarget(state!.Pid);
    for (;;) {
      const line = await channel.readLine();
      if (line === "detached") return 0;
      const exit = parseExitLine(line);
      if (exit) return exit.exitCode;
      if (line?.startsWith("error ")) throw new HostError(`attach to container ${config.Name}: ${line.slice(6)}`);
      if (line === null) return observe(store, id)?.ExitCode ?? 0; // monitor gone: the record says how it ended
    }
  } finally {
    proxy?.stop();
    terminal?.end();
    channel.close();
  }
}
