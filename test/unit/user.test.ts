import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolveUser } from "../../src/container/user";

describe("user resolution inside the container", () => {
  const dir = mkdtempSync(`${tmpdir()}/user-`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(`${dir}/passwd`, "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
  writeFileSync(`${dir}/group`, "root:x:0:\napp:x:1000:\nextra:x:2000:app,other\n");
  const r = (s: string) => resolveUser(s, `${dir}/passwd`, `${dir}/group`);

  test("names, numbers, groups and supplementary groups", () => {
    expect(r("app")).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000, 2000], home: "/home/app" });
    expect(r("")).toEqual({ uid: 0, gid: 0, additionalGids: [0], home: "/root" });
    expect(r("4242")).toEqual({ uid: 4242, gid: 0, additionalGids: [], home: "/" });
    expect(r("app:extra").gid).toBe(2000);
    expect(r("1:7").gid).toBe(7);
  });

  test("unknown names are errors", () => {
    expect(() => r("ghost")).toThrow(/unable to find user ghost/);
    expect(() => r("app:ghosts")).toThrow(/unable to find group ghosts/);
  });
});
