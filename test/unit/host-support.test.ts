import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { filesystemsOf, requireOverlayfs } from "../../src/storage/host-support";

describe("host support", () => {
  test("/proc/filesystems is read as a set of names", () => {
    expect(filesystemsOf("nodev\tsysfs\n\text4\nnodev\toverlay\n").has("overlay")).toBe(true);
  });
  test("a kernel without overlayfs is named as such", () => {
    const dir = mkdtempSync(`${tmpdir()}/fs-`);
    try {
      writeFileSync(`${dir}/filesystems`, "nodev\tsysfs\n\text4\n");
      expect(() => requireOverlayfs(`${dir}/filesystems`)).toThrow(/no overlayfs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
