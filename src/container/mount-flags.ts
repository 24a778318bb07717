// Parsing `-v/--volume`, `--mount` and `--tmpfs` the way Docker's CLI does (Linux rules), into
// one list of planned mounts. Pure: no file is touched here (host paths are checked by the
// caller), so every bad spec fails with exit 125 before anything exists.

import { InvalidInputError } from "../errors";
import { isVolumeName } from "../storage/volumes";
import { isMountFlagOption } from "../sys/mount";

export interface PlannedMount {
  type: "bind" | "volume" | "tmpfs";
  /** bind: absolute host path; volume: name ("" = anonymous, named at configure time); tmpfs: "". */
  source: string;
  destination: string;
  readonly: boolean;
  /** bind: create the host directory when missing (-v does, --mount refuses). */
  createHostDir?: boolean;
  noCopy?: boolean;
  propagation?: string;
  /** The -v mode string as given ("ro,z"), for inspect's Mode. */
  mode?: string;
  tmpfsOptions?: string[];
  labels?: Record<string, string>;
  from: "volume" | "mount" | "tmpfs";
}

const PROPAGATION = ["shared", "rshared", "slave", "rslave", "private", "rprivate"];
const CONSISTENCY = ["consistent", "cached", "delegated", "default"];
const LABELS = ["z", "Z"];

function checkDestination(dest: string, kind: string): string {
  if (!dest.startsWith("/")) throw new InvalidInputError(`invalid mount config for type "${kind}": invalid mount path: '${dest}' mount path must be absolute`);
  const clean = dest.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
  if (clean === "/") throw new InvalidInputError(`invalid mount config for type "${kind}": invalid specification: destination can't be '/'`);
  if (clean.split("/").includes("..")) throw new InvalidInputError(`invalid mount config for type "${kind}": invalid mount path: '${dest}' must not contain '..'`);
  return clean;
}

function validMode(mode: string, kind: "bind" | "volume"): boolean {
  let rw = 0, label = 0, prop = 0, copy = 0, cons = 0;
  for (const m of mode.split(",")) {
    if (m === "ro" || m === "rw") rw++;
    else if (LABELS.includes(m)) label++;
    else if (PROPAGATION.includes(m)) prop++;
    else if (m === "nocopy") { if (kind === "bind") return false; copy++; }
    else if (CONSISTENCY.includes(m)) cons++;
    else return false;
  }
  return rw <= 1 && label <= 1 && prop <= 1 && copy <= 1 && cons <= 1;
}

/** One `-v` value: `[SOURCE:]DEST[:MODE]`. */
export function parseVolumeFlag(spec: string): PlannedMount {
  const parts = spec.split(":");
  if (parts.length > 3) throw new InvalidInputError(`invalid spec: ${spec}: too many colons`);
  if (parts.some((p) => p === "")) throw new InvalidInputError(`invalid spec: ${spec}: empty section between colons`);
  let source = "", dest: string, mode = "";
  if (parts.length === 1) dest = parts[0];
  else if (parts.length === 2) {
    // "/data:ro" is an anonymous volume with a mode when the first part is no source
    if (validMode(parts[1], "volume") && !parts[1].startsWith("/") && parts[0].startsWith("/") && !parts[1].includes("/")) [dest, mode] = parts;
    else [source, dest] = parts;
  } else [source, dest, mode] = parts;
  const kind = source.startsWith("/") ? "bind" : "volume";
  if (mode && !validMode(mode, kind)) throw new InvalidInputError(`invalid mode: ${mode}`);
  if (source && !source.startsWith("/") && !isVolumeName(source))
    throw new InvalidInputError(`create ${source}: "${source}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  const modes = mode ? mode.split(",") : [];
  return {
    type: kind,
    source: kind === "bind" ? source.replace(/\/+/g, "/").replace(/(.)\/$/, "$1") : source,
    destination: checkDestination(dest, kind),
    readonly: modes.includes("ro"),
    createHostDir: kind === "bind",
    noCopy: modes.includes("nocopy"),
    propagation: modes.find((m) => PROPAGATION.includes(m)),
    mode,
    from: "volume",
  };
}

function parseBool(v: string | undefined, key: string): boolean {
  if (v === undefined) return true;
  if (["true", "1"].includes(v.toLowerCase())) return true;
  if (["false", "0"].includes(v.toLowerCase())) return false;
  throw new InvalidInputError(`invalid value for ${key}: ${v}`);
}

/** "64m", "1g", "1024" → bytes, for tmpfs-size. */
function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(v);
  if (!m) throw new InvalidInputError(`invalid value for tmpfs-size: ${v}`);
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase() as "" | "k" | "m" | "g" | "t"];
  return Math.floor(Number(m[1]) * mult);
}

/** One `--mount` value: comma-separated key=value fields, as Docker's CSV. */
export function parseMountFlag(spec: string): PlannedMount {
  let type = "volume", source = "", target = "", readonly = false, propagation: string | undefined, noCopy = false;
  const tmpfs: string[] = [];
  const labels: Record<string, string> = {};
  for (const field of spec.split(",")) {
    if (field === "") continue;
    const eq = field.indexOf("=");
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    const need = () => {
      if (value === undefined || value === "") throw new InvalidInputError(`invalid field '${field}' must be a key=value pair`);
      return value;
    };
    switch (key) {
      case "type": type = need(); break;
      case "source": case "src": source = need(); break;
      case "target": case "destination": case "dst": target = need(); break;
      case "readonly": case "ro": readonly = parseBool(value, key); break;
      case "bind-propagation":
        if (!PROPAGATION.includes(need())) throw new InvalidInputError(`invalid value for bind-propagation: ${value}`);
        propagation = value;
        break;
      case "bind-nonrecursive": case "bind-recursive": case "consistency": case "volume-driver": case "volume-opt": need(); break;
      case "volume-nocopy": noCopy = parseBool(value, key); break;
      case "volume-label": { const v = need(); const i = v.indexOf("="); labels[i < 0 ? v : v.slice(0, i)] = i < 0 ? "" : v.slice(i + 1); break; }
      case "tmpfs-size": tmpfs.push(`size=${parseSize(need())}`); break;
      case "tmpfs-mode": if (!/^[0-7]{1,4}$/.test(need())) throw new InvalidInputError(`invalid value for tmpfs-mode: ${value}`); tmpfs.push(`mode=${value}`); break;
      default: throw new InvalidInputError(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (!["bind", "volume", "tmpfs"].includes(type)) throw new InvalidInputError(`invalid mount config: mount type unknown: "${type}"`);
  if (!target) throw new InvalidInputError(`invalid mount config for type "${type}": field Target must not be empty`);
  const destination = checkDestination(target, type);
  if (type === "bind") {
    if (!source) throw new InvalidInputError(`invalid mount config for type "bind": field Source must not be empty`);
    if (!source.startsWith("/")) throw new InvalidInputError(`invalid mount config for type "bind": invalid mount path: '${source}' mount path must be absolute`);
    return { type: "bind", source, destination, readonly, propagation, from: "mount" };
  }
  if (type === "tmpfs") {
    if (source) throw new InvalidInputError(`invalid mount config for type "tmpfs": field Source must not be specified`);
    return { type: "tmpfs", source: "", destination, readonly, tmpfsOptions: tmpfs, from: "mount" };
  }
  if (source && !isVolumeName(source)) throw new InvalidInputError(`invalid mount config for type "volume": invalid volume name: ${source}`);
  return { type: "volume", source, destination, readonly, noCopy, labels, from: "mount" };
}

const TMPFS_DATA = /^(size|mode|uid|gid|nr_inodes|nr_blocks|huge|mpol)=\S+$/;

/** One `--tmpfs` value: `DEST[:OPTIONS]`. */
export function parseTmpfsFlag(spec: string): PlannedMount {
  const colon = spec.indexOf(":");
  const dest = colon < 0 ? spec : spec.slice(0, colon);
  const opts = colon < 0 ? [] : spec.slice(colon + 1).split(",").filter(Boolean);
  for (const o of opts)
    if (!isMountFlagOption(o) && !TMPFS_DATA.test(o)) throw new InvalidInputError(`invalid tmpfs option "${o}" in --tmpfs ${spec}`);
  return { type: "tmpfs", source: "", destination: checkDestination(dest, "tmpfs"), readonly: opts.includes("ro"), tmpfsOptions: opts, from: "tmpfs" };
}

/** Docker's tmpfs defaults (noexec,nosuid,nodev) merged with the user's options (later wins). */
export function tmpfsMountOptions(user: string[]): string[] {
  return ["noexec", "nosuid", "nodev", ...user];
}

/** All of a container's requested mounts, checked for duplicates. */
export function parseMountFlags(volumes: string[], mounts: string[], tmpfs: string[]): PlannedMount[] {
  const all = [...volumes.map(parseVolumeFlag), ...mounts.map(parseMountFlag), ...tmpfs.map(parseTmpfsFlag)];
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.destination)) throw new InvalidInputError(`Duplicate mount point: ${m.destination}`);
    seen.add(m.destination);
  }
  return all;
}
