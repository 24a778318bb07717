// The container's environment: PATH (a default if the image has none), HOSTNAME, the image's
// Env, then -e and --env-file in order — never the host's environment, except for a bare `-e K`,
// which Docker fills from the caller's environment.

import { readFileSync } from "node:fs";
import { InvalidInputError, NotFoundError } from "../errors";

export const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Parses one -e value; returns undefined for a bare name that the caller has not set. */
export function parseEnvArg(arg: string, from: string): string | undefined {
  const eq = arg.indexOf("=");
  const key = eq === -1 ? arg : arg.slice(0, eq);
  if (key === "" || /\s/.test(key)) throw new InvalidInputError(`invalid argument "${arg}" for "${from}" flag: invalid environment variable: ${arg}`);
  if (eq !== -1) return arg;
  const v = process.env[key];
  return v === undefined ? undefined : `${key}=${v}`;
}

export function readEnvFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new NotFoundError(`open ${path}: no such file or directory`);
  }
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#")) continue;
    const v = parseEnvArg(line, "--env-file");
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** Merges lists of K=V; a later key replaces an earlier one in place. */
export function mergeEnv(...lists: string[][]): string[] {
  const out: string[] = [];
  const index = new Map<string, number>();
  for (const list of lists) {
    for (const kv of list) {
      const k = kv.split("=", 1)[0];
      const i = index.get(k);
      if (i === undefined) { index.set(k, out.length); out.push(kv); }
      else out[i] = kv;
    }
  }
  return out;
}

export function containerEnv(imageEnv: string[], userEnv: string[], hostname: string, tty: boolean): string[] {
  const path = imageEnv.find((e) => e.startsWith("PATH=")) ?? DEFAULT_PATH;
  const base = [path, `HOSTNAME=${hostname}`];
  if (tty) base.push("TERM=xterm");
  return mergeEnv(base, imageEnv.filter((e) => !e.startsWith("PATH=")), userEnv);
}

/** --env-file files, then -e values, in Docker's order; bad values throw (exit 125). */
export function userEnvironment(envFiles: string[], env: string[]): string[] {
  const out: string[] = [];
  for (const f of envFiles) out.push(...readEnvFile(f));
  for (const e of env) {
    const v = parseEnvArg(e, "-e, --env");
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** -w must be absolute, as Docker requires. */
export function checkWorkdir(workdir: string | undefined): void {
  if (workdir !== undefined && workdir !== "" && !workdir.startsWith("/"))
    throw new InvalidInputError(`the working directory '${workdir}' is invalid, it needs to be an absolute path`);
}
