// Hidden: `mydocker _prestart ID PID`, run by the monitor when a restart policy starts the
// container again: place the new process (network) and record it as running.

import { prestartRestarted } from "../container/restart-policy";
import { defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "_prestart", description: "internal: place a restarted container", hidden: true },
  run: ({ args, globals }) => prestartRestarted(globals, args._[0], Number(args._[1])),
});
