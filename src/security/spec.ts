// What a container's processes are confined by, as `create` decided it. Stored in
// config.json as Runtime.security and carried out by `_init` (first process) and by the exec
// helper (cshim/exec.c, told through its --cap-*/--no-new-privs/--seccomp-fd flags).

export interface CapabilityMasks {
  /** 64-bit masks as 16 hex digits, bit N = capability N (as /proc/PID/status prints them). */
  bounding: string;
  effective: string;
  permitted: string;
  inheritable: string;
  ambient: string;
}

/** A device node created in the container (`--device`); major/minor as on the host. */
export interface DeviceNode {
  path: string;
  type: "c" | "b";
  major: number;
  minor: number;
  /** Permission bits (the host node's). */
  mode: number;
  uid: number;
  gid: number;
}

/** One line of the device cgroup's list; null major/minor = any ("*"). */
export interface DeviceRule {
  allow: boolean;
  type: "a" | "c" | "b";
  major: number | null;
  minor: number | null;
  /** Subset of "rwm". */
  access: string;
}

export interface RlimitSpec {
  /** Docker's name ("nofile"). */
  name: string;
  resource: number;
  /** -1 = unlimited. */
  soft: number;
  hard: number;
}

export interface SecuritySpec {
  capabilities?: CapabilityMasks;
  noNewPrivileges?: boolean;
  /** Path of a file in the container's directory holding the raw BPF `struct sock_filter[]`. */
  seccompProfile?: string;
  /** SECCOMP_FILTER_FLAG_* for seccomp(2) (LOG, SPEC_ALLOW), from the profile's "flags". */
  seccompFlags?: number;
  /** Hidden behind /dev/null (files) or an empty read-only tmpfs (directories). */
  maskedPaths: string[];
  /** Bind-mounted read-only onto themselves. */
  readonlyPaths: string[];
  /** Extra device nodes (`--device`). */
  devices: DeviceNode[];
  /** --privileged: every device node of the host appears in /dev. */
  hostDevices: boolean;
  /** The device cgroup's allow-list (after an implicit "deny all"). */
  deviceRules: DeviceRule[];
  rlimits: RlimitSpec[];
  /** Namespaced sysctls, written under /proc/sys before it is made read-only. */
  sysctls: Record<string, string>;
}
