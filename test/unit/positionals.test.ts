import { describe, expect, test } from "bun:test";
import { positionalsError } from "../../src/commands/_define";

describe("positional counts, in Docker's words", () => {
  test("fine counts pass, wrong ones name the rule", () => {
    expect(positionalsError("rm", 2, { min: 1 })).toBeNull();
    expect(positionalsError("rm", 0, { min: 1 })).toBe(`"mydocker rm" requires at least 1 argument.\nSee 'mydocker rm --help'.`);
    expect(positionalsError("tag", 1, { min: 2, max: 2 })).toStartWith(`"mydocker tag" requires exactly 2 arguments.`);
    expect(positionalsError("logout", 2, { max: 1 })).toStartWith(`"mydocker logout" requires at most 1 argument.`);
    expect(positionalsError("import", 3, { min: 1, max: 2 })).toStartWith(`"mydocker import" requires at least 1 and at most 2 arguments.`);
    expect(positionalsError("ps", 5, undefined)).toBeNull();
  });
});
