// `mydocker commit [-a AUTHOR] [-m MESSAGE] [-c CHANGE]... CONTAINER [REPOSITORY[:TAG]]`

import { commitContainer } from "../container/commit";
import { bool, defineVerb, list, str } from "./_define";
import { out } from "../output";

export default defineVerb({
  meta: { name: "commit", description: "Create a new image from a container's changes", usage: "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]" },
  positionals: { min: 1, max: 2 },
  args: {
    author: { type: "string", alias: "a", description: `Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")` },
    change: { type: "string", alias: "c", multiple: true, description: "Apply Dockerfile instruction to the created image" },
    message: { type: "string", alias: "m", description: "Commit message" },
    pause: { type: "boolean", alias: "p", default: true, description: "Pause container during commit" },
  },
  async run({ args, globals }) {
    const opts = { author: str(args, "author"), message: str(args, "message"), changes: list(args, "change"), name: args._[1] };
    out((await commitContainer(globals, args._[0], opts, bool(args, "pause"))) + "\n");
  },
});
