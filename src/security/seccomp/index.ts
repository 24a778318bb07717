// seccomp for containers: Docker's default profile or one in Docker's format, resolved for the
// container's capabilities and compiled to a classic BPF program that `_init` (and exec)
// installs right before execve. Compiled programs are cached (cache.ts); the compiler and the
// profile tables are loaded only on a cache miss.

import { cacheBytes, cachePath, readCached } from "./cache";
import type { CompiledFilter } from "./compile";
import type * as Profile from "./profile";

export type { CompiledFilter } from "./compile";
export type { SeccompProfile } from "./profile";

/**
 * `seccomp` is "" (the default profile), "unconfined", or a profile file's path. Returns null
 * when the container runs without a filter.
 */
export function buildSeccompFilter(seccomp: string, caps: ReadonlySet<string>): CompiledFilter | null {
  if (seccomp === "unconfined") return null;
  const profile = require("./profile") as typeof Profile;
  const { compileFilter } = require("./compile") as typeof import("./compile");
  const prof = seccomp === "" ? (require("./default-profile") as typeof import("./default-profile")).DEFAULT_PROFILE : profile.loadProfileFile(seccomp);
  const resolved = profile.resolveProfile(prof, { caps });
  return resolved ? compileFilter(resolved) : null;
}

export interface ContainerFilter {
  program: Uint8Array;
  flags: number;
  /** A cache miss: what to store once side effects are allowed. */
  cacheWrite?: { path: string; bytes: Uint8Array };
}

/** buildSeccompFilter through the cache (cacheDir null: no cache). */
export function containerFilter(seccomp: string, caps: ReadonlySet<string>, bounding: string, cacheDir: string | null): ContainerFilter | null {
  if (seccomp === "unconfined") return null;
  const profile = () => require("./profile") as typeof Profile;
  const bytes = seccomp === "" ? null : profile().readProfileFile(seccomp);
  const path = cacheDir ? cachePath(cacheDir, bytes, bounding) : null;
  const hit = path ? readCached(path) : null;
  if (hit) return hit;
  const prof = bytes ? profile().parseProfile(bytes, seccomp) : (require("./default-profile") as typeof import("./default-profile")).DEFAULT_PROFILE;
  const resolved = profile().resolveProfile(prof, { caps });
  if (!resolved) return null;
  const f = (require("./compile") as typeof import("./compile")).compileFilter(resolved);
  return { program: f.program, flags: f.flags, ...(path ? { cacheWrite: { path, bytes: cacheBytes(f) } } : {}) };
}
