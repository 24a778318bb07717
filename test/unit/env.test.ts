import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { containerEnv, mergeEnv, parseEnvArg, readEnvFile } from "../../src/container/env";

describe("container environment", () => {
  test("PATH default, HOSTNAME, image env, user env overriding in place", () => {
    const env = containerEnv(["FOO=image", "BAR=1"], ["FOO=user", "NEW=x"], "h1", false);
    expect(env).toEqual(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=h1", "FOO=user", "BAR=1", "NEW=x"]);
    expect(containerEnv(["PATH=/x"], [], "h", true)).toEqual(["PATH=/x", "HOSTNAME=h", "TERM=xterm"]);
  });

  test("-e parsing: K=V, bare K from the caller, malformed refused", () => {
    expect(parseEnvArg("A=b=c", "-e")).toBe("A=b=c");
    process.env.MYDOCKER_TEST_VAR = "v";
    expect(parseEnvArg("MYDOCKER_TEST_VAR", "-e")).toBe("MYDOCKER_TEST_VAR=v");
    expect(parseEnvArg("MYDOCKER_UNSET_VAR", "-e")).toBeUndefined();
    expect(() => parseEnvArg("=x", "-e")).toThrow(/invalid environment variable/);
  });

  test("--env-file skips comments and blank lines", () => {
    const dir = mkdtempSync(`${tmpdir()}/envfile-`);
    try {
      writeFileSync(`${dir}/f`, "# c\n\nA=1\n  B=2\r\nC=with spaces\n");
      expect(readEnvFile(`${dir}/f`)).toEqual(["A=1", "B=2", "C=with spaces"]);
      expect(() => readEnvFile(`${dir}/missing`)).toThrow(/no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("mergeEnv keeps first position, last value", () => {
    expect(mergeEnv(["A=1", "B=2"], ["A=3"])).toEqual(["A=3", "B=2"]);
  });
});
