import { describe, expect, test } from "bun:test";
import { parsePax, TarReader, type TarEntry } from "../../src/storage/tar-reader";
import { splitEntryPath } from "../../src/storage/entry-path";
import { buildTar } from "../tar-builder";

function read(buf: Buffer, chunk = 7): { entries: TarEntry[]; data: Record<string, string> } {
  const entries: TarEntry[] = [];
  const data: Record<string, string> = {};
  let cur = "";
  const r = new TarReader({
    entry(e) { entries.push(e); cur = e.path; data[cur] = ""; },
    data(c) { data[cur] += Buffer.from(c).toString(); },
    entryEnd() {},
  });
  for (let i = 0; i < buf.length; i += chunk) r.push(buf.subarray(i, i + chunk));
  r.end();
  return { entries, data };
}

describe("streaming tar reader", () => {
  test("entries and data arrive intact whatever the chunk size", () => {
    const tar = buildTar([
      { path: "dir/", type: "Directory" },
      { path: "dir/a.txt", data: "hello" },
      { path: "link", type: "SymbolicLink", linkpath: "dir/a.txt" },
      { path: "hard", type: "Link", linkpath: "dir/a.txt" },
      { path: "big", data: "x".repeat(1500) },
    ]);
    for (const chunk of [1, 7, 512, 100000]) {
      const { entries, data } = read(tar, chunk);
      expect(entries.map((e) => [e.path, e.type])).toEqual([
        ["dir/", "Directory"], ["dir/a.txt", "File"], ["link", "SymbolicLink"], ["hard", "Link"], ["big", "File"]]);
      expect(data["dir/a.txt"]).toBe("hello");
      expect(data.big.length).toBe(1500);
      expect(entries[2].linkpath).toBe("dir/a.txt");
    }
  });

  test("pax headers carry long names and xattrs", () => {
    const long = "d/".repeat(80) + "file";
    const { entries } = read(buildTar([{ path: "short", data: "x", pax: { path: long, "SCHILY.xattr.user.k": "v" } }]));
    expect(entries[0].path).toBe(long);
    expect(entries[0].xattrs["user.k"].toString()).toBe("v");
  });

  test("a truncated archive is an error", () => {
    const tar = buildTar([{ path: "f", data: "y".repeat(2000) }]);
    expect(() => read(tar.subarray(0, 1200))).toThrow(/truncated/);
  });

  test("parsePax reads length-prefixed records", () => {
    expect(parsePax(Buffer.from("11 path=ab\n"))).toEqual({ path: "ab" });
  });

  test("entry paths: leading slashes stripped, escapes refused", () => {
    expect(splitEntryPath("/etc/passwd")).toEqual(["etc", "passwd"]);
    expect(splitEntryPath("./a//b/./c/")).toEqual(["a", "b", "c"]);
    expect(splitEntryPath("a/../b")).toEqual(["b"]);
    expect(() => splitEntryPath("../x")).toThrow(/outside/);
    expect(() => splitEntryPath("a/../../x")).toThrow(/outside/);
  });
});
