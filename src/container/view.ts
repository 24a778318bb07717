// Docker-shaped views of a container record: the `inspect` object and the `ps` row.

import type { ContainerConfig, ContainerState } from "./record";

export interface ContainerView {
  config: ContainerConfig;
  state: ContainerState;
}

/** Docker's "Up 3 seconds" / "Exited (0) 2 minutes ago" / "Created". */
export function statusText(state: ContainerState, now = Date.now(), humanDuration: (ms: number) => string): string {
  switch (state.Status) {
    case "running": return `Up ${humanDuration(now - Date.parse(state.StartedAt))}`;
    case "paused": return `Up ${humanDuration(now - Date.parse(state.StartedAt))} (Paused)`;
    case "restarting": return `Restarting (${state.ExitCode}) ${humanDuration(now - Date.parse(state.FinishedAt))} ago`;
    case "exited":
      return state.FinishedAt.startsWith("0001") ? "Created" : `Exited (${state.ExitCode}) ${humanDuration(now - Date.parse(state.FinishedAt))} ago`;
    case "removing": return "Removal In Progress";
    case "dead": return "Dead";
    default: return "Created";
  }
}

export function commandText(config: ContainerConfig): string {
  return [config.Path, ...config.Args].join(" ");
}

export function inspectContainer(v: ContainerView, root: string): Record<string, unknown> {
  const { config: c, state: s } = v;
  const dir = `${root}/containers/${c.Id}`;
  const net = (c.Extensions.networkSettings as Record<string, unknown> | undefined) ?? {};
  return {
    Id: c.Id,
    Created: c.Created,
    Path: c.Path,
    Args: c.Args,
    State: {
      Status: s.Status,
      Running: s.Status === "running" || s.Status === "paused",
      Paused: s.Status === "paused",
      Restarting: s.Status === "restarting",
      OOMKilled: s.OOMKilled,
      Dead: s.Status === "dead",
      Pid: s.Status === "running" || s.Status === "paused" ? s.Pid : 0,
      ExitCode: s.ExitCode,
      Error: s.Error,
      StartedAt: s.StartedAt,
      FinishedAt: s.FinishedAt,
    },
    Image: c.Image,
    ResolvConfPath: c.Runtime.etcFiles.resolvConf,
    HostnamePath: c.Runtime.etcFiles.hostname,
    HostsPath: c.Runtime.etcFiles.hosts,
    LogPath: `${dir}/json.log`,
    Name: `/${c.Name}`,
    RestartCount: s.RestartCount,
    Driver: "overlay2",
    Platform: "linux",
    MountLabel: "",
    ProcessLabel: "",
    AppArmorProfile: "",
    ExecIDs: null,
    HostConfig: c.HostConfig,
    GraphDriver: {
      Data: {
        LowerDir: c.Runtime.rootfs.lower.join(":"),
        MergedDir: c.Runtime.rootfs.mountpoint,
        UpperDir: c.Runtime.rootfs.upper,
        WorkDir: c.Runtime.rootfs.work,
      },
      Name: "overlay2",
    },
    Mounts: (c.Extensions.mounts as unknown[] | undefined) ?? [],
    Config: c.Config,
    NetworkSettings: {
      Bridge: "",
      SandboxID: "",
      HairpinMode: false,
      Ports: {},
      SandboxKey: s.Pid ? `/proc/${s.Pid}/ns/net` : "",
      IPAddress: "",
      Gateway: "",
      MacAddress: "",
      Networks: {},
      ...net,
    },
  };
}
