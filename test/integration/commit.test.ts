// commit: a container's changes (added, changed, deleted files, replaced directories) become a
// layer on top of its image; the new image runs, saves and loads, and takes -c/-m/-a.

import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { eventually, IS_ROOT, useSandbox } from "./harness";

describe.skipIf(!IS_ROOT)("commit", () => {
  const sb = useSandbox("commit");
  const layerNames = (image: string): string[] => {
    const out = `${sb.root}/layer-check.tar`;
    sb.ok(["save", "-o", out, image]);
    const manifest = JSON.parse(Bun.spawnSync(["tar", "-xOf", out, "manifest.json"]).stdout.toString());
    const top = manifest[0].Layers.at(-1);
    const layer = Bun.spawnSync(["tar", "-xOf", out, top]).stdout;
    return Bun.spawnSync(["tar", "-t"], { stdin: layer }).stdout.toString().trim().split("\n");
  };

  test("added, changed and deleted files and a replaced directory survive commit; deletions stay deleted", () => {
    sb.ok(["run", "--name", "src1", "busybox", "sh", "-c",
      "echo new > /added; echo changed >> /etc/group; rm /bin/vi; rm -rf /usr; mkdir -p /usr/x; echo y > /usr/x/y"]);
    const id = sb.ok(["commit", "src1", "committed:1"]);
    expect(id).toMatch(/^sha256:[a-f0-9]{64}$/);
    const out = sb.ok(["run", "--rm", "committed:1", "sh", "-c",
      "cat /added; tail -1 /etc/group; test -e /bin/vi || echo vi-deleted; ls /usr; test -e /usr/bin || echo usr-bin-gone"]);
    expect(out).toBe("new\nchanged\nvi-deleted\nx\nusr-bin-gone");
    const names = layerNames("committed:1");
    expect(names).toContain("bin/.wh.vi");
    expect(names).toContain("usr/.wh..wh..opq");
    expect(names).toContain("added");
    // the mount placeholders _init made are not content
    for (const p of ["etc/hostname", "etc/hosts", "etc/resolv.conf"]) expect(names).not.toContain(p);
    sb.ok(["rm", "src1"]);
  });

  test("-c changes, -m and -a land in the config; the container's own settings are kept", () => {
    sb.ok(["run", "--name", "src2", "-e", "KEPT=1", "-w", "/tmp", "busybox", "true"]);
    sb.ok(["commit", "-m", "my message", "-a", "Me <me@example.com>",
      "-c", 'CMD ["sh", "-c", "echo $KEPT $ADDED; pwd"]', "-c", "ENV ADDED=2", "-c", "LABEL team=core", "-c", "EXPOSE 8080",
      "src2", "committed:2"]);
    expect(sb.ok(["run", "--rm", "committed:2"])).toBe("1 2\n/tmp");
    const info = JSON.parse(sb.ok(["image", "inspect", "committed:2"]))[0];
    expect(info.Author).toBe("Me <me@example.com>");
    expect(info.Comment).toBe("my message");
    expect(info.Config.Labels).toEqual({ team: "core" });
    expect(info.Config.ExposedPorts).toEqual({ "8080/tcp": {} });
    expect(info.Config.Env.some((e: string) => e.startsWith("HOSTNAME="))).toBe(false);
    expect(info.RootFS.Layers).toHaveLength(2);
    expect(sb.ok(["history", "-q", "committed:2"]).split("\n")).toHaveLength(2);
    expect(sb.run(["commit", "-c", "BOGUS x", "src2", "bad:1"]).code).toBe(125);
    expect(sb.run(["commit", "nosuchcontainer", "bad:1"]).code).toBe(125);
    sb.ok(["rm", "src2"]);
  });

  test("a running container can be committed; it is paused meanwhile, and left as it was", async () => {
    const cid = sb.ok(["run", "-d", "busybox", "sh", "-c", "echo live > /live; sleep 60"]);
    try {
      const upper = `${sb.root}/containers/${cid}/upper/live`;
      expect(await eventually(() => existsSync(upper) && readFileSync(upper, "utf8") === "live\n")).toBe(true);
      // paused meanwhile (-p, Docker's default), then thawed: 40 MB to pack keeps the commit long
      // enough for the record, read every millisecond, to be seen saying so
      sb.ok(["exec", cid, "dd", "if=/dev/zero", "of=/bulk", "bs=1M", "count=40"]);
      const recorded = () => JSON.parse(readFileSync(`${sb.root}/containers/${cid}/state.json`, "utf8")).Status;
      const seen = async (args: string[]) => {
        const commit = sb.spawn(args);
        const statuses = new Set<string>();
        while (commit.exitCode === null) { statuses.add(recorded()); await Bun.sleep(1); }
        expect(await commit.exited).toBe(0);
        return statuses;
      };
      expect(await seen(["commit", cid, "committed:live"])).toContain("paused");
      expect(sb.ok(["run", "--rm", "committed:live", "cat", "/live"])).toBe("live");
      const status = () => sb.ok(["inspect", "--format", "{{.State.Status}}", cid]);
      expect(status()).toBe("running");
      expect(await seen(["commit", "--pause=false", cid, "committed:nopause"])).not.toContain("paused");
      expect(status()).toBe("running");
      // a container the user paused stays paused
      sb.ok(["pause", cid]);
      sb.ok(["commit", cid, "committed:paused"]);
      expect(status()).toBe("paused");
      sb.ok(["rmi", "committed:nopause", "committed:paused"]);
    } finally {
      sb.run(["rm", "-f", cid]);
    }
  });

  test("diff lists what a container added (A), changed (C) and deleted (D), as docker diff", () => {
    // a fresh container shows nothing: _init's mount targets (hostname, hosts, resolv.conf, /proc,
    // a volume's directory) and the directories copied up to hold them are not the user's changes
    sb.ok(["run", "--name", "pristine", "--network", "none", "-v", "/data", "busybox", "true"]);
    expect(sb.ok(["diff", "pristine"])).toBe("");
    sb.ok(["run", "--name", "changed", "--network", "none", "busybox", "sh", "-c",
      "touch /tmp/x; mkdir -p /new/sub; echo hi > /new/sub/f; rm /bin/ls; echo a >> /etc/passwd; chmod 700 /home; rm -rf /var; mkdir /var; touch /var/y"]);
    expect(sb.ok(["container", "diff", "changed"]).split("\n")).toEqual([
      "C /bin", "D /bin/ls", "C /etc", "C /etc/passwd", "C /home", "A /new", "A /new/sub", "A /new/sub/f", "C /tmp", "A /tmp/x",
      // /var replaced by a new directory (opaque): what the image had in it is deleted
      "C /var", "D /var/spool", "D /var/www", "A /var/y",
    ]);
    const r = sb.run(["diff", "nosuch"]);
    expect([r.code, r.stderr.trim()]).toEqual([125, "mydocker: No such container: nosuch"]);
    sb.ok(["rm", "pristine", "changed"]);
  });

  test("a committed image saves, loads after rmi, and runs", () => {
    const file = `${sb.root}/committed.tar`;
    const id = sb.ok(["image", "inspect", "-f", "{{.Id}}", "committed:1"]);
    sb.ok(["save", "-o", file, "committed:1"]);
    sb.ok(["rmi", "committed:1"]);
    expect(sb.ok(["load", "-i", file])).toBe("Loaded image: committed:1");
    expect(sb.ok(["image", "inspect", "-f", "{{.Id}}", "committed:1"])).toBe(id);
    expect(sb.ok(["run", "--rm", "committed:1", "sh", "-c", "cat /added; test -e /bin/vi || echo gone"])).toBe("new\ngone");
    // commit of a container with no changes makes an empty layer, still a valid image
    sb.ok(["create", "--name", "nochange", "busybox", "true"]);
    sb.ok(["commit", "nochange", "committed:empty"]);
    expect(sb.ok(["run", "--rm", "committed:empty", "echo", "ok"])).toBe("ok");
    sb.ok(["rm", "nochange"]);
  });

  test("nothing is left on the host", () => {
    expect(sb.leftovers()).toEqual([]);
  });
});
