// `mydocker pull [--platform os/arch] [-q] NAME[:TAG|@DIGEST]`: per-layer progress on a terminal
// (stderr); the pulled reference (docker.io/library/busybox:latest) on stdout, and nothing else
// when stderr is not a terminal or with -q.

import { out } from "../output";
import { bool, defineVerb, str } from "./_define";

export default defineVerb({
  meta: { name: "pull", description: "Download an image from a registry", usage: "[OPTIONS] NAME[:TAG|@DIGEST]" },
  positionals: { min: 1, max: 1 },
  args: {
    platform: { type: "string", description: "Set platform if server is multi-platform capable (os/arch[/variant])" },
    quiet: { type: "boolean", alias: "q", description: "Suppress verbose output" },
    "disable-content-trust": { type: "boolean", description: "Skip image verification (default true)", hidden: true },
  },
  async run({ args, globals }) {
    // the manifest request goes out first; the registry answers it while the rest of pull loads
    const { startPull } = await import("../image/pull-start");
    const start = startPull(args._[0], globals.insecureRegistries);
    const { pullWithOutput } = await import("../image/pull-output");
    const r = await pullWithOutput(globals, args._[0], { platform: str(args, "platform"), quiet: bool(args, "quiet"), start });
    out(`${r.canonical}\n`);
  },
});
