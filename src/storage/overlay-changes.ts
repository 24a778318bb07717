// What a container changed in its filesystem (`diff`): its upperdir compared with the image's
// layers merged as overlayfs merges them (storage/union.ts). A = added, C = changed (a file
// replaced, or a directory whose content or owner/mode changed), D = deleted (a whiteout over a
// name the image has, or a name an opaque directory hides). The empty mount targets _init makes
// (Docker keeps them in an init layer no diff sees) are left out, and so is a directory that
// only holds them: copying it up to hold a placeholder changed nothing the user did.

import { DirHandle, isOpaque, isPlaceholder, isWhiteout } from "./tar-writer";
import { UnionDir } from "./union";

export type ChangeKind = "A" | "C" | "D";
export interface Change { kind: ChangeKind; path: string }

/** The changes of `upper` over `lowers` (top first), parents before children, names sorted. */
export function overlayChanges(upper: string, lowers: string[], placeholders: ReadonlySet<string>): Change[] {
  const out: Change[] = [];
  const added = (dir: DirHandle, rel: string) => {
    for (const name of dir.names()) {
      const r = `${rel}/${name}`;
      const st = dir.lstat(name);
      if (isWhiteout(st)) continue;
      out.push({ kind: "A", path: r });
      if (st.isDirectory()) {
        const sub = dir.child(name);
        try { added(sub, r); } finally { sub.close(); }
      }
    }
  };
  // returns whether it reported anything below rel
  const walk = (dir: DirHandle, lower: UnionDir, rel: string): boolean => {
    const start = out.length;
    for (const name of dir.names()) {
      const r = `${rel}/${name}`;
      const st = dir.lstat(name);
      if (placeholders.has(r.slice(1)) && isPlaceholder(dir, name, st)) continue;
      const below = lower.entry(name);
      if (isWhiteout(st)) {
        if (below) out.push({ kind: "D", path: r });
        continue;
      }
      if (!(st.isDirectory() && below?.st.isDirectory())) {
        out.push({ kind: below ? "C" : "A", path: r });
        if (st.isDirectory()) {
          const sub = dir.child(name);
          try { added(sub, r); } finally { sub.close(); }
        }
        continue;
      }
      // a directory over a directory: changed if anything inside is, or its owner or mode
      const at = out.length;
      out.push({ kind: "C", path: r });
      const sub = dir.child(name), lsub = lower.child(name);
      try {
        let inner = walk(sub, lsub, r);
        if (isOpaque(dir.path(name))) {
          const kept = new Set(sub.names());
          for (const e of lsub.list()) if (!kept.has(e.name)) out.push({ kind: "D", path: `${r}/${e.name}` });
          inner = true;
        }
        const same = st.mode === below.st.mode && st.uid === below.st.uid && st.gid === below.st.gid;
        if (!inner && same) out.splice(at, 1);
      } finally {
        sub.close();
        lsub.close();
      }
    }
    return out.length > start;
  };
  const root = DirHandle.open(upper);
  const lower = UnionDir.open(lowers);
  try {
    walk(root, lower, "");
  } finally {
    root.close();
    lower.close();
  }
  // an opaque directory's deletions were appended after its own entries: keep path order
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
