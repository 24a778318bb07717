import { describe, expect, test } from "bun:test";
import { formatRows, humanDuration, humanSize, renderTemplate, table } from "../../src/commands/_format";

describe("output formatting", () => {
  test("human durations as Docker prints them", () => {
    expect(humanDuration(500)).toBe("Less than a second");
    expect(humanDuration(1000)).toBe("1 second");
    expect(humanDuration(3000)).toBe("3 seconds");
    expect(humanDuration(61_000)).toBe("About a minute");
    expect(humanDuration(5 * 60_000)).toBe("5 minutes");
    expect(humanDuration(60 * 60_000)).toBe("About an hour");
    expect(humanDuration(3 * 3600_000)).toBe("3 hours");
    expect(humanDuration(3 * 86400_000)).toBe("3 days");
  });

  test("human sizes use decimal units with 3 significant digits", () => {
    expect(humanSize(1982256)).toBe("1.98MB");
    expect(humanSize(512)).toBe("512B");
    expect(humanSize(4_260_000)).toBe("4.26MB");
  });

  test("tables pad columns by three spaces", () => {
    expect(table(["A", "BB"], [["xxxx", "y"]])).toBe("A      BB\nxxxx   y\n");
  });

  test("templates: fields, json, nested paths, functions", () => {
    const v = { ID: "abc", State: { Pid: 3 }, Labels: { a: "b" }, List: ["x", "y"] };
    expect(renderTemplate("{{.ID}}\\t{{.State.Pid}}", v)).toBe("abc\t3");
    expect(renderTemplate("{{json .State}}", v)).toBe('{"Pid":3}');
    expect(renderTemplate('{{index .Labels "a"}} {{join .List ","}} {{upper .ID}}', v)).toBe("b x,y ABC");
    expect(() => renderTemplate("{{nosuch .ID}}", v)).toThrow(/not defined/);
  });

  test("--format json is one object per line; table TEMPLATE has headers", () => {
    const rows = [{ ID: "1", Names: "a" }, { ID: "2", Names: "b" }];
    expect(formatRows("json", rows, [], () => [])).toBe('{"ID":"1","Names":"a"}\n{"ID":"2","Names":"b"}\n');
    expect(formatRows("table {{.ID}}\t{{.Names}}", rows, [], () => [])).toBe("CONTAINER ID   NAMES\n1              a\n2              b\n");
  });
});
