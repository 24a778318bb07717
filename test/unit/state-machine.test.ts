import { describe, expect, test } from "bun:test";
import { assertCan, can } from "../../src/container/state-machine";
import { applyExit } from "../../src/container/status";
import { initialState } from "../../src/container/record";
import { parseLogSize } from "../../src/container/create";
import { parseRestartPolicy } from "../../src/container/plan";

describe("container state machine", () => {
  test("what each state accepts", () => {
    expect(can("start", "created")).toBe(true);
    expect(can("start", "exited")).toBe(true);
    expect(can("start", "running")).toBe(false);
    expect(can("remove", "running")).toBe(false);
    expect(can("forceRemove", "running")).toBe(true);
    expect(can("exec", "running")).toBe(true);
    expect(can("exec", "exited")).toBe(false);
    expect(can("kill", "exited")).toBe(false);
    expect(() => assertCan("remove", "running", "web")).toThrow(/stop the container before removing or force remove/);
  });

  test("paused: only unpause, kill, stop, rm -f, commit, update and wait; Docker's messages for the rest", () => {
    for (const op of ["unpause", "kill", "forceRemove", "commit", "update", "wait"] as const) expect(can(op, "paused")).toBe(true);
    for (const op of ["pause", "start", "exec", "attach", "remove"] as const) expect(can(op, "paused")).toBe(false);
    expect(can("pause", "running")).toBe(true);
    expect(can("unpause", "running")).toBe(false);
    expect(() => assertCan("pause", "paused", "web")).toThrow("container web is already paused");
    expect(() => assertCan("pause", "exited", "web")).toThrow("container web is not running");
    expect(() => assertCan("pause", "restarting", "web")).toThrow("container web is restarting, wait until the container is running");
    expect(() => assertCan("unpause", "running", "web")).toThrow("container web is not paused");
    expect(() => assertCan("exec", "paused", "web")).toThrow("container web is paused, unpause the container first");
    expect(() => assertCan("start", "paused", "web")).toThrow("cannot start a paused container web, try unpause instead");
    expect(() => assertCan("attach", "paused", "web")).toThrow("you cannot attach to a paused container, unpause it first: web");
  });

  test("an exit record turns a running state into exited; without one the code is unknown", () => {
    const running = { ...initialState(), Status: "running" as const, Pid: 10 };
    const s = applyExit(running, { exitCode: 3, signal: 0, oomKilled: false, finishedAt: "2026-01-01T00:00:00Z", error: "" });
    expect(s.Status).toBe("exited");
    expect(s.ExitCode).toBe(3);
    expect(s.Pid).toBe(0);
    expect(applyExit(running, undefined).ExitCode).toBe(255);
  });

  test("restart policies and log sizes parse as Docker's", () => {
    expect(parseRestartPolicy("on-failure:3")).toEqual({ Name: "on-failure", MaximumRetryCount: 3 });
    expect(parseRestartPolicy(undefined)).toEqual({ Name: "no", MaximumRetryCount: 0 });
    expect(() => parseRestartPolicy("always:3")).toThrow();
    expect(parseLogSize("10k")).toBe(10240);
    expect(parseLogSize("20m")).toBe(20 * 1024 * 1024);
    expect(() => parseLogSize("lots")).toThrow();
  });
});
