// seccomp for containers: Docker's default profile or one in Docker's format, resolved for the
// container's capabilities and compiled to a classic BPF program that `_init` (and exec)
// installs right before execve.

import { compileFilter, type CompiledFilter } from "./compile";
import { DEFAULT_PROFILE } from "./default-profile";
import { loadProfileFile, resolveProfile, type SeccompProfile } from "./profile";

export { compileFilter, type CompiledFilter } from "./compile";
export { DEFAULT_PROFILE } from "./default-profile";
export { loadProfileFile, resolveProfile, validateProfile, type SeccompProfile } from "./profile";

/**
 * `seccomp` is "" (the default profile), "unconfined", or a profile file's path. Returns null
 * when the container runs without a filter.
 */
export function buildSeccompFilter(seccomp: string, caps: ReadonlySet<string>): CompiledFilter | null {
  if (seccomp === "unconfined") return null;
  const profile: SeccompProfile = seccomp === "" || seccomp === "builtin" ? DEFAULT_PROFILE : loadProfileFile(seccomp);
  const resolved = resolveProfile(profile, { caps });
  return resolved ? compileFilter(resolved) : null;
}
