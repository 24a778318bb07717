// A foreground container: forward the CLI's signals to it (Docker's --sig-proxy), wait for the
// monitor's exit report, then clean up in-process and tell the monitor it need not.

import type { Globals } from "../commands/_define";
import { cleanupExited } from "./cleanup";
import type { SignalProxy } from "./signal-proxy";
import { parseExitLine } from "./monitor";
import type { RunningContainer } from "./start";
import { observe } from "./status";
import { ContainerStore } from "./store";

/**
 * Returns the container's exit status. `proxy` was installed before the start (so no early
 * signal is lost); without one, signals are not forwarded.
 */
export async function waitAttached(globals: Globals, running: RunningContainer, proxy?: SignalProxy): Promise<number> {
  proxy?.setTarget(running.pid);
  let code: number | undefined;
  let restarting = false, detached = false;
  try {
    for (;;) {
      const line = await running.control.readLine();
      if (line === null) break; // monitor gone without a report (killed)
      if (line === "detached") { detached = true; break; } // -it and the detach keys: it runs on
      const report = parseExitLine(line);
      if (report) { code = report.exitCode; restarting = report.restarting; break; }
    }
  } finally {
    proxy?.stop();
  }
  if (restarting || detached) {
    running.control.close();
    return code ?? 0;
  }
  const result = await cleanupExited(globals, running.config.Id, { leaveTrash: true });
  running.control.write(result.trash ? "done trash\n" : "done\n");
  running.control.close();
  if (code === undefined) {
    code = result.state?.ExitCode ?? observe(new ContainerStore(globals.root), running.config.Id)?.ExitCode ?? 255;
  }
  return code;
}
