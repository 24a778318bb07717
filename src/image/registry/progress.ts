// Per-layer progress of a pull or push, Docker's shape ("a3ed95caeb02: Downloading  1.2MB/2.3MB"),
// redrawn in place on a terminal (stderr) at most ten times a second. When stderr is not a
// terminal nothing is drawn: scripts get only the final line.

import { err } from "../../output";

export interface Progress {
  /** A line above the layer lines ("latest: Pulling from library/busybox"). */
  note(text: string): void;
  /** Sets a layer's status; current/total draw a bar. */
  update(id: string, status: string, current?: number, total?: number): void;
  /** Draws the last state and stops redrawing. */
  finish(): void;
}

export const silentProgress: Progress = { note() {}, update() {}, finish() {} };

function human(n: number): string {
  if (n < 1000) return `${n}B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)}${units[i]}`;
}

export function bar(current: number, total: number): string {
  const width = 50;
  const filled = total > 0 ? Math.min(width, Math.floor((current / total) * width)) : 0;
  const arrow = filled >= width ? "=".repeat(width) : "=".repeat(filled) + ">" + " ".repeat(width - filled - 1);
  return `[${arrow}]  ${human(current)}/${human(total)}`;
}

export function terminalProgress(write: (s: string) => void = err): Progress {
  const order: string[] = [];
  const lines = new Map<string, string>();
  let drawn = 0;
  let last = 0;
  let timer: Timer | undefined;
  const draw = () => {
    timer = undefined;
    last = Date.now();
    let s = drawn > 0 ? `\x1b[${drawn}A` : "";
    for (const id of order) s += `\x1b[2K${id}: ${lines.get(id)}\n`;
    drawn = order.length;
    write(s);
  };
  const schedule = (now: boolean) => {
    if (now || Date.now() - last >= 100) {
      if (timer) clearTimeout(timer);
      draw();
    } else if (!timer) {
      timer = setTimeout(draw, 100 - (Date.now() - last));
    }
  };
  return {
    note(text) {
      if (timer) { clearTimeout(timer); draw(); }
      write(`${text}\n`);
      drawn = 0;
      order.length = 0;
      lines.clear();
    },
    update(id, status, current, total) {
      const known = lines.has(id);
      if (!known) order.push(id);
      lines.set(id, current !== undefined && total ? `${status} ${bar(current, total)}` : status);
      schedule(!known || current === undefined);
    },
    finish() {
      if (timer) clearTimeout(timer);
      if (order.length) draw();
      drawn = 0;
      order.length = 0;
      lines.clear();
    },
  };
}
