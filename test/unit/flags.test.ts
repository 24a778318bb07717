import { describe, expect, test } from "bun:test";
import { parseFlags } from "../../src/commands/_flags";
import type { Flags } from "../../src/commands/_define";

const flags: Flags = {
  detach: { type: "boolean", alias: "d" },
  interactive: { type: "boolean", alias: "i" },
  tty: { type: "boolean", alias: "t" },
  env: { type: "string", alias: "e", multiple: true },
  memory: { type: "string", alias: "m" },
  network: { type: "string", alias: ["net"] },
  rm: { type: "boolean" },
};

describe("Docker's flag grammar", () => {
  test("combined booleans, attached values, repeated flags", () => {
    const a = parseFlags(["-dit", "-m100m", "-e", "A=1", "--env=B=2", "-eC=3", "img"], flags, true, "run");
    expect(a.detach).toBe(true);
    expect(a.interactive).toBe(true);
    expect(a.tty).toBe(true);
    expect(a.memory).toBe("100m");
    expect(a.env).toEqual(["A=1", "B=2", "C=3"]);
    expect(a._).toEqual(["img"]);
  });

  test("flags stop at the first positional when the verb says so", () => {
    const a = parseFlags(["--rm", "busybox", "ls", "-la", "--rm"], flags, true, "run");
    expect(a._).toEqual(["busybox", "ls", "-la", "--rm"]);
    const b = parseFlags(["a", "--rm", "b"], flags, false, "rm");
    expect(b._).toEqual(["a", "b"]);
    expect(b.rm).toBe(true);
  });

  test("long aliases, --bool=false, and --", () => {
    const a = parseFlags(["--net", "none", "--rm=false", "--", "-x"], flags, false, "run");
    expect(a.network).toBe("none");
    expect(a.rm).toBe(false);
    expect(a._).toEqual(["-x"]);
  });

  test("unknown flags and missing values are errors", () => {
    expect(() => parseFlags(["--nope"], flags, false, "run")).toThrow(/unknown flag/);
    expect(() => parseFlags(["-z"], flags, false, "run")).toThrow(/unknown shorthand flag/);
    expect(() => parseFlags(["-m"], flags, false, "run")).toThrow(/needs an argument/);
    expect(() => parseFlags(["--rm=maybe"], flags, false, "run")).toThrow(/invalid argument/);
  });

  test("--help and -h (when -h is not taken) ask for help", () => {
    expect(parseFlags(["--help"], flags, false, "ps").help).toBe(true);
    expect(parseFlags(["-h"], flags, false, "ps").help).toBe(true);
  });
});
