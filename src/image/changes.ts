// Dockerfile instructions accepted by `import -c` and `commit -c`: CMD, ENTRYPOINT, ENV, EXPOSE,
// LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL, applied to an image's container settings.

import { InvalidInputError } from "../errors";
import type { ContainerSettings } from "./store";

/** JSON form `["a","b"]` or shell form `a b` (run by /bin/sh -c, as Docker does). */
function execForm(value: string, instruction: string): string[] {
  const v = value.trim();
  if (v.startsWith("[")) {
    try {
      const arr = JSON.parse(v);
      if (Array.isArray(arr) && arr.every((x) => typeof x === "string")) return arr;
    } catch { /* fall through to the error */ }
    throw new InvalidInputError(`${instruction} has an invalid JSON array: ${v}`);
  }
  return ["/bin/sh", "-c", v];
}

/** key=value pairs, or the legacy "KEY value" form. */
function pairs(value: string, instruction: string): [string, string][] {
  const v = value.trim();
  if (!v.includes("=")) {
    const sp = v.search(/\s/);
    if (sp < 0) throw new InvalidInputError(`${instruction} needs a value: ${v}`);
    return [[v.slice(0, sp), v.slice(sp).trim()]];
  }
  const out: [string, string][] = [];
  const re = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const m of v.matchAll(re)) {
    let val = m[2];
    if (val.startsWith('"')) val = JSON.parse(val);
    else if (val.startsWith("'")) val = val.slice(1, -1);
    out.push([m[1], val]);
  }
  return out;
}

export function applyChanges(base: ContainerSettings, changes: string[]): ContainerSettings {
  const c: ContainerSettings = structuredClone(base);
  for (const change of changes) {
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(change);
    if (!m) throw new InvalidInputError(`invalid change "${change}": expected INSTRUCTION value`);
    const instr = m[1].toUpperCase(), value = m[2];
    switch (instr) {
      case "CMD": c.Cmd = execForm(value, instr); break;
      case "ENTRYPOINT": c.Entrypoint = execForm(value, instr); break;
      case "ENV": {
        const env = [...(c.Env ?? [])];
        for (const [k, v] of pairs(value, instr)) {
          const i = env.findIndex((e) => e.split("=")[0] === k);
          if (i >= 0) env[i] = `${k}=${v}`; else env.push(`${k}=${v}`);
        }
        c.Env = env;
        break;
      }
      case "LABEL":
        c.Labels = { ...(c.Labels ?? {}) };
        for (const [k, v] of pairs(value, instr)) c.Labels[k] = v;
        break;
      case "EXPOSE":
        c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
        for (const p of value.trim().split(/\s+/)) c.ExposedPorts[p.includes("/") ? p : `${p}/tcp`] = {};
        break;
      case "VOLUME": {
        c.Volumes = { ...(c.Volumes ?? {}) };
        const list = value.trim().startsWith("[") ? execForm(value, instr) : value.trim().split(/\s+/);
        for (const p of list) c.Volumes[p] = {};
        break;
      }
      case "USER": c.User = value.trim(); break;
      case "WORKDIR": c.WorkingDir = value.trim(); break;
      case "STOPSIGNAL": c.StopSignal = value.trim(); break;
      default:
        throw new InvalidInputError(`${instr} is not a valid change command`);
    }
  }
  return c;
}
