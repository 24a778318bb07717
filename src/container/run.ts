// `run` = create + start + (attach | print the id). The container's monitor is started first
// (early-start.ts), before the code that makes the record is even loaded: that code is imported
// below while the container's init boots.

import type { Globals } from "../commands/_define";
import { out } from "../output";
import { detachKeysArg } from "./detach-keys";
import { startEarly } from "./early-start";
import type { StartIO } from "./monitor";
import type { CreateOptions } from "./options";
import { assertInputIsTerminal, TerminalSession, userWindowSize } from "./terminal";

/** What a run needs after its early start, loaded while the container's init boots. */
async function runModules() {
  const [create, start, attach, proxy, cleanup, store] = await Promise.all([
    import("./create"), import("./start"), import("./attach"), import("./signal-proxy"), import("./cleanup"), import("./store"),
  ]);
  return {
    createContainer: create.createContainer, startContainer: start.startContainer, waitAttached: attach.waitAttached,
    SignalProxy: proxy.SignalProxy, deleteContainer: cleanup.deleteContainer, ContainerStore: store.ContainerStore,
  };
}

export async function attachOrDetach(globals: Globals, opts: CreateOptions): Promise<number> {
  const stdin = opts.interactive && !opts.detach;
  const keys = opts.raw["detach-keys"];
  const detachKeys = detachKeysArg(typeof keys === "string" ? keys : undefined);
  if (!opts.detach) assertInputIsTerminal(opts.tty, stdin);
  const interactiveTty = opts.tty && !opts.detach;
  const io: StartIO = { stdin, attach: !opts.detach, detachKeys: interactiveTty ? detachKeys : undefined };
  // the container's init boots while the record is made (early-start.ts)
  const early = startEarly(globals, opts, io);
  let config, m;
  try {
    m = await runModules();
    config = await m.createContainer(globals, opts, early);
  } catch (e) {
    early?.abandon();
    throw e;
  }
  const { startContainer, waitAttached, SignalProxy, deleteContainer, ContainerStore } = m;
  // raw mode before the start, so keys typed early are not echoed by the host's terminal
  const terminal = interactiveTty ? new TerminalSession().begin(stdin) : undefined;
  try {
    const proxy = opts.detach ? undefined : new SignalProxy();
    let running;
    try {
      running = await startContainer(globals, config.Id, { ...io, size: terminal ? userWindowSize() : undefined }, early?.monitor);
    } catch (e) {
      proxy?.stop();
      if (opts.autoRemove) {
        const store = new ContainerStore(globals.root);
        await store.lockedAsync(config.Id, () => deleteContainer(globals, store, store.readConfig(config.Id)));
      }
      throw e;
    }
    if (opts.detach) {
      running.control.close();
      out(config.Id + "\n");
      return 0;
    }
    terminal?.forwardSize((s) => running.control.write(`resize ${s.rows} ${s.cols}\n`));
    return await waitAttached(globals, running, proxy);
  } finally {
    terminal?.end();
  }
}
