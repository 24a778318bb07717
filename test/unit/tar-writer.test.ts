// The tar writer: what it writes reads back identically (long names, pax xattrs, big ids, links,
// devices), the same input gives the same bytes, and data is padded to blocks.

import { describe, expect, test } from "bun:test";
import { TarReader, type TarEntry } from "../../src/storage/tar-reader";
import { TarWriter, type WriteEntry } from "../../src/storage/tar-writer";
import { normaliseMemberName, resolveMember, type TarMember } from "../../src/storage/tar-index";

function write(entries: (WriteEntry & { body?: string })[]): Buffer {
  const chunks: Uint8Array[] = [];
  const w = new TarWriter((c) => chunks.push(c));
  for (const e of entries) {
    w.add(e);
    if (e.body) w.data(Buffer.from(e.body));
  }
  w.finish();
  return Buffer.concat(chunks);
}

function read(tar: Buffer): { entry: TarEntry; body: string }[] {
  const out: { entry: TarEntry; body: string }[] = [];
  const reader = new TarReader({
    entry: (e) => out.push({ entry: e, body: "" }),
    data: (c) => { out[out.length - 1].body += Buffer.from(c).toString(); },
    entryEnd: () => {},
  });
  reader.push(tar);
  reader.end();
  return out;
}

const base = { mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1_700_000_000 };

describe("TarWriter", () => {
  test("entries read back with their metadata, long names and xattrs via pax", () => {
    const long = `${"d".repeat(120)}/${"f".repeat(120)}`;
    const longer = "x".repeat(300);
    const tar = write([
      { ...base, path: "dir/", type: "dir", mode: 0o755 },
      { ...base, path: "dir/file", type: "file", size: 5, body: "hello", uid: 1000, gid: 2000, mode: 0o4755, xattrs: { "security.capability": Buffer.from([1, 2, 3]) } },
      { ...base, path: long, type: "file", size: 1, body: "L" },
      { ...base, path: longer, type: "symlink", linkpath: longer + "-target" },
      { ...base, path: "hard", type: "hardlink", linkpath: "dir/file" },
      { ...base, path: "null", type: "char", devmajor: 1, devminor: 3 },
      { ...base, path: "big-ids", type: "file", uid: 3_000_000, gid: 4_000_000 },
    ]);
    expect(tar.length % 512).toBe(0);
    const got = read(tar);
    expect(got.map((g) => g.entry.path)).toEqual(["dir/", "dir/file", long, longer, "hard", "null", "big-ids"]);
    expect(got[1].body).toBe("hello");
    expect(got[1].entry).toMatchObject({ uid: 1000, gid: 2000, mode: 0o4755, mtime: 1_700_000_000, type: "File" });
    expect([...got[1].entry.xattrs["security.capability"]]).toEqual([1, 2, 3]);
    expect(got[2].body).toBe("L");
    expect(got[3].entry).toMatchObject({ type: "SymbolicLink", linkpath: longer + "-target" });
    expect(got[4].entry).toMatchObject({ type: "Link", linkpath: "dir/file" });
    expect(got[5].entry).toMatchObject({ type: "CharacterDevice", devmajor: 1, devminor: 3 });
    expect(got[6].entry).toMatchObject({ uid: 3_000_000, gid: 4_000_000 });
  });

  test("the same entries give the same bytes; GNU tar accepts the archive", () => {
    const entries = [{ ...base, path: "a", type: "file" as const, size: 3, body: "abc" }];
    const a = write(entries), b = write(entries);
    expect(a.equals(b)).toBe(true);
    const r = Bun.spawnSync(["tar", "-tvf", "-"], { stdin: a });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain(" a\n");
  });

  test("refuses more data than announced, and a short entry at finish", () => {
    const w = new TarWriter(() => {});
    w.add({ ...base, path: "x", type: "file", size: 2 });
    expect(() => w.data(Buffer.from("abc"))).toThrow();
    w.data(Buffer.from("a"));
    expect(() => w.finish()).toThrow();
  });
});

describe("tar index", () => {
  test("member names are normalised and links inside the archive resolve", () => {
    expect(normaliseMemberName("./a/b/")).toBe("a/b");
    const m = (name: string, type: string, linkpath = ""): [string, TarMember] => [name, { name, type, offset: 0, size: 0, linkpath }];
    const members = new Map([m("x/layer.tar", "File"), m("y/layer.tar", "SymbolicLink", "../x/layer.tar"), m("z", "Link", "x/layer.tar"), m("loop", "SymbolicLink", "loop")]);
    expect(resolveMember(members, "y/layer.tar")?.name).toBe("x/layer.tar");
    expect(resolveMember(members, "./z")?.name).toBe("x/layer.tar");
    expect(resolveMember(members, "loop")).toBeUndefined();
    expect(resolveMember(members, "../../etc/passwd")).toBeUndefined();
  });
});
