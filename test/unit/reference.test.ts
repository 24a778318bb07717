import { describe, expect, test } from "bun:test";
import { familiarString, parseReference, splitTagKey } from "../../src/image/reference";

describe("image references", () => {
  test("Docker Hub names normalise to the same key", () => {
    for (const r of ["busybox", "busybox:latest", "library/busybox", "docker.io/library/busybox:latest", "index.docker.io/library/busybox"])
      expect(familiarString(parseReference(r))).toBe("busybox:latest");
  });

  test("registries, ports, tags and digests", () => {
    const r = parseReference("localhost:5000/team/app:v1.2");
    expect(r).toEqual({ domain: "localhost:5000", path: "team/app", tag: "v1.2", digest: undefined });
    const d = parseReference(`busybox@sha256:${"a".repeat(64)}`);
    expect(d.tag).toBeUndefined();
    expect(d.digest).toBe(`sha256:${"a".repeat(64)}`);
    expect(familiarString(parseReference("me/app"))).toBe("me/app:latest");
  });

  test("invalid references are refused", () => {
    expect(() => parseReference("Busybox")).toThrow(/must be lowercase/);
    expect(() => parseReference("bad name")).toThrow(/invalid reference format/);
    expect(() => parseReference("x@sha256:123")).toThrow(/invalid digest/);
    expect(() => parseReference("")).toThrow();
  });

  test("splitTagKey keeps registry ports", () => {
    expect(splitTagKey("localhost:5000/app:v1")).toEqual(["localhost:5000/app", "v1"]);
    expect(splitTagKey("busybox:latest")).toEqual(["busybox", "latest"]);
  });
});
