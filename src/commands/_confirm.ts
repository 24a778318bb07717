// Docker's "Are you sure you want to continue? [y/N]" for prune verbs (answer read from stdin).

import { readSync } from "node:fs";
import { err } from "../output";

export function confirm(question: string): boolean {
  err(question);
  const buf = Buffer.alloc(64);
  let n = 0;
  try { n = readSync(0, buf, 0, buf.length, null); } catch { return false; }
  const answer = buf.toString("utf8", 0, n).trim().toLowerCase();
  return answer === "y" || answer === "yes";
}
