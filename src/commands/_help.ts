// Docker-shaped --help text: "Usage:  mydocker run [OPTIONS] IMAGE [COMMAND] [ARG...]".

import type { Verb } from "./_define";

export function renderHelp(path: string, verb: Verb): string {
  const lines: string[] = [];
  lines.push("", `Usage:  mydocker ${path}${verb.meta.usage ? " " + verb.meta.usage : ""}`, "");
  if (verb.meta.description) lines.push(verb.meta.description, "");
  if (verb.subCommands) {
    lines.push("Commands:");
    for (const name of Object.keys(verb.subCommands)) lines.push(`  ${name}`);
    lines.push("");
  }
  const flags = Object.entries(verb.args ?? {}).filter(([, f]) => f.type !== "positional" && !f.hidden);
  if (flags.length > 0) {
    lines.push("Options:");
    const rows = flags.map(([name, f]) => {
      const aliases = f.alias === undefined ? [] : Array.isArray(f.alias) ? f.alias : [f.alias];
      const shortAlias = aliases.find((a) => a.length === 1);
      const left = `${shortAlias ? `-${shortAlias}, ` : "    "}--${name}${f.type === "string" ? ` ${f.valueHint ?? (f.multiple ? "list" : "string")}` : ""}`;
      const dflt = f.type === "string" && f.default !== undefined && f.default !== "" ? ` (default "${f.default}")` : "";
      return [left, (f.description ?? "") + dflt];
    });
    const width = Math.max(...rows.map((r) => r[0].length));
    for (const [l, r] of rows) lines.push(`  ${l.padEnd(width)}   ${r}`);
    lines.push("");
  }
  return lines.join("\n");
}
