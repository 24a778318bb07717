// --log-driver / --log-opt: the json-file driver's options, with defaults that keep a chatty
// container from filling the disk (20 MiB × 5 files). Apart from create.ts so `start` does not
// load the whole create path to read a size.

import { InvalidInputError } from "../errors";

export const DEFAULT_LOG_MAX_SIZE = "20m";
export const DEFAULT_LOG_MAX_FILE = "5";

/** "10k", "20m", "1g" → bytes (log sizes). */
export function parseLogSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(v.trim());
  if (!m) throw new InvalidInputError(`invalid log-opt max-size: ${v}`);
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as "" | "k" | "m" | "g"];
  return Math.floor(Number(m[1]) * mult);
}

export function parseLogOpts(opts: string[], driver: string | undefined): Record<string, string> {
  if (driver && driver !== "json-file") throw new InvalidInputError(`logging driver "${driver}" is not supported (only json-file)`);
  const out: Record<string, string> = { "max-size": DEFAULT_LOG_MAX_SIZE, "max-file": DEFAULT_LOG_MAX_FILE };
  for (const o of opts) {
    const eq = o.indexOf("=");
    if (eq <= 0) throw new InvalidInputError(`invalid log-opt: ${o}`);
    const k = o.slice(0, eq), v = o.slice(eq + 1);
    if (k === "max-size") parseLogSize(v);
    else if (k === "max-file") { if (!/^[1-9]\d*$/.test(v)) throw new InvalidInputError(`invalid log-opt max-file: ${v}`); }
    else if (!["compress", "labels", "env", "tag"].includes(k)) throw new InvalidInputError(`unknown log opt '${k}' for json-file log driver`);
    out[k] = v;
  }
  return out;
}
