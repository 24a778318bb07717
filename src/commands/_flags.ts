// Docker's flag grammar (spf13/pflag), so scripts written for `docker` parse the same:
//   --name=value  --name value  -n value  -nvalue  -it (booleans combined)  -dit  --  --bool=false
// Unknown flags and missing values are InvalidInputError (exit 125), like Docker.

import { InvalidInputError } from "../errors";
import type { Flags, ParsedArgs } from "./_define";

interface Resolved { name: string; type: "string" | "boolean"; multiple: boolean }

function indexFlags(flags: Flags): { long: Map<string, Resolved>; short: Map<string, Resolved> } {
  const long = new Map<string, Resolved>(), short = new Map<string, Resolved>();
  for (const [name, def] of Object.entries(flags)) {
    if (def.type === "positional") continue;
    const r: Resolved = { name, type: def.type, multiple: !!def.multiple };
    long.set(name, r);
    const aliases = def.alias === undefined ? [] : Array.isArray(def.alias) ? def.alias : [def.alias];
    for (const a of aliases) (a.length === 1 ? short : long).set(a, r);
  }
  return { long, short };
}

export function parseFlags(argv: string[], flags: Flags, stopAtFirstPositional: boolean, verbName: string): ParsedArgs & { help?: boolean } {
  const { long, short } = indexFlags(flags);
  const out: ParsedArgs & { help?: boolean } = { _: [] };
  for (const [name, def] of Object.entries(flags)) {
    if (def.type !== "positional" && def.default !== undefined) out[name] = def.default;
  }
  const set = (r: Resolved, value: string | boolean) => {
    if (r.multiple) {
      const prev = out[r.name];
      out[r.name] = Array.isArray(prev) ? [...prev, String(value)] : [String(value)];
    } else {
      out[r.name] = value;
    }
  };
  const unknown = (flag: string) =>
    new InvalidInputError(`unknown ${flag.startsWith("--") ? "flag" : "shorthand flag"}: '${flag.replace(/^-+/, "")}' in ${flag}\nSee 'mydocker ${verbName} --help'.`);

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") { out._.push(...argv.slice(i + 1)); break; }
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      const key = eq === -1 ? a.slice(2) : a.slice(2, eq);
      if (key === "help") { out.help = true; continue; }
      const r = long.get(key);
      if (!r) throw unknown(a);
      if (r.type === "boolean") {
        if (eq === -1) set(r, true);
        else {
          const v = a.slice(eq + 1).toLowerCase();
          if (!["true", "false", "1", "0"].includes(v)) throw new InvalidInputError(`invalid argument "${a.slice(eq + 1)}" for "--${key}" flag: parse error`);
          set(r, v === "true" || v === "1");
        }
      } else if (eq !== -1) set(r, a.slice(eq + 1));
      else {
        if (i + 1 >= argv.length) throw new InvalidInputError(`flag needs an argument: --${key}`);
        set(r, argv[++i]);
      }
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        const r = short.get(c);
        if (!r) {
          if (c === "h") { out.help = true; continue; }
          throw unknown(`-${c}`);
        }
        if (r.type === "boolean") {
          if (a[j + 1] === "=") { set(r, a.slice(j + 2) !== "false"); break; }
          set(r, true);
          continue;
        }
        const rest = a.slice(j + 1);
        if (rest.length > 0) set(r, rest.startsWith("=") ? rest.slice(1) : rest);
        else {
          if (i + 1 >= argv.length) throw new InvalidInputError(`flag needs an argument: '${c}' in -${c}`);
          set(r, argv[++i]);
        }
        break;
      }
      continue;
    }
    out._.push(a);
    if (stopAtFirstPositional) { out._.push(...argv.slice(i + 1)); break; }
  }
  return out;
}
