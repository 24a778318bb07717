// Resolving `-u`/USER ("name", "uid", "name:group", "uid:gid") against the container's own
// /etc/passwd and /etc/group, after pivot_root, as Docker does.

import { readFileSync } from "node:fs";
import { InvalidInputError } from "../errors";

export interface ResolvedUser { uid: number; gid: number; additionalGids: number[]; home: string }

function readDb(path: string): string[][] {
  try {
    return readFileSync(path, "utf8").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(":"));
  } catch {
    return [];
  }
}

export function resolveUser(spec: string, passwdPath = "/etc/passwd", groupPath = "/etc/group"): ResolvedUser {
  const [userPart, groupPart] = (spec || "0").split(":", 2);
  const passwd = readDb(passwdPath);
  const groups = readDb(groupPath);
  let uid: number, gid: number | undefined, home = "/", name: string | undefined;
  const entry = /^\d+$/.test(userPart) ? passwd.find((p) => p[2] === userPart) : passwd.find((p) => p[0] === userPart);
  if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
  } else {
    if (!entry) throw new InvalidInputError(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = Number(entry[2]);
  }
  if (entry) { gid = Number(entry[3]); home = entry[5] || "/"; name = entry[0]; }
  if (uid === 0 && !entry) home = "/root";
  if (groupPart !== undefined) {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x[0] === groupPart);
      if (!g) throw new InvalidInputError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = Number(g[2]);
    }
  }
  gid ??= 0;
  const additionalGids = name
    ? [gid, ...groups.filter((g) => (g[3] ?? "").split(",").includes(name!)).map((g) => Number(g[2])).filter((g) => g !== gid)]
    : [];
  return { uid, gid, additionalGids, home };
}
