// What a container's options decide before anything is made, shared by create.ts (the record)
// and early-start.ts (the monitor, started before the record): the namespaces its first process
// is cloned into and its restart policy. Kept free of the container modules: `run` loads this
// before the code that makes the record.

import { InvalidInputError } from "../errors";
import { CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUTS } from "../sys/process";

/** The namespaces a container's first process is cloned into (--network host and container:NAME keep the network one). */
export function cloneFlagsFor(network: string): number {
  let flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID;
  if (network !== "host" && !network.startsWith("container:")) flags |= CLONE_NEWNET;
  return flags;
}

export function parseRestartPolicy(value: string | undefined): { Name: string; MaximumRetryCount: number } {
  if (!value || value === "no") return { Name: "no", MaximumRetryCount: 0 };
  const [name, max] = value.split(":", 2);
  if (!["always", "unless-stopped", "on-failure"].includes(name))
    throw new InvalidInputError(`invalid restart policy format: ${value}`);
  if (max !== undefined) {
    if (name !== "on-failure") throw new InvalidInputError(`invalid restart policy format: maximum retry count can only be used with 'on-failure'`);
    if (!/^\d+$/.test(max)) throw new InvalidInputError(`invalid restart policy format: maximum retry count must be an integer`);
  }
  return { Name: name, MaximumRetryCount: max ? Number(max) : 0 };
}
