// `mydocker info [--format TEMPLATE]`: what `docker info` tells about the engine and the host,
// under Docker's field names ({{.ServerVersion}}, {{.CgroupVersion}}, {{json .}}). Provisioning
// scripts run it to check the engine works and to read the cgroup version or storage driver.
// Reads only: a root that does not exist yet shows no containers and no images.

import { existsSync, readFileSync } from "node:fs";
import { hostname, machine, release, totalmem, availableParallelism } from "node:os";
import { hostLayout } from "../cgroups";
import { listContainers } from "../container/list";
import { ContainerStore } from "../container/store";
import { ImageStore } from "../image/store";
import { out } from "../output";
import { VERSION } from "../version";
import { defineVerb, str } from "./_define";
import { bytesSize, renderTemplate } from "./_format";

function operatingSystem(): string {
  const path = existsSync("/etc/os-release") ? "/etc/os-release" : "/usr/lib/os-release";
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync(path, "utf8"));
    if (m) return m[1];
  } catch { /* no os-release: say what the kernel is */ }
  return "Linux";
}

export default defineVerb({
  meta: { name: "info", description: "Display system-wide information" },
  args: { format: { type: "string", alias: "f", description: "Format output using a custom template ('json' or a Go template)" } },
  run({ args, globals }) {
    const states = listContainers(new ContainerStore(globals.root)).map((c) => c.state.Status);
    const running = states.filter((s) => s === "running" || s === "restarting").length;
    const paused = states.filter((s) => s === "paused").length;
    const info = {
      Containers: states.length,
      ContainersRunning: running,
      ContainersPaused: paused,
      ContainersStopped: states.length - running - paused,
      Images: new ImageStore(globals.root).list().length,
      Driver: "overlay2",
      LoggingDriver: "json-file",
      CgroupDriver: "cgroupfs",
      CgroupVersion: hostLayout().mode === "v2" ? "2" : "1",
      KernelVersion: release(),
      OperatingSystem: operatingSystem(),
      OSType: "linux",
      Architecture: machine(),
      NCPU: availableParallelism(),
      MemTotal: totalmem(),
      DockerRootDir: globals.root,
      Name: hostname(),
      ServerVersion: VERSION,
      Debug: globals.debug,
    };
    const format = str(args, "format");
    if (format) {
      out(renderTemplate(format === "json" ? "{{json .}}" : format, info) + "\n");
      return;
    }
    out([
      "Client:", ` Version:    ${VERSION}`, ` Debug Mode: ${info.Debug}`, "",
      "Server:",
      ` Containers: ${info.Containers}`, `  Running: ${running}`, `  Paused: ${paused}`, `  Stopped: ${info.ContainersStopped}`,
      ` Images: ${info.Images}`,
      ` Server Version: ${VERSION}`,
      ` Storage Driver: ${info.Driver}`,
      ` Logging Driver: ${info.LoggingDriver}`,
      ` Cgroup Driver: ${info.CgroupDriver}`,
      ` Cgroup Version: ${info.CgroupVersion}`,
      ` Kernel Version: ${info.KernelVersion}`,
      ` Operating System: ${info.OperatingSystem}`,
      ` OSType: ${info.OSType}`,
      ` Architecture: ${info.Architecture}`,
      ` CPUs: ${info.NCPU}`,
      ` Total Memory: ${bytesSize(info.MemTotal)}`,
      ` Name: ${info.Name}`,
      ` Docker Root Dir: ${info.DockerRootDir}`,
      ` Debug Mode: ${info.Debug}`,
    ].join("\n") + "\n");
  },
});
