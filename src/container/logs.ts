// Reading a container's json-file log (json.log plus rotated json.log.1 … .N, oldest first):
// --tail, --since/--until, -t timestamps, and -f following until the container exits.

import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { InvalidInputError } from "../errors";
import { out, err } from "../output";
import { observe } from "./status";
import type { ContainerStore } from "./store";
import { LONG_WORK, longWork } from "../sys/jit";

export interface LogOptions {
  follow: boolean;
  tail?: number;       // undefined = all
  timestamps: boolean;
  since?: number;      // ms since epoch
  until?: number;
}

interface LogLine { log: string; stream: string; time: string }

/** Docker accepts RFC 3339 times, Unix timestamps, and relative durations like "10m", "1h30m". */
export function parseLogTime(value: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const rel = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(value);
  if (rel && value !== "") return now - ((Number(rel[1] ?? 0) * 60 + Number(rel[2] ?? 0)) * 60 + Number(rel[3] ?? 0)) * 1000;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidInputError(`invalid value for "since"/"until": ${value}`);
  return t;
}

export function logFiles(dir: string): string[] {
  const files: string[] = [];
  for (let i = 1; existsSync(`${dir}/json.log.${i}`); i++) files.unshift(`${dir}/json.log.${i}`);
  if (existsSync(`${dir}/json.log`)) files.push(`${dir}/json.log`);
  return files;
}

function emit(line: LogLine, opts: LogOptions): boolean {
  const t = Date.parse(line.time); // ms precision is enough to compare with --since/--until
  if (opts.since !== undefined && t < opts.since) return true;
  if (opts.until !== undefined && t > opts.until) return false;
  const text = opts.timestamps ? `${line.time} ${line.log}` : line.log;
  if (line.stream === "stderr") err(text); else out(text);
  return true;
}

function parseLines(text: string): LogLine[] {
  const lines: LogLine[] = [];
  const raws = text.split("\n");
  if (raws.length > LONG_WORK) longWork();
  for (const raw of raws) {
    if (!raw) continue;
    try { lines.push(JSON.parse(raw)); } catch { /* a torn last line while the monitor writes */ }
  }
  return lines;
}

export async function showLogs(store: ContainerStore, id: string, opts: LogOptions): Promise<void> {
  const dir = store.containerDir(id);
  const path = `${dir}/json.log`;
  // json.log is read through one fd: -f goes on from exactly the last whole line read here, so
  // nothing written meanwhile (nor a line torn by the monitor's write) is lost
  let ino = 0, offset = 0;
  const texts = logFiles(dir).map((f) => {
    if (f !== path) return readFileSync(f, "utf8");
    const fd = openSync(f, "r");
    try {
      ino = fstatSync(fd).ino;
      const bytes = readFileSync(fd);
      offset = bytes.lastIndexOf(10) + 1;
      return bytes.toString("utf8", 0, offset);
    } finally { closeSync(fd); }
  });
  let lines = texts.flatMap(parseLines);
  if (opts.tail !== undefined) lines = opts.tail === 0 ? [] : lines.slice(-opts.tail);
  for (const l of lines) if (!emit(l, opts)) return;
  if (!opts.follow) return;

  // Follow json.log; a rotation shows up as a new inode.
  let partial = "";
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    const state = observe(store, id);
    const running = state && (state.Status === "running" || state.Status === "restarting" || state.Status === "paused");
    if (existsSync(path)) {
      const st = statSync(path);
      if (st.ino !== ino) { ino = st.ino; offset = 0; }
      if (st.size > offset) {
        const fd = openSync(path, "r");
        try {
          let n: number;
          while ((n = readSync(fd, buf, 0, buf.length, offset)) > 0) {
            offset += n;
            partial += buf.toString("utf8", 0, n);
            const nl = partial.lastIndexOf("\n");
            if (nl >= 0) {
              for (const l of parseLines(partial.slice(0, nl))) if (!emit(l, opts)) return;
              partial = partial.slice(nl + 1);
            }
          }
        } finally { closeSync(fd); }
        continue;
      }
    }
    if (!running) return;
    await Bun.sleep(50);
  }
}
