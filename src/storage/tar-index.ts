// Random access into an uncompressed tar file: one pass over the headers (data is skipped, not
// read) gives each member's offset and size, so `load` can read manifest.json first and then
// stream exactly the layer blobs it needs, in the order it needs them, straight from the file.

import { createReadStream, readSync } from "node:fs";
import { InvalidInputError } from "../errors";
import { BLOCK, decodeHeader, isZeroBlock } from "./tar-header";
import { parsePax } from "./tar-reader";
import { LONG_WORK, longWork } from "../sys/jit";

export interface TarMember {
  name: string;      // normalised: no leading "./" or "/"
  type: string;      // tar's type names: File, Directory, SymbolicLink, Link, …
  offset: number;    // of the data
  size: number;
  linkpath: string;
}


export function normaliseMemberName(name: string): string {
  return name.replace(/^(\.\/|\/)+/, "").replace(/\/+$/, "");
}

export function indexTar(fd: number): Map<string, TarMember> {
  const members = new Map<string, TarMember>();
  const block = Buffer.alloc(BLOCK);
  let off = 0;
  let pax: Record<string, string | Buffer> = {};
  let globalPax: Record<string, string | Buffer> = {}; // as the streaming reader: names must agree
  let longName: string | null = null, longLink: string | null = null;
  let zeros = 0;
  let headers = 0;
  const readBody = (at: number, size: number) => {
    const b = Buffer.alloc(size);
    if (readSync(fd, b, 0, size, at) !== size) throw new InvalidInputError("archive is truncated");
    return b;
  };
  for (;;) {
    const n = readSync(fd, block, 0, BLOCK, off);
    if (n === 0) break;
    if (n < BLOCK) throw new InvalidInputError("archive is truncated");
    if (isZeroBlock(block)) {
      off += BLOCK;
      if (++zeros >= 2) break;
      continue;
    }
    zeros = 0;
    if (++headers === LONG_WORK) longWork();
    const h = decodeHeader(block);
    if (!h.cksumValid) throw new InvalidInputError("archive has an invalid tar header (bad checksum); is it a tar archive?");
    const flag = h.flag;
    let size = h.size;
    const dataAt = off + BLOCK;
    if (flag === "x" || flag === "g") {
      if (flag === "x") pax = { ...pax, ...parsePax(readBody(dataAt, size)) };
      else globalPax = { ...globalPax, ...parsePax(readBody(dataAt, size)) };
    } else if (flag === "L") {
      longName = readBody(dataAt, size).toString("utf8").replace(/\0.*$/s, "");
    } else if (flag === "K") {
      longLink = readBody(dataAt, size).toString("utf8").replace(/\0.*$/s, "");
    } else {
      pax = { ...globalPax, ...pax };
      if (typeof pax.size === "string") size = Number(pax.size);
      const name = normaliseMemberName(longName ?? (typeof pax.path === "string" ? pax.path : h.path));
      const linkpath = longLink ?? (typeof pax.linkpath === "string" ? pax.linkpath : h.linkpath);
      members.set(name, { name, type: h.type, offset: dataAt, size, linkpath });
      pax = {};
      longName = longLink = null;
    }
    off = dataAt + Math.ceil(size / BLOCK) * BLOCK;
  }
  return members;
}

/** Finds a regular file member, following symlinks and hardlinks inside the archive. */
export function resolveMember(members: Map<string, TarMember>, name: string): TarMember | undefined {
  let cur = normaliseMemberName(name);
  for (let hops = 0; hops < 16; hops++) {
    const m = members.get(cur);
    if (!m) return undefined;
    if (m.type === "File" || m.type === "OldFile" || m.type === "ContiguousFile") return m;
    if (m.type === "Link") { cur = normaliseMemberName(m.linkpath); continue; }
    if (m.type === "SymbolicLink") {
      const base = m.linkpath.startsWith("/") ? [] : cur.split("/").slice(0, -1);
      for (const p of m.linkpath.split("/")) {
        if (p === "" || p === ".") continue;
        if (p === "..") base.pop(); else base.push(p);
      }
      cur = base.join("/");
      continue;
    }
    return undefined;
  }
  return undefined;
}

export function readMember(fd: number, m: TarMember, limit = 64 << 20): Buffer {
  if (m.size > limit) throw new InvalidInputError(`archive member ${m.name} is too large (${m.size} bytes)`);
  const b = Buffer.alloc(m.size);
  let got = 0;
  while (got < m.size) {
    const n = readSync(fd, b, got, m.size - got, m.offset + got);
    if (n === 0) throw new InvalidInputError("archive is truncated");
    got += n;
  }
  return b;
}

/** A stream of one member's bytes, read from the archive file by path. */
export function memberStream(path: string, m: TarMember): AsyncIterable<Uint8Array> {
  if (m.size === 0) return (async function* () { /* empty */ })();
  return createReadStream(path, { start: m.offset, end: m.offset + m.size - 1, highWaterMark: 1 << 20 });
}
