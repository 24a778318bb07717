// `--sysctl KEY=VALUE`: only keys that live in the container's own namespaces can be set, so a
// container never changes the host (runc's and Docker's rule): net.* in its own network
// namespace, IPC keys (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*) in its IPC namespace.

import { openSync, writeSync, closeSync, constants } from "node:fs";
import { InvalidInputError, SyscallError } from "../errors";

const IPC_KEYS = new Set([
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
  "kernel.shmmni", "kernel.shm_rmid_forced",
]);

/** Validates --sysctl values; `ownNetns` is false for --network host or container:X. */
export function parseSysctls(values: string[], ownNetns: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of values) {
    const eq = raw.indexOf("=");
    if (eq <= 0) throw new InvalidInputError(`invalid argument "${raw}" for "--sysctl" flag: sysctl must be in the format KEY=VALUE`);
    const key = raw.slice(0, eq).trim().replace(/\//g, ".");
    const value = raw.slice(eq + 1);
    if (/[\n\0]/.test(value)) throw new InvalidInputError(`invalid sysctl value for ${key}`);
    if (!/^[a-z0-9_.-]+$/i.test(key) || key.split(".").some((p) => p === "" || p === "..")) throw new InvalidInputError(`invalid sysctl key: ${key}`);
    if (key.startsWith("net.")) {
      if (!ownNetns) throw new InvalidInputError(`sysctl "${key}" is not allowed: the container shares a network namespace (--network host or container:)`);
    } else if (!(IPC_KEYS.has(key) || key.startsWith("fs.mqueue."))) {
      if (key === "kernel.hostname" || key === "kernel.domainname")
        throw new InvalidInputError(`sysctl "${key}" is not allowed: use --hostname or --domainname`);
      throw new InvalidInputError(`sysctl "${key}" is not allowed: only namespaced sysctls can be set (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)`);
    }
    out[key] = value;
  }
  return out;
}

/** In `_init`, inside the container's namespaces with its /proc mounted: writes each key. */
export function applySysctls(sysctls: Record<string, string>, procSys = "/proc/sys"): void {
  for (const [key, value] of Object.entries(sysctls)) {
    const path = `${procSys}/${key.replace(/\./g, "/")}`;
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW);
    } catch (e: any) {
      throw new SyscallError(`sysctl ${key}: open`, e?.errno ? -e.errno : 0, e?.code ?? "error", e?.code === "ENOENT" ? "not a sysctl of this kernel or namespace" : e?.message ?? "", path);
    }
    try { writeSync(fd, value); } catch (e: any) {
      throw new SyscallError(`sysctl ${key}=${value}: write`, e?.errno ? -e.errno : 0, e?.code ?? "error", e?.message ?? "", path);
    } finally { closeSync(fd); }
  }
}
