// `mydocker stop [-t SECONDS] CONTAINER...`

import { stopContainer } from "../container/stop";
import { InvalidInputError } from "../errors";
import { out } from "../output";
import { defineVerb, str } from "./_define";
import { forEachTarget } from "./_targets";

export function parseTimeout(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new InvalidInputError(`invalid argument "${v}" for "-t, --time" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

export default defineVerb({
  meta: { name: "stop", description: "Stop one or more running containers", usage: "[OPTIONS] CONTAINER [CONTAINER...]" },
  positionals: { min: 1 },
  args: {
    time: { type: "string", alias: ["t", "timeout"], description: "Seconds to wait before killing the container" },
    signal: { type: "string", alias: "s", description: "Signal to send to the container", hidden: true },
  },
  async run({ args, globals }) {
    const t = parseTimeout(str(args, "time"));
    return forEachTarget(args._, async (ref) => {
      await stopContainer(globals, ref, t);
      out(ref + "\n");
    });
  },
});
