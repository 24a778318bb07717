// Diagnostics on stderr (never stdout: stdout carries data only). consola is loaded only when a
// message is actually printed, so the common path pays nothing for it.

import type { ConsolaInstance } from "consola";

let level: "error" | "warn" | "info" | "debug" = "warn";
let instance: ConsolaInstance | undefined;

const ORDER = { error: 0, warn: 1, info: 2, debug: 3 } as const;

/** Set once by main.ts from --log-level / -D before any verb runs. */
export function configureLog(l: string): void {
  if (l in ORDER) level = l as typeof level;
}

function consola(): ConsolaInstance {
  if (!instance) {
    const { createConsola } = require("consola") as typeof import("consola");
    instance = createConsola({ level: ORDER[level] + 1, stdout: process.stderr, stderr: process.stderr,
      fancy: process.stderr.isTTY === true, formatOptions: { colors: process.stderr.isTTY === true, date: false } });
  }
  return instance;
}

export function logger(tag: string) {
  return {
    debug: (...a: unknown[]) => { if (ORDER[level] >= 3) consola().withTag(tag).debug(...a); },
    info: (...a: unknown[]) => { if (ORDER[level] >= 2) consola().withTag(tag).info(...a); },
    warn: (...a: unknown[]) => { if (ORDER[level] >= 1) consola().withTag(tag).warn(...a); },
  };
}

export function isDebug(): boolean {
  return level === "debug";
}
