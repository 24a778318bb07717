// What the kernel offers, checked before anything is created so a missing feature is a clear
// error and not a half-made container.

import { readFileSync } from "node:fs";
import { HostError } from "../errors";

export function filesystemsOf(procFilesystems: string): Set<string> {
  return new Set(procFilesystems.split("\n").map((l) => l.trim().split(/\s+/).pop() ?? "").filter(Boolean));
}

let cached: Set<string> | undefined;

/** Throws HostError naming overlayfs when the kernel lacks it (aufs is gone from mainline). */
export function requireOverlayfs(procFile = "/proc/filesystems"): void {
  cached ??= filesystemsOf(readFileSync(procFile, "utf8"));
  if (cached.has("overlay")) return;
  // a module that is not loaded yet appears only after first use; ask the kernel to load it
  try {
    Bun.spawnSync(["modprobe", "overlay"], { stdout: "ignore", stderr: "ignore" });
  } catch { /* no modprobe on this host */ }
  cached = filesystemsOf(readFileSync(procFile, "utf8"));
  if (!cached.has("overlay")) throw new HostError("this kernel has no overlayfs (CONFIG_OVERLAY_FS): mydocker needs it for container filesystems");
}
