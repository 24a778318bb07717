// Builds tar archives entry by entry for tests (including the hostile ones real tools refuse to
// write: "../x", absolute names, links pointing out).

import { Header } from "tar";

export interface BuildEntry {
  path: string;
  type?: "File" | "Directory" | "SymbolicLink" | "Link" | "CharacterDevice" | "FIFO";
  data?: string | Uint8Array;
  linkpath?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  devmaj?: number;
  devmin?: number;
  pax?: Record<string, string>;
}

function paxBlock(fields: Record<string, string>): Buffer {
  let body = "";
  for (const [k, v] of Object.entries(fields)) {
    const rec = ` ${k}=${v}\n`;
    let len = rec.length + 1;
    while (String(len).length + rec.length !== len) len = String(len).length + rec.length;
    body += `${len}${rec}`;
  }
  const data = Buffer.from(body);
  const h = new Header({ path: "PaxHeader", mode: 0o644, size: data.length, type: "ExtendedHeader", mtime: new Date(0) });
  const block = Buffer.alloc(512);
  h.encode(block, 0);
  return Buffer.concat([block, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

export function buildTar(entries: BuildEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
    const type = e.type ?? "File";
    if (e.pax) parts.push(paxBlock(e.pax));
    const h = new Header({
      path: e.path, type, size: type === "File" ? data.length : 0, linkpath: e.linkpath,
      mode: e.mode ?? (type === "Directory" ? 0o755 : 0o644), uid: e.uid ?? 0, gid: e.gid ?? 0,
      mtime: e.mtime ?? new Date(1_700_000_000_000), devmaj: e.devmaj ?? 0, devmin: e.devmin ?? 0,
    });
    const block = Buffer.alloc(512);
    h.encode(block, 0);
    parts.push(block);
    if (type === "File" && data.length) parts.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
