// Volumes and mounts: named (copy-up from the image, data outlives containers), anonymous
// (removed by rm -v and --rm), binds (host dir created, :ro), --mount, --tmpfs, --read-only, the
// volume verbs, bad specs (exit 125, nothing made), and mount targets that are symlinks out of
// the rootfs (`/data -> /etc` must not reach the host's /etc).

import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { IS_ROOT, useSandbox } from "./harness";

describe.skipIf(!IS_ROOT)("volumes", () => {
  const sb = useSandbox("volumes");
  const volumes = () => sb.ok(["volume", "ls", "-q"]).split("\n").filter(Boolean);

  test("a named volume is created on first use, filled from the image, and outlives its containers", () => {
    sb.ok(["run", "--name", "v1", "-v", "data1:/etc", "busybox", "sh", "-c", "echo kept > /etc/mine"]);
    expect(volumes()).toEqual(["data1"]);
    const info = JSON.parse(sb.ok(["volume", "inspect", "data1"]))[0];
    expect(info).toMatchObject({ Name: "data1", Driver: "local", Scope: "local", Mountpoint: `${sb.root}/volumes/data1/_data` });
    expect(readFileSync(`${info.Mountpoint}/passwd`, "utf8")).toContain("root:x:0:0"); // copied from the image's /etc
    const mounts = JSON.parse(sb.ok(["inspect", "-f", "{{json .Mounts}}", "v1"]));
    expect(mounts).toEqual([{ Type: "volume", Name: "data1", Source: info.Mountpoint, Destination: "/etc", Driver: "local", Mode: "z", RW: true, Propagation: "" }]);
    expect(sb.ok(["inspect", "-f", "{{json .HostConfig.Binds}}", "v1"])).toBe(`["data1:/etc"]`);
    // in use (by a stopped container): cannot be removed
    const r = sb.run(["volume", "rm", "data1"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("in use");
    sb.ok(["rm", "-v", "v1"]); // -v removes anonymous volumes only
    expect(volumes()).toEqual(["data1"]);
    expect(sb.ok(["run", "--rm", "-v", "data1:/data:ro", "busybox", "sh", "-c", "cat /data/mine; touch /data/x 2>/dev/null || echo ro"])).toBe("kept\nro");
    expect(JSON.parse(sb.ok(["volume", "ls", "--format", "json"])).Name).toBe("data1");
    expect(sb.ok(["volume", "rm", "data1"])).toBe("data1");
    expect(volumes()).toEqual([]);
    expect(sb.run(["volume", "inspect", "data1"]).code).toBe(125);
  });

  test("anonymous volumes: rm keeps them, rm -v and --rm remove them; prune removes unused ones", () => {
    sb.ok(["run", "--name", "a1", "-v", "/anon", "busybox", "sh", "-c", "echo x > /anon/f"]);
    const [anon] = volumes();
    expect(anon).toMatch(/^[a-f0-9]{64}$/);
    expect(sb.ok(["volume", "inspect", "-f", "{{json .Labels}}", anon])).toBe(`{"com.docker.volume.anonymous":""}`);
    sb.ok(["rm", "-v", "a1"]);
    expect(volumes()).toEqual([]);
    sb.ok(["run", "--rm", "-v", "/anon2", "busybox", "true"]);
    expect(volumes()).toEqual([]);
    sb.ok(["run", "--name", "a2", "-v", "/anon3", "busybox", "true"]);
    sb.ok(["rm", "a2"]);
    expect(volumes()).toHaveLength(1);
    sb.ok(["volume", "create", "named-keep"]);
    const out = sb.ok(["volume", "prune", "-f"]);
    expect(out).toContain("Deleted Volumes:");
    expect(volumes()).toEqual(["named-keep"]);
    sb.ok(["volume", "prune", "-a", "-f"]);
    expect(volumes()).toEqual([]);
  });

  test("binds: the host directory is made when missing, :ro is read-only; --mount, --tmpfs, --read-only", () => {
    const host = `${sb.root}/bind/sub`;
    sb.ok(["run", "--rm", "-v", `${host}:/h`, "busybox", "sh", "-c", "echo from-container > /h/f"]);
    expect(readFileSync(`${host}/f`, "utf8")).toBe("from-container\n");
    expect(sb.ok(["run", "--rm", "-v", `${host}:/h:ro`, "busybox", "sh", "-c", "cat /h/f; echo x > /h/g 2>/dev/null || echo ro"])).toBe("from-container\nro");
    expect(sb.ok(["run", "--rm", "--mount", `type=bind,source=${host},target=/m,readonly`, "busybox", "sh", "-c", "cat /m/f; touch /m/z 2>/dev/null || echo ro"])).toBe("from-container\nro");
    expect(sb.ok(["run", "--rm", "--mount", "type=volume,src=mvol,dst=/mv", "busybox", "sh", "-c", "echo v > /mv/v; cat /mv/v"])).toBe("v");
    expect(volumes()).toContain("mvol");
    sb.ok(["volume", "rm", "mvol"]);
    const t = sb.ok(["run", "--rm", "--tmpfs", "/t:size=1m", "--mount", "type=tmpfs,dst=/t2,tmpfs-size=2m", "busybox", "sh", "-c", "grep -E ' /t2? ' /proc/mounts"]);
    expect(t).toMatch(/^tmpfs \/t tmpfs rw,nosuid,nodev,noexec,.*size=1024k/m);
    expect(t).toMatch(/^tmpfs \/t2 tmpfs .*size=2048k/m);
    expect(sb.ok(["run", "--rm", "--tmpfs", "/x:exec", "busybox", "sh", "-c", "grep ' /x ' /proc/mounts"])).not.toContain("noexec");
    expect(sb.ok(["run", "--rm", "--read-only", "-v", "rwvol:/w", "busybox", "sh", "-c", "touch /x 2>/dev/null || echo root-ro; touch /w/ok && echo vol-rw"])).toBe("root-ro\nvol-rw");
    sb.ok(["volume", "rm", "rwvol"]);
  });

  test("bad specs fail with 125 and make nothing", () => {
    const before = sb.containerIds().length;
    const bad = [
      ["-v", ":"], ["-v", "::"], ["-v", "rel/dir:/x"], ["-v", "./rel:/x"], ["-v", "/a:/b:bogus"], ["-v", "/a:rel"],
      ["-v", "/a:/b:c:d"], ["-v", "vol:/"], ["--mount", "type=nfs,dst=/x"], ["--mount", "type=bind,src=/nonexistent-mydocker,dst=/x"],
      ["--mount", "dst=/x,color=blue"], ["--mount", "type=volume"], ["--tmpfs", "relative"], ["--tmpfs", "/t:bogus"],
      ["-v", "dup:/same", "-v", "/tmp:/same"],
    ];
    for (const args of bad) {
      const r = sb.run(["run", "--rm", ...args, "busybox", "true"]);
      expect({ args, code: r.code }).toEqual({ args, code: 125 });
      expect(r.stderr).toMatch(/^mydocker: /);
    }
    expect(sb.containerIds().length).toBe(before);
    expect(volumes()).toEqual([]);
    expect(existsSync("/a")).toBe(false);
  });

  test("a mount target that is a symlink out of the rootfs stays inside it (/data -> /etc)", () => {
    sb.ok(["run", "--name", "mklink", "busybox", "sh", "-c", "ln -s /etc /data && ln -s ../../../../etc /rel"]);
    sb.ok(["commit", "mklink", "linky"]);
    sb.ok(["rm", "mklink"]);
    const marker = `mydocker-escape-${process.pid}`;
    const hostEtcBefore = readdirSync("/etc").sort();
    // a named volume over /data: lands on the container's /etc; copy-up copies the image's /etc
    sb.ok(["run", "--rm", "-v", "esc:/data", "linky", "sh", "-c", `echo pwned > /data/${marker}`]);
    expect(existsSync(`/etc/${marker}`)).toBe(false);
    const vol = `${sb.root}/volumes/esc/_data`;
    expect(readFileSync(`${vol}/${marker}`, "utf8")).toBe("pwned\n");
    const base = JSON.parse(sb.ok(["image", "inspect", "-f", "{{json .RootFS.Layers}}", "busybox"]))[0].slice(7);
    expect(readFileSync(`${vol}/group`, "utf8")).toBe(readFileSync(`${sb.root}/image/layers/${base}/diff/etc/group`, "utf8"));
    expect(existsSync(`${vol}/os-release`) || existsSync(`${vol}/debian_version`)).toBe(false); // nothing of the host's /etc
    // a bind over a relative escape: inside the container, /etc is now the bind
    const host = `${sb.root}/esc-bind`;
    mkdirSync(host, { recursive: true });
    writeFileSync(`${host}/probe`, "bind\n");
    expect(sb.ok(["run", "--rm", "-v", `${host}:/rel`, "linky", "cat", "/etc/probe"])).toBe("bind");
    expect(readdirSync("/etc").sort()).toEqual(hostEtcBefore);
    // cp through the symlink also stays inside
    const cid = sb.ok(["create", "linky", "true"]);
    writeFileSync(`${host}/cpfile`, "cp\n");
    sb.ok(["cp", `${host}/cpfile`, `${cid}:/data/${marker}-cp`]);
    expect(existsSync(`/etc/${marker}-cp`)).toBe(false);
    expect(readFileSync(`${sb.root}/containers/${cid}/upper/etc/${marker}-cp`, "utf8")).toBe("cp\n");
    sb.ok(["rm", cid]);
    sb.ok(["volume", "rm", "esc"]);
    rmSync(host, { recursive: true, force: true });
  });

  test("a volume on /etc keeps the container's own hostname, hosts and resolv.conf on top", () => {
    const out = sb.ok(["run", "--rm", "-h", "etc-host", "-v", "etcvol:/etc", "busybox", "sh", "-c", "cat /etc/hostname; grep -c root /etc/passwd"]);
    expect(out).toBe("etc-host\n1");
    const host = `${sb.root}/hosts-file`;
    require("node:fs").writeFileSync(host, "10.0.0.1 mine\n");
    expect(sb.ok(["run", "--rm", "-v", `${host}:/etc/hosts:ro`, "busybox", "cat", "/etc/hosts"])).toBe("10.0.0.1 mine");
    sb.ok(["volume", "rm", "etcvol"]);
  });

  test("a run that fails after its anonymous volume was made leaves no volume behind", () => {
    const net = `vt${process.pid % 100000}`;
    sb.ok(["network", "create", "--subnet", "10.231.60.0/24", "-o", `com.docker.network.bridge.name=mdtv-${process.pid % 100000}`, net]);
    try {
      const holder = sb.ok(["create", "--network", net, "--ip", "10.231.60.5", "busybox", "true"]);
      const before = sb.ok(["volume", "ls", "-q"]);
      // the taken address is refused by the network's create hook, after the volume's hook ran
      const r = sb.run(["run", "--network", net, "--ip", "10.231.60.5", "-v", "/data", "busybox", "true"]);
      expect(r.code).toBe(125);
      expect(r.stderr).toContain("already in use");
      expect(sb.ok(["volume", "ls", "-q"])).toBe(before);
      sb.ok(["rm", holder]);
    } finally {
      sb.run(["network", "rm", net]);
    }
  });

  test("nothing is left on the host", () => {
    expect(sb.leftovers()).toEqual([]);
  });
});
