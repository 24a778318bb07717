import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { filesystemsOf, requireOverlayfs } from "../../src/storage/host-support";

describe("host support", () => {
  test("/proc/filesystems is read as a set of names", () => {
    expect(filesystemsOf("nodev\tsysfs\n\text4\nnodev\toverlay\n").has("overlay")).toBe(true);
  });
  test("a kernel without overlayfs is named as such", () => {
    const f = `${mkdtempSync(`${tmpdir()}/fs-`)}/filesystems`;
    writeFileSync(f, "nodev\tsysfs\n\text4\n");
    expect(() => requireOverlayfs(f)).toThrow(/no overlayfs/);
  });
});
