// Bad input: one clear line on stderr, exit 125, and nothing created. `run` starts the container's
// monitor and init before it has checked everything (early-start.ts): no process of theirs, and
// no directory, may outlive the failed command.

import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { BIN, IS_ROOT, useSandbox } from "./harness";

describe.skipIf(!IS_ROOT)("bad input", () => {
  const sb = useSandbox("errors");

  const cases: [string, string[], RegExp][] = [
    // --pull never: the default (missing) would ask Docker Hub; tests stay on loopback
    ["unknown image", ["run", "--pull", "never", "nosuchimage"], /Unable to find image 'nosuchimage:latest' locally/],
    ["missing IMAGE", ["run"], /requires at least 1 argument/],
    ["unknown flag", ["run", "--no-such-flag", "busybox"], /unknown flag: 'no-such-flag'/],
    ["malformed -e", ["run", "-e", "=x", "busybox", "true"], /invalid environment variable: =x/],
    ["--env-file missing", ["run", "--env-file", "/nonexistent/env", "busybox", "true"], /\/nonexistent\/env/],
    ["relative workdir", ["run", "-w", "rel", "busybox", "true"], /needs to be an absolute path/],
    ["bad name", ["run", "--name", "bad name!", "busybox", "true"], /invalid container name/],
    ["bad restart policy", ["run", "--restart", "sometimes", "busybox", "true"], /invalid restart policy/],
    ["unknown verb", ["frobnicate"], /is not a mydocker command/],
    ["import of a missing file", ["import", "/nonexistent.tar", "x"], /nonexistent\.tar/],
  ];

  for (const [what, args, message] of cases) {
    test(`${what}: exit 125, one line naming it, nothing created`, () => {
      const before = sb.containerIds().length;
      const r = sb.run(args);
      expect(r.code).toBe(125);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2); // Docker adds "See '… --help'."
      expect(r.stdout).toBe("");
      expect(sb.containerIds().length).toBe(before);
      expect(sb.leftovers()).toEqual([]);
    });
  }

  test("a name in use is refused and the first container is untouched", () => {
    sb.ok(["run", "--name", "taken", "busybox", "true"]);
    const before = sb.containerIds().length;
    const r = sb.run(["run", "--name", "taken", "busybox", "true"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain('The container name "/taken" is already in use');
    expect(sb.containerIds().length).toBe(before);
    expect(sb.leftovers()).toEqual([]);
    sb.ok(["rm", "taken"]);
  });

  test("a name claimed by a create that was killed before its record is free again", () => {
    // what a create SIGKILLed between claiming the name and writing config.json leaves: the
    // claim, and no container directory (the early start's monitor removes the one it made)
    const ghost = "9".repeat(64);
    mkdirSync(`${sb.root}/containers/.names`, { recursive: true });
    writeFileSync(`${sb.root}/containers/.names/orphan`, ghost);
    expect(sb.run(["rm", "orphan"]).stderr).toContain("No such container: orphan");
    sb.ok(["run", "-d", "--name", "orphan", "busybox", "sleep", "30"]);
    const r = sb.run(["run", "--name", "orphan", "busybox", "true"]); // a live holder still wins
    expect(r.stderr).toContain('The container name "/orphan" is already in use');
    sb.ok(["rm", "-f", "orphan"]);
    expect(sb.leftovers()).toEqual([]);
  });

  test("not root: 'mydocker needs root', exit 125", () => {
    const r = Bun.spawnSync(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", BIN, "--root", sb.root, "ps"]);
    expect(r.exitCode).toBe(125);
    expect(r.stderr.toString()).toContain("mydocker needs root");
  });

  test("no such container names it", () => {
    const r = sb.run(["rm", "ghost"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain("No such container: ghost");
  });
});
