// Splitting a path named inside a container or an archive into its components, refusing any
// that climbs above the root. Its own small module: mount targets (loaded by every container's
// init) need it without the tar extraction code around it.

import { InvalidInputError } from "../errors";

/** "./a//b/" → ["a","b"]; rejects names that climb out ("../x", "a/../../x"). */
export function splitEntryPath(path: string): string[] {
  const parts: string[] = [];
  for (const p of path.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") {
      if (parts.length === 0) throw new InvalidInputError(`archive entry "${path}" points outside the target directory`);
      parts.pop();
      continue;
    }
    parts.push(p);
  }
  return parts;
}
