// tar-header.ts decodes what the `tar` package's Header decodes: compared field by field on the
// headers tar itself writes (ustar with prefix, base-256 numbers, devices, long values) and on
// hand-made blocks (GNU magic, a directory marked by a trailing slash, garbage).

import { describe, expect, test } from "bun:test";
import { Header } from "tar";
import { decodeHeader, isZeroBlock } from "../../src/storage/tar-header";

function block(fields: Record<string, unknown>): Buffer {
  const b = Buffer.alloc(512);
  new Header(fields as any).encode(b, 0);
  return b;
}

function viaTar(b: Buffer) {
  const h = new Header(b);
  return {
    path: h.path ?? "", linkpath: h.linkpath ?? "", type: h.type, mode: h.mode ?? 0o644, uid: h.uid ?? 0,
    gid: h.gid ?? 0, size: h.size ?? 0, mtime: h.mtime ? h.mtime.getTime() / 1000 : 0,
    devmajor: h.devmaj ?? 0, devminor: h.devmin ?? 0, cksumValid: h.cksumValid,
  };
}

function ours(b: Buffer) {
  const { flag: _flag, ...rest } = decodeHeader(b);
  return rest;
}

describe("tar header decoding", () => {
  const cases: Record<string, unknown>[] = [
    { path: "bin/busybox", mode: 0o755, uid: 0, gid: 0, size: 1234567, mtime: new Date(1700000000000), type: "File" },
    { path: "bin/ls", linkpath: "bin/busybox", mode: 0o755, size: 0, mtime: new Date(0), type: "Link" },
    { path: "etc/", mode: 0o755, type: "Directory", mtime: new Date(1000) },
    { path: "lib/x", linkpath: "../../../etc/passwd", type: "SymbolicLink", mode: 0o777 },
    { path: "dev/null", type: "CharacterDevice", mode: 0o666, devmaj: 1, devmin: 3 },
    { path: "dev/sda", type: "BlockDevice", mode: 0o660, devmaj: 8, devmin: 0 },
    { path: "run/fifo", type: "FIFO", mode: 0o644 },
    // a path over 100 bytes goes into the ustar prefix field
    { path: `${"d".repeat(90)}/${"e".repeat(60)}/file`, mode: 0o644, size: 5, type: "File" },
    // ids and sizes beyond octal fields: base-256
    { path: "big", mode: 0o600, uid: 0o7777777 + 5, gid: 70000000, size: 0o77777777777 + 10, type: "File" },
    { path: "ünïcode-名前", mode: 0o644, size: 1, type: "File" },
    { path: "PaxHeader", type: "ExtendedHeader", size: 99, mode: 0o644 },
    { path: "././@LongLink", type: "NextFileHasLongPath", size: 300, mode: 0o644 },
  ];
  for (const c of cases) {
    test(`${c.type} ${String(c.path).slice(0, 30)}`, () => {
      const b = block(c);
      expect(ours(b)).toEqual(viaTar(b));
    });
  }

  test("a directory marked by a trailing slash on a file type has no data", () => {
    const b = block({ path: "old/", type: "File", size: 512, mode: 0o755 });
    expect(viaTar(b).type).toBe("Directory");
    expect(ours(b)).toEqual(viaTar(b));
    expect(ours(b).size).toBe(0);
  });

  test("GNU magic: no prefix field, same numbers", () => {
    const b = block({ path: "gnu-file", mode: 0o644, size: 42, type: "File" });
    b.write("ustar  \0", 257, "latin1");
    let sum = 8 * 0x20;
    for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += b[i];
    b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
    expect(ours(b)).toEqual(viaTar(b));
    expect(ours(b).cksumValid).toBe(true);
  });

  test("a corrupted block fails its checksum; the zero block is recognised", () => {
    const b = block({ path: "x", mode: 0o644, size: 1, type: "File" });
    b[3] ^= 0xff;
    expect(decodeHeader(b).cksumValid).toBe(false);
    expect(viaTar(b).cksumValid).toBe(false);
    expect(isZeroBlock(Buffer.alloc(512))).toBe(true);
    expect(isZeroBlock(b)).toBe(false);
    const big = Buffer.alloc(2048);
    big[1030] = 1;
    expect(isZeroBlock(big, 512)).toBe(true);
    expect(isZeroBlock(big, 1024)).toBe(false);
  });

  test("the checksum is the same wherever the block sits in its buffer", () => {
    // high bytes everywhere the format allows them (a UTF-8 name, the padding after the prefix):
    // the word-at-a-time sum must carry as the byte sum does
    const b = block({ path: "ünïcödé/".repeat(6), mode: 0o755, size: 7, type: "File" });
    b.fill(0xff, 500, 512);
    let sum = 8 * 0x20;
    for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += b[i];
    b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
    for (const shift of [0, 1, 2, 3, 512, 515]) {
      const host = new Uint8Array(shift + 512 + 5); // unaligned starts, and the block not at the end
      host.set(b, shift);
      expect(decodeHeader(host, shift).cksumValid).toBe(true);
      expect(decodeHeader(host.subarray(shift), 0).cksumValid).toBe(true);
      host[shift + 499] ^= 1;
      expect(decodeHeader(host, shift).cksumValid).toBe(false);
      expect(decodeHeader(host.subarray(shift, shift + 512), 0).cksumValid).toBe(false);
    }
  });

  test("an unknown type flag is Unsupported, as tar says", () => {
    const b = block({ path: "weird", mode: 0o644, type: "File" });
    b[156] = "Z".charCodeAt(0);
    let sum = 8 * 0x20;
    for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += b[i];
    b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
    expect(ours(b)).toEqual(viaTar(b));
    expect(ours(b).type).toBe("Unsupported");
  });
});
