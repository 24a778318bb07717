// What a user sees around a pull, shared by `pull` and by `run`/`create` pulling a missing image:
// Docker's lines on a terminal ("Using default tag", per-layer progress, "Digest:", "Status:"),
// all on stderr; nothing when stderr is not a terminal.

import type { Globals } from "../commands/_define";
import { err } from "../output";
import { isatty } from "../sys/process";
import { type PullResult, pullImage } from "./pull";
import type { PullStart } from "./pull-start";
import { parseReference } from "./reference";
import { silentProgress, terminalProgress } from "./registry/progress";
import { ImageStore } from "./store";

/** statusLine: print the "Status:" line even when stderr is not a terminal (run pulling an image). */
export async function pullWithOutput(globals: Globals, name: string, opts: { platform?: string; quiet?: boolean; statusLine?: boolean; start?: PullStart }): Promise<PullResult> {
  const ref = opts.start?.ref ?? parseReference(name); // bad input fails before any output
  const tty = !opts.quiet && isatty(2);
  if (tty && !ref.digest && !/:[\w][\w.-]*$/.test(name.split("/").pop() ?? "")) err("Using default tag: latest\n");
  const r = await pullImage(new ImageStore(globals.root), name, {
    platform: opts.platform, insecure: globals.insecureRegistries, progress: tty ? terminalProgress() : silentProgress, start: opts.start,
  });
  const status = `Status: ${r.downloaded ? "Downloaded newer image" : "Image is up to date"} for ${r.familiar}\n`;
  if (tty) err(`Digest: ${r.digest}\n${status}`);
  else if (opts.statusLine) err(status);
  return r;
}
