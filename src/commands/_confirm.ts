// The "Are you sure you want to continue? [y/N]" of prune verbs; -f/--force skips it.

import { readSync } from "node:fs";
import { err } from "../output";

export function confirm(warning: string): boolean {
  err(`${warning}\nAre you sure you want to continue? [y/N] `);
  const buf = Buffer.alloc(64);
  let line = "";
  try {
    for (;;) {
      const n = readSync(0, buf, 0, buf.length, null);
      if (n === 0) break;
      line += buf.toString("utf8", 0, n);
      if (line.includes("\n")) break;
    }
  } catch { /* no stdin: treat as "no" */ }
  return /^\s*y(es)?\s*$/i.test(line.split("\n")[0]);
}
