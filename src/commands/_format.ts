// Output shapes shared by listings: Docker's tab-aligned tables, human durations and sizes, and
// the subset of Go templates that `--format` users write ({{.ID}}, {{json .}}, table …).

import { InvalidInputError } from "../errors";
import { err, out } from "../output";

/** Docker's tabwriter: columns padded to the widest cell plus three spaces. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] + 3))).join("").replace(/\s+$/, "");
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** Docker's units.HumanDuration: "Less than a second", "3 seconds", "About a minute", … */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return "Less than a second";
  if (s === 1) return "1 second";
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return "About a minute";
  if (m < 60) return `${m} minutes`;
  const h = Math.round(m / 60);
  if (h === 1) return "About an hour";
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

export function ago(iso: string, now = Date.now()): string {
  return `${humanDuration(now - Date.parse(iso))} ago`;
}

/**
 * Docker's units.HumanSizeWithPrecision: decimal units, 3 significant digits by default
 * ("4.26MB", as images and prune print sizes); `system df` uses units.HumanSize's 4.
 */
export function humanSize(bytes: number, precision = 3): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let i = 0, v = bytes;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${Number(v.toPrecision(precision))}${units[i]}`;
}

/** Binary units for memory ("100MiB"), as `docker stats` prints them. */
export function bytesSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0, v = bytes;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${Number(v.toFixed(2))}${units[i]}`;
}

function lookup(value: unknown, path: string): unknown {
  let v: any = value;
  for (const key of path.split(".").filter(Boolean)) {
    if (v === null || v === undefined) return undefined;
    v = v[key];
  }
  return v;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return "<no value>";
  if (typeof v === "object") {
    if (Array.isArray(v)) return `[${v.map(show).join(" ")}]`;
    return `map[${Object.entries(v as object).map(([k, x]) => `${k}:${show(x)}`).join(" ")}]`;
  }
  return String(v);
}

/**
 * Renders a Go-template subset: {{.Path.To.Field}}, {{json .X}}, {{json .}}, {{upper .X}},
 * {{lower .X}}, {{join .X ","}}, {{index .Map "key"}}, {{println …}}; \t and \n escapes.
 */
export function renderTemplate(tpl: string, value: unknown): string {
  const body = tpl.replace(/\\t/g, "\t").replace(/\\n/g, "\n");
  return body.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_, expr: string) => {
    const parts = expr.match(/"[^"]*"|\S+/g) ?? [];
    const arg = (p: string | undefined) => {
      if (p === undefined) throw new InvalidInputError(`template: missing argument in {{${expr}}}`);
      if (p.startsWith('"')) return p.slice(1, -1);
      if (p === ".") return value;
      if (p.startsWith(".")) return lookup(value, p.slice(1));
      throw new InvalidInputError(`template: can't evaluate "${p}" in {{${expr}}}`);
    };
    const [fn, ...rest] = parts;
    switch (fn) {
      case "json": return JSON.stringify(arg(rest[0]) ?? null);
      case "upper": return show(arg(rest[0])).toUpperCase();
      case "lower": return show(arg(rest[0])).toLowerCase();
      case "join": return ((arg(rest[0]) as unknown[]) ?? []).map(String).join(String(arg(rest[1])));
      case "index": { const m = arg(rest[0]) as any; return show(m?.[String(arg(rest[1]))]); }
      case "println": return rest.map((r) => show(arg(r))).join(" ") + "\n";
      default:
        if (fn?.startsWith(".") || fn === ".") return show(arg(fn));
        throw new InvalidInputError(`template: function "${fn}" not defined`);
    }
  });
}

/**
 * Applies --format to rows: "json" → one JSON object per line; "table" or "table TEMPLATE" →
 * header + rows; any other TEMPLATE → one rendered line per row.
 */
export function formatRows(format: string | undefined, rows: Record<string, unknown>[], header: string[], cells: (r: Record<string, unknown>) => string[]): string {
  if (!format || format === "table") return table(header, rows.map(cells));
  if (format === "json") return rows.map((r) => JSON.stringify(r) + "\n").join("");
  if (format.startsWith("table ")) {
    const tpl = format.slice(6);
    const names = [...tpl.matchAll(/\{\{\s*\.(\w+)\s*\}\}/g)].map((m) => m[1]);
    const head = names.map((n) => HEADER_NAMES[n] ?? n.toUpperCase());
    return table(head, rows.map((r) => names.map((n) => show(r[n]))));
  }
  return rows.map((r) => renderTemplate(format, r) + "\n").join("");
}

const HEADER_NAMES: Record<string, string> = {
  ID: "CONTAINER ID", Names: "NAMES", Image: "IMAGE", Command: "COMMAND", CreatedAt: "CREATED AT",
  RunningFor: "CREATED", Status: "STATUS", Ports: "PORTS", State: "STATE", Size: "SIZE",
  Repository: "REPOSITORY", Tag: "TAG", CreatedSince: "CREATED", Networks: "NETWORKS", Labels: "LABELS",
  Driver: "DRIVER", Name: "NAME", Scope: "SCOPE", Mountpoint: "MOUNTPOINT",
  Container: "CONTAINER", CPUPerc: "CPU %", MemUsage: "MEM USAGE / LIMIT", MemPerc: "MEM %", NetIO: "NET I/O", BlockIO: "BLOCK I/O", PIDs: "PIDS",
};

/** `inspect` output: a JSON array (4-space indent, as Docker prints it), or one line per object with -f. */
export function inspectOutput(results: unknown[], format: string | undefined): string {
  if (format) return results.map((r) => renderTemplate(format, r) + "\n").join("");
  return JSON.stringify(results, null, 4) + "\n";
}

/**
 * The `inspect` verbs: each ref's view, printed together. A ref that fails is named on stderr and
 * the others still print, and the verb then exits 125, as Docker's do.
 */
export function printInspected(refs: string[], format: string | undefined, view: (ref: string) => unknown): number {
  const results: unknown[] = [];
  let failed = false;
  for (const ref of refs) {
    try {
      results.push(view(ref));
    } catch (e) {
      failed = true;
      err(`mydocker: ${(e as Error).message}\n`);
    }
  }
  out(inspectOutput(results, format));
  return failed ? 125 : 0;
}
