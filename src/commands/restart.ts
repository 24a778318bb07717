// `mydocker restart [-t SECONDS] CONTAINER...`: stop (if running), then start.

import { startContainer } from "../container/start";
import { stopContainer } from "../container/stop";
import { ContainerStore } from "../container/store";
import { out } from "../output";
import { defineVerb, str } from "./_define";
import { forEachTarget } from "./_targets";
import { parseTimeout } from "./stop";

export default defineVerb({
  meta: { name: "restart", description: "Restart one or more containers", usage: "[OPTIONS] CONTAINER [CONTAINER...]" },
  positionals: { min: 1 },
  args: { time: { type: "string", alias: ["t", "timeout"], description: "Seconds to wait before killing the container" } },
  async run({ args, globals }) {
    const t = parseTimeout(str(args, "time"));
    const store = new ContainerStore(globals.root);
    return forEachTarget(args._, async (ref) => {
      const id = store.resolve(ref);
      await stopContainer(globals, id, t);
      const running = await startContainer(globals, id, { stdin: false, attach: false });
      running.control.close();
      out(ref + "\n");
    });
  },
});
