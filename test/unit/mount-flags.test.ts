// -v / --mount / --tmpfs parsing with Docker's rules; every bad spec is an InvalidInputError.

import { describe, expect, test } from "bun:test";
import { parseMountFlag, parseMountFlags, parseTmpfsFlag, parseVolumeFlag } from "../../src/container/mount-flags";
import { InvalidInputError } from "../../src/errors";

describe("-v", () => {
  test("binds, named and anonymous volumes, modes", () => {
    expect(parseVolumeFlag("/host/dir/:/ctr:ro")).toMatchObject({ type: "bind", source: "/host/dir", destination: "/ctr", readonly: true, createHostDir: true });
    expect(parseVolumeFlag("data:/var/lib/x")).toMatchObject({ type: "volume", source: "data", destination: "/var/lib/x", readonly: false });
    expect(parseVolumeFlag("/anon")).toMatchObject({ type: "volume", source: "", destination: "/anon" });
    expect(parseVolumeFlag("/anon:ro")).toMatchObject({ type: "volume", source: "", destination: "/anon", readonly: true });
    expect(parseVolumeFlag("vol:/x:nocopy")).toMatchObject({ noCopy: true });
    expect(parseVolumeFlag("/h:/x:rw,z,rslave")).toMatchObject({ readonly: false, propagation: "rslave" });
  });
  test("bad specs", () => {
    for (const s of [":", "::", "a:", ":/x", "rel/x:/y", "./x:/y", "/a:b", "/a:/b:bogus", "/a:/b:ro,rw", "/a:/b:nocopy", "/a:/b:c:d", "v:/", "/a:/b/../c", "x"])
      expect(() => parseVolumeFlag(s)).toThrow(InvalidInputError);
  });
});

describe("--mount", () => {
  test("bind, volume and tmpfs", () => {
    expect(parseMountFlag("type=bind,source=/s,target=/t,readonly")).toMatchObject({ type: "bind", source: "/s", destination: "/t", readonly: true });
    expect(parseMountFlag("type=bind,src=/s,dst=/t,ro=false,bind-propagation=rshared")).toMatchObject({ readonly: false, propagation: "rshared" });
    expect(parseMountFlag("src=v1,dst=/d,volume-nocopy")).toMatchObject({ type: "volume", source: "v1", noCopy: true });
    expect(parseMountFlag("type=volume,target=/anon")).toMatchObject({ type: "volume", source: "" });
    expect(parseMountFlag("type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1777")).toMatchObject({ type: "tmpfs", tmpfsOptions: ["size=67108864", "mode=1777"] });
  });
  test("bad specs", () => {
    for (const s of ["type=nfs,dst=/x", "type=bind,dst=/x", "type=bind,src=rel,dst=/x", "src=v", "dst=/x,color=red", "type=tmpfs,src=x,dst=/t", "dst=/x,readonly=maybe", "type=tmpfs,dst=/t,tmpfs-size=lots", "dst"])
      expect(() => parseMountFlag(s)).toThrow(InvalidInputError);
  });
});

describe("--tmpfs and duplicates", () => {
  test("options are checked", () => {
    expect(parseTmpfsFlag("/run:rw,size=64m,exec")).toMatchObject({ destination: "/run", tmpfsOptions: ["rw", "size=64m", "exec"] });
    expect(() => parseTmpfsFlag("/run:bogus")).toThrow(InvalidInputError);
    expect(() => parseTmpfsFlag("run")).toThrow(InvalidInputError);
  });
  test("two mounts on one destination are refused", () => {
    expect(() => parseMountFlags(["vol:/d"], ["type=tmpfs,dst=/d/"], [])).toThrow("Duplicate mount point: /d");
    expect(parseMountFlags(["/a:/x"], [], ["/y"])).toHaveLength(2);
  });
});
