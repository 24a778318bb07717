// A foreground container: forward the CLI's signals to it (Docker's --sig-proxy), wait for the
// monitor's exit report, then clean up in-process and tell the monitor it need not.

import type { Globals } from "../commands/_define";
import { kill } from "../sys/process";
import { cleanupExited } from "./cleanup";
import { parseExitLine, type RunningContainer } from "./start";
import { observe } from "./status";
import { ContainerStore } from "./store";

const PROXIED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;
const NUM: Record<(typeof PROXIED)[number], number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1, SIGQUIT: 3, SIGUSR1: 10, SIGUSR2: 12 };

/** Returns the container's exit status. */
export async function waitAttached(globals: Globals, running: RunningContainer, sigProxy = true): Promise<number> {
  const handlers: [string, () => void][] = [];
  if (sigProxy) {
    for (const s of PROXIED) {
      const h = () => { kill(running.pid, NUM[s]); };
      process.on(s, h);
      handlers.push([s, h]);
    }
  }
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
    for (const [s, h] of handlers) process.off(s, h);
  }
  if (restarting || detached) {
    running.control.close();
    return code ?? 0;
  }
  const result = await cleanupExited(globals, running.config.Id);
  running.control.write("done\n");
  running.control.close();
  if (code === undefined) {
    code = result.state?.ExitCode ?? observe(new ContainerStore(globals.root), running.config.Id)?.ExitCode ?? 255;
  }
  return code;
}
