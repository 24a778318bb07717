// The registry module's pure parts: WWW-Authenticate parsing, Docker's config.json, platform
// selection in manifest lists, manifest parsing, which hosts may use plain HTTP.

import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { authKey, dockerConfigDir, keyHost, lookupCredentials, parseChallenges } from "../../src/image/registry/auth";
import { eraseCredentials, storeCredentials } from "../../src/image/registry/credential-store";
import { apiHost, isInsecure, isLoopback } from "../../src/image/registry/client";
import { MEDIA, parseManifest, parsePlatform, selectPlatform, type ManifestIndex } from "../../src/image/registry/manifest";
import { bar } from "../../src/image/registry/progress";
import { canonicalString } from "../../src/image/pull";
import { parseReference } from "../../src/image/reference";

describe("WWW-Authenticate", () => {
  test("Docker Hub's bearer challenge", () => {
    expect(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"')).toEqual([
      { scheme: "bearer", params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/busybox:pull" } },
    ]);
  });
  test("basic, several challenges, escapes and commas inside quotes", () => {
    expect(parseChallenges('Basic realm="a \\"b\\", c"')).toEqual([{ scheme: "basic", params: { realm: 'a "b", c' } }]);
    const two = parseChallenges('Basic realm="x", Bearer realm="https://t/token",scope="repository:a:pull,push"');
    expect(two.map((c) => c.scheme)).toEqual(["basic", "bearer"]);
    expect(two[1].params.scope).toBe("repository:a:pull,push");
    expect(parseChallenges(null)).toEqual([]);
  });
});

describe("Docker's config.json", () => {
  const dir = mkdtempSync(join(tmpdir(), "mdt-unit-auth-"));
  test("location: DOCKER_CONFIG, else $HOME/.docker", () => {
    expect(dockerConfigDir({ HOME: "/home/x" })).toBe("/home/x/.docker");
    expect(dockerConfigDir({ HOME: "/home/x", DOCKER_CONFIG: "/etc/d" })).toBe("/etc/d");
  });
  test("keys: Docker Hub's URL, host[:port] with or without a scheme", () => {
    expect(authKey("docker.io")).toBe("https://index.docker.io/v1/");
    expect(authKey("localhost:5000")).toBe("localhost:5000");
    expect(keyHost("https://index.docker.io/v1/")).toBe("index.docker.io");
    expect(keyHost("http://Reg.example:5000/")).toBe("reg.example:5000");
  });
  test("store, look up, erase; mode 0600; other fields kept", () => {
    writeFileSync(join(dir, "config.json"), JSON.stringify({ psFormat: "table", auths: { "https://reg.example:5000": { auth: "b2xkOm9sZA==" } } }));
    storeCredentials("reg.example:5000", { username: "bob", password: "p:a:ss" }, dir);
    const c = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    expect(c.psFormat).toBe("table");
    expect(Object.keys(c.auths)).toEqual(["reg.example:5000"]);
    expect(statSync(join(dir, "config.json")).mode & 0o777).toBe(0o600);
    expect(lookupCredentials("reg.example:5000", dir)).toEqual({ username: "bob", password: "p:a:ss", identityToken: undefined });
    storeCredentials("docker.io", { username: "hub", password: "pw" }, dir);
    expect(lookupCredentials("index.docker.io", dir)?.username).toBe("hub");
    expect(lookupCredentials("other:1", dir)).toBeUndefined();
    expect(eraseCredentials("reg.example:5000", dir)).toBe(true);
    expect(eraseCredentials("reg.example:5000", dir)).toBe(false);
    expect(lookupCredentials("reg.example:5000", dir)).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("hosts", () => {
  test("Docker Hub's API host; loopback and --insecure-registry allow HTTP", () => {
    expect(apiHost("docker.io")).toBe("registry-1.docker.io");
    expect(apiHost("ghcr.io")).toBe("ghcr.io");
    for (const h of ["localhost:5000", "127.0.0.1:5000", "127.9.9.9", "[::1]:5000", "localhost"]) expect(isLoopback(h)).toBe(true);
    for (const h of ["192.0.2.2:5000", "example.com", "127.example.com"]) expect(isLoopback(h)).toBe(false);
    expect(isInsecure("reg.lan:5000", ["reg.lan:5000"])).toBe(true);
    expect(isInsecure("reg.lan:5000", ["http://reg.lan:5000/"])).toBe(true);
    expect(isInsecure("reg.lan:5000", ["reg.lan"])).toBe(true);
    expect(isInsecure("reg.lan:5000", ["other:5000"])).toBe(false);
    expect(isInsecure("10.1.2.3:5000", ["10.0.0.0/8"])).toBe(true);
    expect(isInsecure("11.1.2.3:5000", ["10.0.0.0/8"])).toBe(false);
    expect(isInsecure("ghcr.io")).toBe(false);
  });
  test("canonical references", () => {
    expect(canonicalString(parseReference("busybox"))).toBe("docker.io/library/busybox:latest");
    expect(canonicalString(parseReference("localhost:5000/a/b:v1"))).toBe("localhost:5000/a/b:v1");
    const d = `sha256:${"a".repeat(64)}`;
    expect(canonicalString(parseReference(`me/app@${d}`))).toBe(`docker.io/me/app@${d}`);
  });
});

describe("manifests and platforms", () => {
  const desc = (arch: string, extra: object = {}) => ({ mediaType: MEDIA.ociManifest, digest: `sha256:${arch.padEnd(64, "0").replace(/[^a-f0-9]/g, "0")}`, size: 1, platform: { os: "linux", architecture: arch, ...extra } });
  const index: ManifestIndex = {
    kind: "index", mediaType: MEDIA.ociIndex,
    manifests: [desc("arm", { variant: "v6" }), desc("arm", { variant: "v7" }), desc("arm64", { variant: "v8" }), desc("amd64"),
      { mediaType: MEDIA.ociManifest, digest: `sha256:${"f".repeat(64)}`, size: 1, platform: { os: "unknown", architecture: "unknown" } }],
  };
  test("parsePlatform normalises", () => {
    expect(parsePlatform("linux/amd64")).toEqual({ os: "linux", architecture: "amd64" });
    expect(parsePlatform("linux/x86_64")).toEqual({ os: "linux", architecture: "amd64" });
    expect(parsePlatform("linux/arm64/v8")).toEqual({ os: "linux", architecture: "arm64" });
    expect(parsePlatform("linux/arm")).toEqual({ os: "linux", architecture: "arm", variant: "v7" });
    expect(parsePlatform("arm64")).toEqual({ os: "linux", architecture: "arm64" });
    for (const bad of ["", "linux/", "a/b/c/d", "linux amd64"]) expect(() => parsePlatform(bad)).toThrow("invalid platform");
  });
  test("selectPlatform: exact match, variants, attestations never chosen", () => {
    expect(selectPlatform(index, parsePlatform("linux/amd64"))?.platform?.architecture).toBe("amd64");
    expect(selectPlatform(index, parsePlatform("linux/arm64"))?.platform?.variant).toBe("v8");
    expect(selectPlatform(index, parsePlatform("linux/arm/v6"))?.platform?.variant).toBe("v6");
    expect(selectPlatform(index, parsePlatform("linux/arm"))?.platform?.variant).toBe("v7");
    expect(selectPlatform(index, parsePlatform("linux/s390x"))).toBeUndefined();
    expect(selectPlatform(index, { os: "unknown", architecture: "unknown" })).toBeUndefined();
  });
  test("parseManifest: kinds, media type from the header, bad input named", () => {
    const m = new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, config: { digest: `sha256:${"1".repeat(64)}`, size: 2 }, layers: [] }));
    expect(parseManifest(m, `${MEDIA.dockerManifest}; charset=utf-8`)).toMatchObject({ kind: "manifest", mediaType: MEDIA.dockerManifest });
    expect(parseManifest(m)).toMatchObject({ kind: "manifest", mediaType: MEDIA.ociManifest });
    expect(parseManifest(new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, manifests: [] })))).toMatchObject({ kind: "index" });
    expect(() => parseManifest(new TextEncoder().encode("{"))).toThrow("not JSON");
    expect(() => parseManifest(new TextEncoder().encode(JSON.stringify({ schemaVersion: 1, fsLayers: [] })))).toThrow("schema 1");
    expect(() => parseManifest(new TextEncoder().encode(JSON.stringify({ config: { digest: "md5:x", size: 1 }, layers: [] })))).toThrow("unsupported digest");
  });
  test("progress bar", () => {
    expect(bar(0, 100)).toBe(`[>${" ".repeat(49)}]  0B/100B`);
    expect(bar(1_500_000, 3_000_000)).toBe(`[${"=".repeat(25)}>${" ".repeat(24)}]  1.50MB/3.00MB`);
  });
});
