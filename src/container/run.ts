// `run` = create + start + (attach | print the id).

import type { Globals } from "../commands/_define";
import { out } from "../output";
import { waitAttached } from "./attach";
import { deleteContainer } from "./cleanup";
import { createContainer } from "./create";
import type { CreateOptions } from "./options";
import { SignalProxy } from "./signal-proxy";
import { startContainer } from "./start";
import { ContainerStore } from "./store";

export async function attachOrDetach(globals: Globals, opts: CreateOptions): Promise<number> {
  const config = await createContainer(globals, opts);
  const proxy = opts.detach ? undefined : new SignalProxy();
  let running;
  try {
    running = await startContainer(globals, config.Id, { stdin: opts.interactive && !opts.detach, attach: !opts.detach });
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
  return waitAttached(globals, running, proxy);
}

