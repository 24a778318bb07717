// import / images / rmi, and safe extraction: nothing in an archive may land outside its layer.

import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { lgetxattr } from "../../src/sys/fs";
import { buildTar } from "../tar-builder";
import { busyboxTar, IS_ROOT, useSandbox } from "./harness";

describe.skipIf(!IS_ROOT)("images", () => {
  const sb = useSandbox("images", { image: false });
  const layersDir = () => `${sb.root}/image/layers`;
  const layerOf = (image: string) => {
    const diff = JSON.parse(sb.ok(["inspect", "--type", "image", "-f", "{{json .RootFS.Layers}}", image]))[0];
    return `${layersDir()}/${diff.slice(7)}/diff`;
  };

  test("import prints the image id; images lists it with Docker's columns", () => {
    const id = sb.ok(["import", "-c", 'CMD ["sh"]', busyboxTar(), "busybox"]);
    expect(id).toMatch(/^sha256:[a-f0-9]{64}$/);
    const out = sb.ok(["images"]);
    expect(out.split("\n")[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(out).toMatch(new RegExp(`busybox\\s+latest\\s+${id.slice(7, 19)}\\s+.*ago\\s+[\\d.]+MB`));
    expect(sb.ok(["images", "-q"])).toBe(id.slice(7, 19));
    const json = JSON.parse(sb.ok(["images", "--format", "json"]));
    expect(json.Repository).toBe("busybox");
    expect(json.Tag).toBe("latest");
  });

  test("the same tarball twice shares one layer; gzip and stdin work", () => {
    const gz = `${sb.root}/bb.tar.gz`;
    writeFileSync(gz, Bun.gzipSync(readFileSync(busyboxTar())));
    sb.ok(["import", gz, "bbgz:1"]);
    sb.ok(["import", "-", "bbstdin"], { stdin: readFileSync(busyboxTar()) });
    expect(readdirSync(layersDir()).filter((d) => !d.startsWith("."))).toHaveLength(1);
    expect(sb.ok(["run", "--rm", "bbgz:1", "echo", "ok"])).toBe("ok");
  });

  test("modes, owners, device nodes, fifos, symlinks, hardlinks and mtimes are kept", () => {
    const tar = `${sb.root}/special.tar`;
    writeFileSync(tar, buildTar([
      { path: "bin/", type: "Directory" },
      { path: "bin/tool", data: "#!/bin/sh\n", mode: 0o4755, uid: 1234, gid: 4321, mtime: new Date(1_600_000_000_000) },
      { path: "bin/hard", type: "Link", linkpath: "bin/tool" },
      { path: "bin/soft", type: "SymbolicLink", linkpath: "tool" },
      { path: "dev/", type: "Directory" },
      { path: "dev/mynull", type: "CharacterDevice", devmaj: 1, devmin: 3, mode: 0o666 },
      { path: "fifo", type: "FIFO", mode: 0o600 },
      { path: "xattr", data: "x", pax: { "SCHILY.xattr.user.note": "kept" } },
    ]));
    sb.ok(["import", tar, "special"]);
    const d = layerOf("special");
    const tool = statSync(`${d}/bin/tool`);
    expect(tool.mode & 0o7777).toBe(0o4755);
    expect([tool.uid, tool.gid]).toEqual([1234, 4321]);
    expect(tool.mtimeMs).toBe(1_600_000_000_000);
    expect(statSync(`${d}/bin/hard`).ino).toBe(tool.ino);
    expect(lstatSync(`${d}/bin/soft`).isSymbolicLink()).toBe(true);
    const dev = statSync(`${d}/dev/mynull`);
    expect(dev.isCharacterDevice()).toBe(true);
    expect(dev.rdev).toBe(0x103);
    expect(lstatSync(`${d}/fifo`).isFIFO()).toBe(true);
    expect(lgetxattr(`${d}/xattr`, "user.note")?.toString()).toBe("kept");
  });

  test("escapes are refused or kept inside the layer, and a refused import leaves nothing", () => {
    const marker = `/tmp/mydocker-escape-${process.pid}`;
    const before = readdirSync(layersDir());
    const dotdot = `${sb.root}/dotdot.tar`;
    writeFileSync(dotdot, buildTar([{ path: "ok", data: "1" }, { path: `../../../../../..${marker}`, data: "pwned" }]));
    const r = sb.run(["import", dotdot, "evil"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain("points outside the target directory");
    expect(existsSync(marker)).toBe(false);
    expect(readdirSync(layersDir())).toEqual(before); // no staging dir, no layer
    expect(sb.run(["inspect", "--type", "image", "evil"]).code).not.toBe(0);

    // absolute names, symlinked parents and hardlinks to absolute paths resolve inside the layer
    const tricky = `${sb.root}/tricky.tar`;
    writeFileSync(tricky, buildTar([
      { path: `/abs-${process.pid}`, data: "a" },
      { path: "tmp/", type: "Directory" },
      { path: "escape", type: "SymbolicLink", linkpath: "/tmp" },
      { path: `escape/mydocker-escape-${process.pid}`, data: "through symlink" },
      { path: "passwd-link", type: "Link", linkpath: `/abs-${process.pid}` },
    ]));
    sb.ok(["import", tricky, "tricky"]);
    const d = layerOf("tricky");
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(`${d}/tmp/mydocker-escape-${process.pid}`, "utf8")).toBe("through symlink");
    expect(readFileSync(`${d}/abs-${process.pid}`, "utf8")).toBe("a");
    expect(statSync(`${d}/passwd-link`).ino).toBe(statSync(`${d}/abs-${process.pid}`).ino);

    const outside = `${sb.root}/hardout.tar`;
    writeFileSync(outside, buildTar([{ path: "shadow", type: "Link", linkpath: "/etc/shadow" }]));
    const h = sb.run(["import", outside, "hardout"]);
    expect(h.code).toBe(125); // /etc/shadow does not exist inside the layer
    expect(readdirSync(layersDir()).filter((n) => n.startsWith(".tmp"))).toEqual([]);
  });

  test("later entries replace earlier ones, and a directory replaced by a symlink is not followed through a stale handle", () => {
    const tar = `${sb.root}/replace.tar`;
    writeFileSync(tar, buildTar([
      { path: "a/", type: "Directory" },
      { path: "a/b/", type: "Directory" },
      { path: "a/b/f", data: "old" },
      { path: "tmp/", type: "Directory" },
      { path: "a", type: "SymbolicLink", linkpath: "/tmp" },   // the directory a/ goes
      { path: "a/b/g", data: "new" },                           // lands in <layer>/tmp/b/g
      { path: "file", data: "1" },
      { path: "file/", type: "Directory" },                     // a file replaced by a directory
      { path: "dir/", type: "Directory" },
      { path: "dir", data: "2" },                               // a directory replaced by a file
      { path: "twice", data: "first" },
      { path: "twice", data: "second" },
    ]));
    sb.ok(["import", tar, "replace"]);
    const d = layerOf("replace");
    expect(lstatSync(`${d}/a`).isSymbolicLink()).toBe(true);
    expect(readFileSync(`${d}/tmp/b/g`, "utf8")).toBe("new");
    expect(existsSync(`${d}/tmp/b/f`)).toBe(false);
    expect(existsSync("/tmp/b/g")).toBe(false);
    expect(statSync(`${d}/file`).isDirectory()).toBe(true);
    expect(readFileSync(`${d}/dir`, "utf8")).toBe("2");
    expect(readFileSync(`${d}/twice`, "utf8")).toBe("second");
  });

  test("rmi refuses an image a container uses, deletes unused images, keeps shared layers", () => {
    sb.ok(["import", busyboxTar(), "rmtest:a"]);
    sb.ok(["import", busyboxTar(), "rmtest:b"]);
    sb.ok(["run", "--name", "user", "rmtest:a", "true"]);
    expect(sb.ok(["rmi", "rmtest:b"])).toMatch(/^Untagged: rmtest:b\nDeleted: sha256:[a-f0-9]{64}$/);
    const r = sb.run(["rmi", "rmtest:a"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain("must force");
    sb.ok(["rm", "user"]);
    const del = sb.ok(["rmi", "rmtest:a"]);
    expect(del).toContain("Untagged: rmtest:a");
    // busybox, bbgz:1 and bbstdin still use the layer: the image goes, the layer stays
    expect(readdirSync(layersDir()).filter((d) => !d.startsWith("."))).toContain(layerOf("busybox").split("/").slice(-2)[0]);
  });
});
