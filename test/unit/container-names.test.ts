// Claiming container names (ContainerStore on a temp dir): O_EXCL claims, and the takeover of a
// claim left by a create that was killed before it wrote the record.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerStore } from "../../src/container/store";

const A = "a".repeat(64), B = "b".repeat(64), C = "c".repeat(64);
let root: string;
let store: ContainerStore;

/** A container directory, with its record when `record`. */
function container(id: string, record: boolean): void {
  mkdirSync(store.containerDir(id), { recursive: true });
  if (record) writeFileSync(`${store.containerDir(id)}/config.json`, "{}");
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "mydocker-names-"));
  store = new ContainerStore(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("container names", () => {
  test("a name held by a container with a record is refused", () => {
    container(A, true);
    expect(store.claimName(A, "web")).toBe("web");
    container(B, false);
    expect(() => store.claimName(B, "web")).toThrow(/name "\/web" is already in use by container "a{64}"/);
    expect(store.nameOwner("web")).toBe(A);
  });

  test("a claim whose container directory is gone is taken over", () => {
    container(A, false);
    store.claimName(A, "web");
    rmSync(store.containerDir(A), { recursive: true }); // the killed create's monitor removed it
    container(B, false);
    expect(store.claimName(B, "web")).toBe("web");
    expect(store.nameOwner("web")).toBe(B);
    // the dead create's own cleanup, if it ever runs, must not free the new owner's name
    store.releaseName("web", A);
    expect(store.nameOwner("web")).toBe(B);
  });

  test("a claim with a directory but no record is kept while it is fresh, taken over when old", () => {
    container(A, false); // a create between its claim and its record
    store.claimName(A, "web");
    container(B, false);
    expect(() => store.claimName(B, "web")).toThrow(/already in use/);
    const old = new Date(Date.now() - 120_000);
    utimesSync(`${root}/containers/.names/web`, old, old); // a plain create killed two minutes ago
    expect(store.claimName(B, "web")).toBe("web");
    expect(store.nameOwner("web")).toBe(B);
    container(C, false);
    expect(() => store.claimName(C, "web")).toThrow(/already in use by container "b{64}"/);
  });

  test("release frees only the caller's own claim", () => {
    container(A, true);
    store.claimName(A, "web");
    store.releaseName("web", B);
    expect(store.nameOwner("web")).toBe(A);
    store.releaseName("web", A);
    expect(store.nameOwner("web")).toBeUndefined();
    container(B, false);
    expect(store.claimName(B, "web")).toBe("web");
  });

  test("a takeover waits for the names lock: two takers never both check, then both write", async () => {
    container(A, false);
    store.claimName(A, "web");
    rmSync(store.containerDir(A), { recursive: true }); // stale: its create is gone
    container(B, false);
    // another taker (util-linux flock, the same flock(2) lock) holds the lock for 600 ms
    const holder = Bun.spawn(["flock", "-x", `${root}/containers/.names/.lock`, "-c", "echo held; sleep 0.6"], { stdout: "pipe" });
    const reader = holder.stdout.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("held\n");
    const t0 = performance.now();
    expect(store.claimName(B, "web")).toBe("web");
    expect(performance.now() - t0).toBeGreaterThan(300); // it could not check before the holder let go
    expect(await holder.exited).toBe(0);
    expect(store.nameOwner("web")).toBe(B);
  });
});
