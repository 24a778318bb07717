// Transparent huge pages for the heap of a command that moves megabytes (pull, load, save…).
//
// Every first touch of a 4 KiB page costs a page fault, and on a VM a fault is dear: a cold
// `pull` of busybox took ~3600 of them, most in the 1 GiB arena that Bun's allocator (mimalloc)
// reserves at start-up and in JavaScriptCore's own large reservation. The host's THP mode is
// usually "madvise", and neither allocator asks for huge pages, so each page faults alone.
// MADV_HUGEPAGE on those reservations lets one fault map 2 MiB: the pull then takes ~1600 faults
// and ~20 ms less (load ~20, import ~16, commit ~9, save ~4; busybox, hyperfine on this VM). It
// costs resident memory (a touched 2 MiB page is all resident) and the zeroing of whole huge
// pages, which a short command such as `ps` or `--version` does not win back, so only the verbs
// that move image data call it (pull, push, load, save, import, commit, export). `_init` gets the
// same from the monitor, which starts it with mimalloc's own option (MIMALLOC_ALLOW_THP=1, see
// cshim/monitor.c) before any of its allocations happen.

import { readFileSync } from "node:fs";
import { sym } from "./libc";

const MADV_HUGEPAGE = 14;
/** Reservations are 1 GiB (mimalloc's arena) and more (JSC); smaller anonymous maps are left. */
const MIN_RESERVATION = 256 * 1024 * 1024;

/** Advises huge pages on this process's large anonymous reservations; best effort, never throws. */
export function adviseHugePages(): void {
  let maps: string;
  try {
    maps = readFileSync("/proc/self/maps", "latin1");
  } catch {
    return;
  }
  // "start-end rw-p 00000000 00:00 0" with no path: private anonymous, read-write
  for (const m of maps.matchAll(/^([0-9a-f]+)-([0-9a-f]+) rw-p 00000000 00:00 0 *$/gm)) {
    const start = parseInt(m[1], 16), end = parseInt(m[2], 16);
    // an error (a kernel without THP says EINVAL) only means no huge pages: nothing to do
    if (end - start >= MIN_RESERVATION) sym.madvise(start, end - start, MADV_HUGEPAGE);
  }
}
