// `mydocker push NAME[:TAG]`: per-layer progress on a terminal (stderr); the last line,
// "TAG: digest: sha256:… size: N", on stdout.

import { out, err } from "../output";
import { isatty } from "../sys/process";
import { bool, defineVerb } from "./_define";

export default defineVerb({
  meta: { name: "push", description: "Upload an image to a registry", usage: "[OPTIONS] NAME[:TAG]" },
  positionals: { min: 1, max: 1 },
  args: {
    quiet: { type: "boolean", alias: "q", description: "Suppress verbose output" },
    "disable-content-trust": { type: "boolean", description: "Skip image signing (default true)", hidden: true },
  },
  async run({ args, globals }) {
    const [{ pushImage }, { parseReference, familiarName }, { ImageStore }, { silentProgress, terminalProgress }] = await Promise.all([
      import("../image/push"), import("../image/reference"), import("../image/store"), import("../image/registry/progress"),
    ]);
    const ref = parseReference(args._[0]);
    const tty = !bool(args, "quiet") && isatty(2);
    if (tty) {
      if (!ref.digest && !/:[\w][\w.-]*$/.test(args._[0].split("/").pop() ?? "")) err("Using default tag: latest\n");
      err(`The push refers to repository [${ref.domain === "docker.io" ? "docker.io/" + ref.path : familiarName(ref)}]\n`);
    }
    const r = await pushImage(new ImageStore(globals.root), args._[0], {
      insecure: globals.insecureRegistries, progress: tty ? terminalProgress() : silentProgress,
    });
    out(`${r.tag}: digest: ${r.digest} size: ${r.size}\n`);
  },
});
