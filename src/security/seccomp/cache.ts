// Compiled seccomp programs, cached under ROOT/cache/seccomp by everything the program depends
// on: the mydocker build, the profile (built-in, or a hash of the file's bytes), the container's
// bounding set and the kernel version (profiles name minimum kernels). Compiling the default
// profile cold costs several milliseconds of a `run` that otherwise takes a few; reading the
// cached program costs a file read. Only a compiled mydocker caches (`bun src/main.ts` would
// not notice edits to the compiler).

import { readFileSync, statSync } from "node:fs";
import { kernelRelease } from "../../sys/proc";

export interface CachedProgram { program: Uint8Array; flags: number }

let buildIdMemo: string | null | undefined;
function buildId(): string | null {
  if (buildIdMemo !== undefined) return buildIdMemo;
  if (!Bun.main.startsWith("/$bunfs/")) return (buildIdMemo = null);
  try {
    const st = statSync(process.execPath);
    buildIdMemo = `${st.size.toString(36)}${Math.floor(st.mtimeMs).toString(36)}`;
  } catch { buildIdMemo = null; }
  return buildIdMemo;
}

/** The cache file for this filter, or null when caching is off. `profileBytes` null = built-in. */
export function cachePath(cacheDir: string, profileBytes: Uint8Array | null, bounding: string): string | null {
  const id = buildId();
  if (!id) return null;
  const profile = profileBytes ? Bun.hash(profileBytes).toString(36) : "default";
  const kernel = kernelRelease().split(/[^0-9]+/).slice(0, 2).join(".");
  return `${cacheDir}/${id}-${profile}-${bounding}-${kernel}.bpf`;
}

/** Cache file layout: u32 LE seccomp flags, then the program. */
export function readCached(path: string): CachedProgram | null {
  let b: Buffer;
  try { b = readFileSync(path); } catch { return null; }
  if (b.length < 12 || (b.length - 4) % 8 !== 0) return null;
  return { flags: b.readUInt32LE(0), program: new Uint8Array(b.subarray(4)) };
}

export function cacheBytes(p: CachedProgram): Uint8Array {
  const b = Buffer.alloc(4 + p.program.length);
  b.writeUInt32LE(p.flags, 0);
  b.set(p.program, 4);
  return new Uint8Array(b);
}
