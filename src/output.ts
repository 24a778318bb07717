// Writing to stdout and stderr. Touching process.stdout/process.stderr costs ~7 ms per
// invocation in a compiled Bun binary (it builds Node's stream machinery); a plain write(2) on
// fd 1/2 costs microseconds, and every mydocker call pays its start-up.

import { writeSync } from "node:fs";

function writeAll(fd: number, text: string | Uint8Array): void {
  const buf = typeof text === "string" ? Buffer.from(text) : text;
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e: any) {
      if (e?.code === "EAGAIN") { Bun.sleepSync(1); continue; }
      if (e?.code === "EPIPE") return; // reader went away (`mydocker ps | head`)
      throw e;
    }
  }
}

/** Data: ids, tables, JSON. */
export function out(text: string | Uint8Array): void {
  writeAll(1, text);
}

/** Diagnostics. */
export function err(text: string): void {
  writeAll(2, text);
}
