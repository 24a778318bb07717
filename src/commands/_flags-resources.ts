// Resource-limit flags of `run`/`create` and `update`, with Docker's names, short forms and
// help texts. The cgroups module (src/container/cgroup-module.ts) gives them meaning.

import type { Flags } from "./_define";

/** The limits `update` can change on a running container. */
export const updatableResourceFlags: Flags = {
  memory: { type: "string", alias: "m", valueHint: "bytes", description: "Memory limit" },
  "memory-swap": { type: "string", valueHint: "bytes", description: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap" },
  "memory-reservation": { type: "string", valueHint: "bytes", description: "Memory soft limit" },
  // --cpushare and --cpuset are the seed's spellings, kept as hidden long aliases
  "cpu-shares": { type: "string", alias: ["c", "cpushare"], valueHint: "int", description: "CPU shares (relative weight)" },
  cpus: { type: "string", valueHint: "decimal", description: "Number of CPUs" },
  "cpu-period": { type: "string", valueHint: "int", description: "Limit CPU CFS (Completely Fair Scheduler) period" },
  "cpu-quota": { type: "string", valueHint: "int", description: "Limit CPU CFS (Completely Fair Scheduler) quota" },
  "cpuset-cpus": { type: "string", alias: ["cpuset"], description: "CPUs in which to allow execution (0-3, 0,1)" },
  "cpuset-mems": { type: "string", description: "MEMs in which to allow execution (0-3, 0,1)" },
  "pids-limit": { type: "string", valueHint: "int", description: "Tune container pids limit (set -1 for unlimited)" },
  "blkio-weight": { type: "string", valueHint: "uint16", description: "Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)" },
};

export const resourceFlags: Flags = {
  ...updatableResourceFlags,
  "cgroup-parent": { type: "string", description: "Optional parent cgroup for the container" },
};
