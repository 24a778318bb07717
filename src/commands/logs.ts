// `mydocker logs [-f] [--tail N] [-t] [--since T] [--until T] CONTAINER`

import { parseLogTime, showLogs } from "../container/logs";
import { ContainerStore } from "../container/store";
import { InvalidInputError } from "../errors";
import { bool, defineVerb, str } from "./_define";

export default defineVerb({
  meta: { name: "logs", description: "Fetch the logs of a container", usage: "[OPTIONS] CONTAINER" },
  positionals: { min: 1, max: 1 },
  args: {
    follow: { type: "boolean", alias: "f", description: "Follow log output" },
    tail: { type: "string", alias: "n", description: 'Number of lines to show from the end of the logs (default "all")' },
    timestamps: { type: "boolean", alias: "t", description: "Show timestamps" },
    since: { type: "string", description: "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)" },
    until: { type: "string", description: "Show logs before a timestamp or relative" },
    details: { type: "boolean", description: "Show extra details provided to logs", hidden: true },
  },
  async run({ args, globals }) {
    const tail = str(args, "tail");
    if (tail !== undefined && tail !== "all" && !/^\d+$/.test(tail)) throw new InvalidInputError(`invalid value for --tail: ${tail}`);
    const store = new ContainerStore(globals.root);
    const id = store.resolve(args._[0]);
    const since = str(args, "since"), until = str(args, "until");
    await showLogs(store, id, {
      follow: bool(args, "follow"),
      tail: tail === undefined || tail === "all" ? undefined : Number(tail),
      timestamps: bool(args, "timestamps"),
      since: since ? parseLogTime(since) : undefined,
      until: until ? parseLogTime(until) : undefined,
    });
  },
});
