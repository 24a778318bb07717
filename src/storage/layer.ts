// Layers on disk: a tar stream (plain or gzip) becomes ROOT/image/layers/<diff-id hex>/ with
// diff/ (the unpacked tree, an overlay lowerdir), layer.tar (the exact uncompressed bytes, so
// save and push reproduce the digest), and size. Unpacking happens in a staging directory that
// is renamed into place only when complete: a failed or interrupted unpack leaves no layer.

import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { InvalidInputError } from "../errors";
import { layerDir } from "./layer-paths";
import { SafeExtractor } from "./safe-extract";
import { TarReader } from "./tar-reader";
import { fdSink } from "./tar-writer";

export interface LayerInfo {
  diffId: string;  // "sha256:<hex>" of the uncompressed tar
  size: number;    // bytes of the unpacked files
}

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** Yields the uncompressed bytes of a tar stream that may be gzip-compressed. */
export async function* decompressed(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length < 4) {
    const more = await it.next();
    if (more.done) break;
    first = { done: false, value: Buffer.concat([first.value, more.value]) };
  }
  if (first.done) return;
  const head = first.value;
  const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => it };
  if (ZSTD_MAGIC.every((b, i) => head[i] === b)) throw new InvalidInputError("zstd-compressed archives are not supported yet");
  if (!GZIP_MAGIC.every((b, i) => head[i] === b)) {
    yield head;
    yield* rest;
    return;
  }
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(head);
      for await (const c of rest) controller.enqueue(c);
      controller.close();
    },
  }).pipeThrough(new DecompressionStream("gzip"));
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) yield c;
}


/**
 * Unpacks one layer from a tar stream. The layer lands under its diff id; if that layer exists
 * already, the new copy is discarded (layers are stored once).
 */
export async function unpackLayer(layersRoot: string, source: AsyncIterable<Uint8Array>, expectDiffId?: string, opts: { allowEmpty?: boolean } = {}): Promise<LayerInfo> {
  mkdirSync(layersRoot, { recursive: true });
  const staging = `${layersRoot}/.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  mkdirSync(`${staging}/diff`, { recursive: true });
  const hasher = new Bun.CryptoHasher("sha256");
  let extractor: SafeExtractor | undefined;
  const tarFd = openSync(`${staging}/layer.tar`, "w", 0o600);
  try {
    extractor = new SafeExtractor(`${staging}/diff`, { overlayWhiteouts: true });
    const reader = new TarReader(extractor);
    for await (const chunk of decompressed(source)) {
      hasher.update(chunk);
      fdSink(tarFd)(chunk); // a short write must not leave layer.tar shorter than its digest
      reader.push(chunk);
    }
    reader.end();
    extractor.finish();
    // a layer named by a manifest may be empty (an empty tar); a bare import of nothing is a mistake
    if (extractor.entries === 0 && !expectDiffId && !opts.allowEmpty) throw new InvalidInputError("archive holds no files (is it a tar archive?)");
    const diffId = `sha256:${hasher.digest("hex")}`;
    if (expectDiffId && expectDiffId !== diffId) throw new InvalidInputError(`layer digest mismatch: expected ${expectDiffId}, got ${diffId}`);
    closeSync(tarFd);
    const size = extractor.size;
    writeFileSync(`${staging}/size`, String(size));
    const final = layerDir(layersRoot, diffId);
    if (existsSync(`${final}/diff`)) {
      rmSync(staging, { recursive: true, force: true });
    } else {
      rmSync(final, { recursive: true, force: true });
      renameSync(staging, final);
    }
    return { diffId, size };
  } catch (e) {
    extractor?.close();
    try { closeSync(tarFd); } catch { /* closed already */ }
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

export { hasLayer, layerDir, layerSize, sweepStaging, treeSize } from "./layer-paths";
