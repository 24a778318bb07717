// Hidden: `mydocker _cleanup ID`, run by the monitor after the container exited when no CLI is
// attached: settle the state, release resources, apply --rm.

import { cleanupExited } from "../container/cleanup";
import { defineVerb } from "./_define";
import { err } from "../output";

export default defineVerb({
  meta: { name: "_cleanup", description: "internal: release an exited container", hidden: true },
  async run({ args, globals }) {
    const result = await cleanupExited(globals, args._[0]);
    for (const e of result.errors) err(`mydocker: cleanup ${args._[0]}: ${e.message}\n`);
    return result.errors.length ? 1 : 0;
  },
});
