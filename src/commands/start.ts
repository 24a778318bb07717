// `mydocker start [-a] [-i] CONTAINER...`: the same config and filesystem as before.

import { waitAttached } from "../container/attach";
import { detachKeysArg } from "../container/detach-keys";
import { SignalProxy } from "../container/signal-proxy";
import { startContainer } from "../container/start";
import { observe } from "../container/status";
import { ContainerStore } from "../container/store";
import { assertInputIsTerminal, TerminalSession, userWindowSize } from "../container/terminal";
import { InvalidInputError } from "../errors";
import { out } from "../output";
import { bool, defineVerb, str } from "./_define";
import { forEachTarget } from "./_targets";

export default defineVerb({
  meta: { name: "start", description: "Start one or more stopped containers", usage: "[OPTIONS] CONTAINER [CONTAINER...]" },
  positionals: { min: 1 },
  args: {
    attach: { type: "boolean", alias: "a", description: "Attach STDOUT/STDERR and forward signals" },
    interactive: { type: "boolean", alias: "i", description: "Attach container's STDIN" },
    "detach-keys": { type: "string", description: "Override the key sequence for detaching a container" },
  },
  async run({ args, globals }) {
    const attach = bool(args, "attach") || bool(args, "interactive");
    if (attach && args._.length > 1) throw new InvalidInputError("you cannot start and attach multiple containers at once");
    const store = new ContainerStore(globals.root);
    if (attach) {
      const id = store.resolve(args._[0]);
      const stdin = bool(args, "interactive");
      const detachKeys = detachKeysArg(str(args, "detach-keys"));
      // a -t container: the user's terminal in raw mode, its size forwarded (as run -it)
      const tty = store.readConfig(id).Config.Tty;
      assertInputIsTerminal(tty, stdin);
      const terminal = tty ? new TerminalSession().begin(stdin) : undefined;
      try {
        const proxy = new SignalProxy();
        const running = await startContainer(globals, id, {
          stdin, attach: true, size: terminal ? userWindowSize() : undefined, detachKeys: terminal ? detachKeys : undefined,
        }).catch((e) => {
          proxy.stop();
          throw e;
        });
        terminal?.forwardSize((sz) => running.control.write(`resize ${sz.rows} ${sz.cols}\n`));
        return await waitAttached(globals, running, proxy);
      } finally {
        terminal?.end();
      }
    }
    return forEachTarget(args._, async (ref) => {
      const id = store.resolve(ref);
      const s = observe(store, id);
      if (s?.Status !== "running" && s?.Status !== "restarting") {
        const running = await startContainer(globals, id, { stdin: false, attach: false });
        running.control.close();
      }
      out(ref + "\n");
    });
  },
});
