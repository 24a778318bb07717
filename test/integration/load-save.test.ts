// load / save / tag / history / image prune / export / cp: archives in, archives out, and the
// image config honoured by run. Archives from podman are checked when podman is installed.

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dockerArchive, ociArchive, sha256 } from "../archive-builder";
import { buildTar } from "../tar-builder";
import { busyboxTar, IS_ROOT, useSandbox } from "./harness";

const havePodman = Bun.spawnSync(["sh", "-c", "command -v podman"]).exitCode === 0;

describe.skipIf(!IS_ROOT)("load and save", () => {
  const sb = useSandbox("loadsave");
  const layers = () => readdirSync(`${sb.root}/image/layers`).filter((n) => !n.startsWith("."));
  const tarList = (file: string) => Bun.spawnSync(["tar", "-tf", file]).stdout.toString().trim().split("\n");

  const busybox = () => readFileSync(busyboxTar());
  // layer 2: deletes /bin/vi (whiteout), makes /etc opaque with only passwd and group, adds files
  const layer2 = buildTar([
    { path: "bin/", type: "Directory" },
    { path: "bin/.wh.vi", data: "" },
    { path: "etc/", type: "Directory" },
    { path: "etc/.wh..wh..opq", data: "" },
    { path: "etc/passwd", data: "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n" },
    { path: "etc/group", data: "root:x:0:\nnogroup:x:65534:\n" },
    { path: "work/", type: "Directory" },
    { path: "hello", data: "from layer 2\n" },
  ]);
  const twoLayer = {
    layers: [busybox(), layer2],
    gzipLayers: true,
    tags: ["two:layers"],
    config: { Env: ["PATH=/bin", "FOO=bar"], Entrypoint: ["/bin/sh", "-c"], Cmd: ["echo $FOO; pwd"], WorkingDir: "/work", User: "65534", Labels: { a: "b" }, StopSignal: "SIGUSR1", ExposedPorts: { "80/tcp": {} } },
  };

  test("a two-layer docker archive with whiteouts and an opaque dir loads; the config is honoured", () => {
    const file = `${sb.root}/two.tar`;
    writeFileSync(file, dockerArchive([twoLayer]));
    expect(sb.ok(["load", "-i", file])).toBe("Loaded image: two:layers");
    expect(sb.ok(["run", "--rm", "two:layers"])).toBe("bar\n/work");
    expect(sb.ok(["run", "--rm", "two:layers", "id -u; cat /hello; ls /etc; test -e /bin/vi || echo vi-gone"]))
      .toBe("65534\nfrom layer 2\ngroup\nhostname\nhosts\npasswd\nresolv.conf\nvi-gone");
    expect(sb.ok(["run", "--rm", "-u", "0", "-w", "/tmp", "two:layers", "id -u; pwd"])).toBe("0\n/tmp");
    expect(sb.ok(["run", "--rm", "--entrypoint", "echo", "two:layers", "replaced"])).toBe("replaced");
    expect(sb.ok(["run", "--rm", "-e", "FOO=flag", "two:layers"])).toBe("flag\n/work");
    const cid = sb.ok(["create", "two:layers"]);
    expect(sb.ok(["inspect", "-f", "{{.Config.StopSignal}} {{json .Config.Labels}} {{json .Config.ExposedPorts}}", cid])).toBe(`SIGUSR1 {"a":"b"} {"80/tcp":{}}`);
    sb.ok(["rm", cid]);
    const hist = sb.ok(["history", "--format", "{{.CreatedBy}}", "two:layers"]).split("\n");
    expect(hist).toEqual(["layer 1", "layer 0"]);
  });

  test("an OCI image layout (gzip layers, named by annotation) loads, gzip-compressed from stdin too", () => {
    const oci = ociArchive([{ layers: [busybox()], config: { Cmd: ["echo", "oci"] } }], () => ({ "org.opencontainers.image.ref.name": "oci/test:1" }));
    const file = `${sb.root}/oci.tar`;
    writeFileSync(file, oci);
    expect(sb.ok(["load", "-i", file])).toBe("Loaded image: oci/test:1");
    expect(sb.ok(["run", "--rm", "oci/test:1"])).toBe("oci");
    sb.ok(["rmi", "oci/test:1"]);
    expect(sb.ok(["load"], { stdin: Bun.gzipSync(oci) })).toBe("Loaded image: oci/test:1");
    expect(sb.ok(["image", "inspect", "-f", "{{json .Config.Cmd}}", "oci/test:1"])).toBe(`["echo","oci"]`);
  });

  test("save → rmi → load gives back the same images, ids and tags; save is deterministic", () => {
    const before = sb.ok(["images", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"]).split("\n").sort();
    const out = `${sb.root}/saved.tar`;
    sb.ok(["save", "-o", out, "busybox", "two:layers"]);
    const again = sb.run(["save", "busybox", "two:layers"]);
    expect(Buffer.from(again.stdout, "latin1").length).toBeGreaterThan(0);
    sb.ok(["save", "-o", `${out}.2`, "busybox", "two:layers"]);
    expect(sha256(readFileSync(out))).toBe(sha256(readFileSync(`${out}.2`)));
    const names = tarList(out);
    for (const n of ["manifest.json", "index.json", "oci-layout", "repositories"]) expect(names).toContain(n);
    sb.ok(["rmi", "busybox", "two:layers"]);
    expect(sb.run(["inspect", "--type", "image", "two:layers"]).code).not.toBe(0);
    const loaded = sb.ok(["load", "-i", out]).split("\n").sort();
    expect(loaded).toEqual(["Loaded image: busybox:latest", "Loaded image: two:layers"]);
    const after = sb.ok(["images", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"]).split("\n").sort();
    expect(after).toEqual(before);
    expect(sb.ok(["run", "--rm", "two:layers"])).toBe("bar\n/work");
  });

  test("a failed load leaves no layer, no staging directory and no tag", () => {
    const before = layers();
    // the second layer's digest does not match the config: the first (new) layer must go too
    const fresh = buildTar([{ path: "only-here", data: `unique ${Date.now()}` }]);
    const archive = dockerArchive([{ layers: [fresh, layer2], tags: ["bad:digest"] }]).toString("latin1")
      .replace(sha256(layer2), "0".repeat(64));
    const file = `${sb.root}/bad.tar`;
    writeFileSync(file, Buffer.from(archive, "latin1"));
    const r = sb.run(["load", "-i", file]);
    expect(r.code).toBe(125);
    expect(layers()).toEqual(before);
    expect(readdirSync(`${sb.root}/image/layers`).filter((n) => n.startsWith("."))).toEqual([]);
    expect(sb.run(["inspect", "--type", "image", "bad:digest"]).code).not.toBe(0);

    // a layer that climbs out of its directory is refused; nothing lands outside
    const marker = `/tmp/mydocker-load-escape-${process.pid}`;
    const evil = buildTar([{ path: `../../../../../..${marker}`, data: "x" }]);
    writeFileSync(file, dockerArchive([{ layers: [evil], tags: ["evil:1"] }]));
    const e = sb.run(["load", "-i", file]);
    expect(e.code).toBe(125);
    expect(e.stderr).toContain("outside");
    expect(existsSync(marker)).toBe(false);
    expect(layers()).toEqual(before);

    // not an image archive at all
    writeFileSync(file, buildTar([{ path: "readme", data: "hi" }]));
    expect(sb.run(["load", "-i", file]).stderr).toContain("neither manifest.json nor index.json");
    writeFileSync(file, "garbage".repeat(200));
    expect(sb.run(["load", "-i", file]).code).toBe(125);
  });

  test("tag, untag, image prune", () => {
    sb.ok(["tag", "busybox", "me/box:v1"]);
    expect(sb.ok(["images", "--format", "{{.Repository}}:{{.Tag}}", "me/box"])).toBe("me/box:v1");
    expect(sb.run(["tag", "busybox", "Bad:Name"]).code).toBe(125);
    expect(sb.run(["tag", "nosuch", "x:y"]).code).toBe(125);
    // a dangling image: load an image, then move its tag away
    writeFileSync(`${sb.root}/d.tar`, dockerArchive([{ layers: [buildTar([{ path: "d", data: "dangling" }])], tags: ["dang:1"] }]));
    sb.ok(["load", "-i", `${sb.root}/d.tar`]);
    sb.ok(["tag", "busybox", "dang:1"]);
    expect(sb.ok(["images", "-q", "-f", "dangling=true"])).not.toBe("");
    const pruned = sb.ok(["image", "prune", "-f"]);
    expect(pruned).toMatch(/Deleted Images:\ndeleted: sha256:[a-f0-9]{64}/);
    expect(pruned).toContain("Total reclaimed space:");
    expect(sb.ok(["images", "-q", "-f", "dangling=true"])).toBe("");
    sb.ok(["rmi", "dang:1", "me/box:v1"]);
  });

  test("export flattens a container's filesystem (deleted files gone); cp in and out, running or not", () => {
    const name = `exp-${process.pid}`;
    sb.ok(["run", "--name", name, "busybox", "sh", "-c", "echo hi > /added; rm /bin/vi; mkdir -p /d/e; echo deep > /d/e/f; ln -s /etc/nowhere /lnk"]);
    const out = `${sb.root}/exp.tar`;
    sb.ok(["export", "-o", out, name]);
    const names = tarList(out);
    expect(names).toContain("added");
    expect(names).toContain("bin/sh");
    expect(names).not.toContain("bin/vi");
    expect(names.some((n) => n.includes(".wh."))).toBe(false);
    expect(sb.ok(["import", out, "reimported"])).toMatch(/^sha256:/);
    expect(sb.ok(["run", "--rm", "reimported", "cat", "/added"])).toBe("hi");

    // cp out of a stopped container: a file, a directory, contents with "/."
    const host = `${sb.root}/cp-out`;
    mkdirSync(host);
    sb.ok(["cp", `${name}:/added`, `${host}/copied`]);
    expect(readFileSync(`${host}/copied`, "utf8")).toBe("hi\n");
    sb.ok(["cp", `${name}:/d`, host]);
    expect(readFileSync(`${host}/d/e/f`, "utf8")).toBe("deep\n");
    expect(sb.run(["cp", `${name}:/bin/vi`, host]).code).not.toBe(0);
    // cp into a stopped container lands in its upperdir; the next start sees it
    writeFileSync(`${host}/in.txt`, "into stopped\n");
    sb.ok(["cp", `${host}/in.txt`, `${name}:/d/`]);
    // a symlink at the destination is replaced, not written through under its own name elsewhere
    sb.ok(["cp", `${host}/in.txt`, `${name}:/lnk`]);
    const running = `${name}-run`;
    sb.ok(["run", "-d", "--name", running, "busybox", "sleep", "60"]);
    try {
      writeFileSync(`${host}/live.txt`, "into running\n");
      sb.ok(["cp", `${host}/live.txt`, `${running}:/tmp/live.txt`]);
      sb.ok(["cp", `${running}:/tmp/live.txt`, `${host}/back.txt`]);
      expect(readFileSync(`${host}/back.txt`, "utf8")).toBe("into running\n");
      const tarOut = sb.run(["cp", `${running}:/etc/passwd`, "-"]);
      expect(tarOut.stdout).toContain("root:x:0:0");
      // a whole running root: its /proc, /sys, /dev mounts come out empty
      sb.ok(["cp", `${running}:/`, `${host}/root-copy`]);
      expect(readFileSync(`${host}/root-copy/etc/passwd`, "utf8")).toContain("root:x:0:0");
      expect(readdirSync(`${host}/root-copy/proc`)).toEqual([]);
      // "dir/." copies a directory's contents to a new destination
      mkdirSync(`${host}/src-dir`);
      writeFileSync(`${host}/src-dir/a`, "A\n");
      sb.ok(["cp", `${host}/src-dir/.`, `${running}:/newdir`]);
      expect(sb.ok(["exec", running, "cat", "/newdir/a"])).toBe("A");
    } finally {
      sb.run(["rm", "-f", running]);
    }
    sb.ok(["commit", name, "withcp"]);
    expect(sb.ok(["run", "--rm", "withcp", "cat", "/d/in.txt"])).toBe("into stopped");
    expect(sb.ok(["run", "--rm", "withcp", "sh", "-c", "cat /lnk; if test -e /etc/lnk; then echo misplaced; fi"])).toBe("into stopped");
    sb.ok(["rm", name]);
    sb.ok(["rmi", "withcp", "reimported"]);
    rmSync(host, { recursive: true, force: true });
  });

  describe.skipIf(!havePodman)("podman interop", () => {
    const pmRoot = `/tmp/mydocker-podman-${process.pid}`;
    const podman = (...args: string[]) => {
      const r = Bun.spawnSync(["podman", "--root", `${pmRoot}/root`, "--runroot", `${pmRoot}/run`, "--storage-driver", "vfs", ...args], { stderr: "pipe" });
      if (r.exitCode !== 0) throw new Error(`podman ${args.join(" ")}: ${r.stderr.toString()}`);
      return r.stdout.toString().trim();
    };
    afterAll(() => {
      try { podman("rmi", "-a", "-f"); } catch { /* best effort */ }
      rmSync(pmRoot, { recursive: true, force: true });
    });

    test("podman loads our archive with the same image id; mydocker loads podman's docker and OCI archives", () => {
      const ours = `${sb.root}/for-podman.tar`;
      sb.ok(["save", "-o", ours, "two:layers"]);
      podman("load", "-i", ours);
      const id = sb.ok(["image", "inspect", "-f", "{{.Id}}", "two:layers"]);
      expect(podman("image", "inspect", "-f", "{{.Id}}", "two:layers")).toBe(id.slice(7));
      podman("save", "--format", "docker-archive", "-o", `${sb.root}/pm-docker.tar`, "two:layers");
      podman("save", "--format", "oci-archive", "-o", `${sb.root}/pm-oci.tar`, "two:layers");
      sb.ok(["rmi", "two:layers"]);
      expect(sb.ok(["load", "-i", `${sb.root}/pm-docker.tar`])).toBe("Loaded image: two:layers");
      expect(sb.ok(["image", "inspect", "-f", "{{.Id}}", "two:layers"])).toBe(id);
      expect(sb.ok(["run", "--rm", "two:layers"])).toBe("bar\n/work");
      sb.ok(["rmi", "two:layers"]);
      expect(sb.ok(["load", "-i", `${sb.root}/pm-oci.tar`])).toBe("Loaded image: two:layers");
      expect(sb.ok(["run", "--rm", "two:layers", "cat /hello"])).toBe("from layer 2");
    });
  });

  test("nothing is left on the host", () => {
    expect(sb.leftovers()).toEqual([]);
  });
});
