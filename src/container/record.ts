// A container's record on disk, ROOT/containers/<id>/:
//   config.json   what `create` decided (Docker's Config and HostConfig, plus the runtime spec
//                 that `_init` carries out); rewritten only by rename, under the container lock
//   state.json    the state machine's current state, pid + start time + boot id
//   exit.json     written by the monitor when the container's process ends (merged by cleanup)
//   json.log      the container's output (Docker's json-file format)
//   upper/ work/ rootfs/   overlay dirs; rootfs/ is mounted only inside the container's mount ns
//   hostname hosts resolv.conf   bind-mounted into the container
//   manual-stop      a CLI stopped it: the monitor must not restart it
//   cleanup-claimed  a CLI releases its resources itself: the monitor must not

import type { SecuritySpec } from "../security/spec";

import type { ResourceConfig } from "../cgroups/resources";

export interface MountSpec {
  type: "bind" | "tmpfs" | "volume";
  source: string;
  destination: string;
  readonly: boolean;
  options?: string[];
  /** Volumes: fill an empty volume from the image's content at destination before mounting (Docker's copy-up). */
  copyUp?: boolean;
}

/** What `_init` needs to build the container from inside its namespaces. */
export interface RuntimeSpec {
  rootfs: { lower: string[]; upper: string; work: string; mountpoint: string; readonly: boolean };
  hostname: string;
  domainname: string;
  args: string[];
  env: string[];
  cwd: string;
  user: string;          // "uid[:gid]" or "name[:group]", resolved inside the container
  tty: boolean;
  mounts: MountSpec[];
  etcFiles: { hostname: string; hosts: string; resolvConf: string };
  /** cgroup.procs files the process joins right before execve (filled by the cgroups module). */
  cgroupProcs: string[];
  /** CLONE_NEW* flags for the monitor's clone. */
  cloneFlags: number;
  /** setns targets for shared namespaces (--network container:X / host). */
  joinNamespaces: string[];
  loopback: boolean;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  init: boolean;
  /** Privileges and confinement of the container's processes (capabilities, seccomp, masked
   *  paths, devices, rlimits, sysctls): filled by the security module, applied by `_init` and,
   *  for capabilities/no_new_privs/seccomp, by `exec` as well (contract in cshim/exec.c).
   *  Absent (records older than the security module): the runtime's defaults. */
  security?: SecuritySpec;
}

export interface DockerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
}

/** Docker's HostConfig; the resource fields (Memory, NanoCpus, …) are the cgroups module's. */
export interface HostConfig extends ResourceConfig {
  NetworkMode: string;
  AutoRemove: boolean;
  RestartPolicy: { Name: string; MaximumRetryCount: number };
  LogConfig: { Type: string; Config: Record<string, string> };
  Privileged: boolean;
  ReadonlyRootfs: boolean;
  Init: boolean | null;
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  SecurityOpt: string[] | null;
  Binds: string[] | null;
  Tmpfs?: Record<string, string>;
  Dns: string[];
  ExtraHosts: string[] | null;
  PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
  CgroupParent: string;
  [extra: string]: unknown;
}

export interface ContainerConfig {
  Id: string;
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  Image: string;        // image id
  Config: DockerConfig;
  HostConfig: HostConfig;
  Runtime: RuntimeSpec;
  /** Extension point for modules that attach data to the record (network endpoints, cgroup paths). */
  Extensions: Record<string, unknown>;
}

export type Status = "created" | "running" | "restarting" | "exited" | "dead" | "removing" | "paused";

export interface ContainerState {
  Status: Status;
  Pid: number;
  PidStartTime: number;
  BootId: string;
  MonitorPid: number;
  MonitorStartTime: number;
  ExitCode: number;
  Error: string;
  OOMKilled: boolean;
  StartedAt: string;
  FinishedAt: string;
  RestartCount: number;
}

export interface ExitRecord {
  exitCode: number;
  signal: number;
  oomKilled: boolean;
  finishedAt: string;
  error: string;
  /** The monitor will start the container again (restart policy). */
  restarting?: boolean;
}

export const ZERO_TIME = "0001-01-01T00:00:00Z";

export function initialState(): ContainerState {
  return {
    Status: "created", Pid: 0, PidStartTime: 0, BootId: "", MonitorPid: 0, MonitorStartTime: 0, ExitCode: 0, Error: "",
    OOMKilled: false, StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME, RestartCount: 0,
  };
}

/** RFC 3339 with nanoseconds, as Docker prints times. */
export function nowRfc3339Nano(): string {
  const ns = process.hrtime.bigint() % 1000000n;
  const iso = new Date().toISOString(); // ms precision
  return iso.replace("Z", ns.toString().padStart(6, "0") + "Z");
}
