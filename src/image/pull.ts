// `pull`: a reference's manifest (a list or index resolved to one platform), its config, and its
// layers streamed from the registry straight into the store. Each compressed blob is hashed as
// it streams and checked against the manifest's digest before unpackLayer renames the layer into
// place (unpackLayer checks the diff id the same way), so a tampered or cut-off blob never becomes
// a layer. Layers already in the store are skipped. A pull that fails, or is interrupted by
// SIGINT/SIGTERM, removes the layers it added and writes no image and no tag.

import { existsSync, readdirSync, rmSync } from "node:fs";
import { MydockerError, NotFoundError } from "../errors";
import { hasLayer, layerDir, sweepStaging, unpackLayer } from "../storage/layer";
import { adviseHugePages } from "../sys/memory";
import { type PullStart, startPull } from "./pull-start";
import { familiarName, familiarString, type Reference, shortDigest } from "./reference";
import { addBlobSums } from "./blob-sums";
import { addRepoDigest } from "./repo-digests";
import { type RegistryClient, readAll, sha256, withIdleTimeout } from "./registry/client";
import { DigestMismatchError, RegistryError, UnauthorizedError } from "./registry/errors";
import {
  ACCEPT_MANIFESTS, type Descriptor, type ImageManifest, type Platform, hostPlatform, layerCompression,
  normalizePlatform, parseManifest, parsePlatform, platformString, selectPlatform,
} from "./registry/manifest";
import { type Progress, silentProgress } from "./registry/progress";
import type { ImageConfig, ImageStore } from "./store";

export interface PullOptions {
  /** "os/arch[/variant]"; the host's platform when absent. */
  platform?: string;
  /** --insecure-registry entries. */
  insecure?: string[];
  progress?: Progress;
  /** Concurrent layer downloads (Docker: 3). */
  concurrency?: number;
  /** The pull's first request, already sent (see pull-start.ts); made here when absent. */
  start?: PullStart;
}

export interface PullResult {
  id: string;
  /** "docker.io/library/busybox:latest": what `pull` prints last. */
  canonical: string;
  /** "busybox:latest" (or "busybox@sha256:…" for a pull by digest). */
  familiar: string;
  /** Digest of the manifest (or list) the reference resolved to. */
  digest: string;
  /** False when the image was already in the store, complete. */
  downloaded: boolean;
}

/** Docker's full spelling: docker.io/library/busybox:latest. */
export function canonicalString(ref: Reference): string {
  return `${ref.domain}/${ref.path}${ref.digest ? "@" + ref.digest : ":" + (ref.tag ?? "latest")}`;
}

const MAX_MANIFEST = 4 << 20;
const MAX_CONFIG = 16 << 20;

/** Yields a blob's bytes while hashing them; throws at the end when digest or size differ. */
async function* verified(chunks: AsyncIterable<Uint8Array>, desc: Descriptor, signal: AbortSignal, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  const hasher = new Bun.CryptoHasher("sha256");
  let n = 0;
  for await (const c of chunks) {
    if (signal.aborted) throw signal.reason;
    hasher.update(c);
    n += c.length;
    if (n > desc.size && desc.size > 0) throw new DigestMismatchError(`layer ${desc.digest}: the registry sent more than the ${desc.size} bytes the manifest lists`);
    onBytes(n);
    yield c;
  }
  const got = `sha256:${hasher.digest("hex")}`;
  if (got !== desc.digest) throw new DigestMismatchError(`layer ${desc.digest}: digest mismatch: the registry sent content with digest ${got}`);
  if (n !== desc.size) throw new DigestMismatchError(`layer ${desc.digest}: size mismatch: expected ${desc.size} bytes, got ${n}`);
  // the last gate before unpackLayer renames the layer into place: nothing lands after an interrupt
  if (signal.aborted) throw signal.reason;
}

/** An async iterable as a pull-driven ReadableStream (backpressure: nothing is read ahead of use). */
function toStream(it: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iter = it[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await iter.next();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    async cancel(reason) {
      await iter.return?.(reason);
    },
  }, { highWaterMark: 0 });
}

/** The uncompressed tar of a blob, as chunks (unpackLayer then sees a plain tar). */
function uncompressed(blob: AsyncIterable<Uint8Array>, compression: "gzip" | "zstd" | "none"): AsyncIterable<Uint8Array> {
  if (compression === "none") return blob;
  return toStream(blob).pipeThrough(new DecompressionStream(compression as "gzip") as any) as unknown as AsyncIterable<Uint8Array>;
}

/** Blobs up to this size are downloaded and verified whole, then unpacked; larger ones stream. */
const BUFFERED_BLOB = 16 << 20;

function decompressWhole(blob: Buffer, compression: "gzip" | "zstd" | "none"): Uint8Array {
  try {
    // libdeflate (in Bun) inflates a whole buffer ~1.5× faster than zlib
    if (compression === "gzip") return Bun.gunzipSync(blob, { library: "libdeflate" });
    if (compression === "zstd") return Bun.zstdDecompressSync(blob);
    return blob;
  } catch (e) {
    throw new RegistryError(`cannot decompress (${compression}): ${(e as Error).message}`);
  }
}

async function resolveManifest(start: PullStart, want: Platform): Promise<{ manifest: ImageManifest; topDigest: string }> {
  const { client } = start;
  const top = await start.top;
  let parsed = parseManifest(top.bytes, top.contentType);
  if (parsed.kind === "index") {
    const entry = selectPlatform(parsed, want);
    if (!entry) {
      const have = parsed.manifests.filter((d) => d.platform && d.platform.os !== "unknown").map((d) => platformString(d.platform!)).join(", ");
      throw new NotFoundError(`no matching manifest for ${platformString(want)} in the manifest list entries${have ? ` (available: ${have})` : ""}`);
    }
    const sub = await client.getManifest(entry.digest, ACCEPT_MANIFESTS);
    parsed = parseManifest(sub.bytes, sub.contentType);
    if (parsed.kind !== "manifest") throw new RegistryError(`manifest ${entry.digest}: a list inside a list is not supported`);
  }
  return { manifest: parsed as ImageManifest, topDigest: top.digest };
}

/** Runs fns with at most n in flight; the first failure stops new starts and is rethrown after all settle. */
async function limited<T>(n: number, items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++];
      try { await fn(item); } catch (e) { failure ??= e; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

export async function pullImage(store: ImageStore, input: string, opts: PullOptions = {}): Promise<PullResult> {
  const start = opts.start ?? startPull(input, opts.insecure);
  const { ref, client } = start;
  adviseHugePages(); // blobs, inflated tars and their parse pass through the heap

  const explicit = opts.platform !== undefined && opts.platform !== "";
  const want = explicit ? parsePlatform(opts.platform!) : hostPlatform();
  const progress = opts.progress ?? silentProgress;
  const familiar = familiarString(ref);
  const canonical = canonicalString(ref);
  const added: string[] = []; // diff ids absent when this pull began: removed again on failure
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => abort.abort(new InterruptedError(sig));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    sweepStaging(store.layersDir);
    const work = pullInto(store, start, want, explicit, progress, added, opts.concurrency ?? 3, abort.signal);
    const interrupted = new Promise<never>((_, reject) => abort.signal.addEventListener("abort", () => reject(abort.signal.reason), { once: true }));
    work.catch(() => {}); // settled below; avoids an unhandled rejection when the signal wins
    const { id, digest, downloaded } = await Promise.race([work, interrupted]);
    return { id, canonical, familiar, digest, downloaded };
  } catch (e) {
    progress.finish();
    if (added.length || e instanceof InterruptedError) rollback(store, added, e instanceof InterruptedError);
    if (e instanceof UnauthorizedError && client.anonymous) {
      e.message = `pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login': ${e.message}`;
    } else if (e instanceof MydockerError && !(e instanceof InterruptedError) && !e.message.includes(familiarName(ref))) {
      e.message = `pull ${familiar}: ${e.message}`;
    }
    throw e;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Ends a pull on SIGINT/SIGTERM with 128+N, after the rollback. */
export class InterruptedError extends MydockerError {
  constructor(sig: NodeJS.Signals) {
    super(`pull interrupted by ${sig}`);
    this.exitCode = sig === "SIGINT" ? 130 : 143;
  }
}

/**
 * Removes the layers a failed pull added (those no stored image uses). After an interrupt, the
 * unpacks still in flight are abandoned: their staging directories go too.
 */
function rollback(store: ImageStore, added: string[], interrupted: boolean): void {
  store.locked(() => {
    const used = new Set(store.list().flatMap((i) => i.config.rootfs.diff_ids));
    for (const d of added) if (!used.has(d)) rmSync(layerDir(store.layersDir, d), { recursive: true, force: true });
    if (interrupted && existsSync(store.layersDir))
      for (const name of readdirSync(store.layersDir))
        if (name.startsWith(`.tmp-${process.pid}-`)) rmSync(`${store.layersDir}/${name}`, { recursive: true, force: true });
  });
}

/**
 * Layer requests sent before the config is read, so they share its round trip instead of
 * following it. A layer the config then shows to be present has its response dropped unread.
 */
class EarlyBlobs {
  private pending = new Map<string, Promise<Response>>();

  constructor(client: RegistryClient, layers: Descriptor[], n: number) {
    for (const l of layers) {
      if (this.pending.size >= n) break;
      if (this.pending.has(l.digest)) continue;
      const p = client.getBlob(l.digest);
      p.catch(() => {}); // awaited by take(), or dropped
      this.pending.set(l.digest, p);
    }
  }

  /** The request already sent for digest, if any; the caller reads its body. */
  take(digest: string): Promise<Response> | undefined {
    const p = this.pending.get(digest);
    this.pending.delete(digest);
    return p;
  }

  /** Cancels the bodies nobody took (layers found present, or a pull that failed). */
  drop(): void {
    for (const p of this.pending.values()) p.then((r) => r.body?.cancel(), () => {});
    this.pending.clear();
  }
}

/** The image config, verified against its digest. */
async function fetchConfig(client: RegistryClient, desc: Descriptor): Promise<{ bytes: Buffer; config: ImageConfig }> {
  const res = await client.getBlob(desc.digest);
  const bytes = Buffer.from(await readAll(res.body, client.idleMs, `config ${desc.digest}`, MAX_CONFIG));
  const got = sha256(bytes);
  if (got !== desc.digest) throw new DigestMismatchError(`config ${desc.digest}: digest mismatch: the registry sent content with digest ${got}`);
  try {
    return { bytes, config: JSON.parse(bytes.toString("utf8")) };
  } catch {
    throw new RegistryError(`config ${desc.digest}: not JSON`);
  }
}

/** Downloads one layer blob (or reads the response already requested) and unpacks it under diffId. */
async function pullLayer(
  store: ImageStore, client: RegistryClient, desc: Descriptor, diffId: string, sent: Promise<Response> | undefined,
  progress: Progress, signal: AbortSignal,
): Promise<void> {
  const label = shortDigest(desc.digest);
  const res = await (sent ?? client.getBlob(desc.digest));
  const body = withIdleTimeout(res.body!, client.idleMs, `layer ${desc.digest}`);
  const chunks = verified(body, desc, signal, (n) => progress.update(label, "Downloading", n, desc.size));
  const compression = layerCompression(desc.mediaType)!;
  if (desc.size <= BUFFERED_BLOB) {
    // small blob: verified whole before a byte of it is unpacked, decompressed in one call
    const parts: Uint8Array[] = [];
    for await (const c of chunks) parts.push(c);
    progress.update(label, "Extracting");
    let tar: Uint8Array;
    try {
      tar = decompressWhole(Buffer.concat(parts), compression);
    } catch (e) {
      throw new RegistryError(`layer ${desc.digest}: ${(e as Error).message}`);
    }
    await unpackLayer(store.layersDir, (async function* () { yield tar; })(), diffId);
  } else {
    try {
      await unpackLayer(store.layersDir, uncompressed(chunks, compression), diffId);
    } catch (e) {
      // the decompressor meets a corrupt blob before its digest can be checked
      if (e instanceof MydockerError) throw e;
      throw new RegistryError(`layer ${desc.digest}: cannot decompress (${compression}): ${(e as Error).message}`);
    }
  }
  progress.update(label, "Pull complete");
}

async function pullInto(
  store: ImageStore, start: PullStart, want: Platform, explicit: boolean,
  progress: Progress, added: string[], concurrency: number, signal: AbortSignal,
): Promise<{ id: string; digest: string; downloaded: boolean }> {
  const { ref, client } = start;
  const tag = ref.digest ? undefined : ref.tag ?? "latest";
  progress.note(ref.digest ? `${ref.digest}: Pulling from ${ref.path}` : `${tag}: Pulling from ${ref.path}`);
  const { manifest, topDigest } = await resolveManifest(start, want);

  const id = manifest.config.digest;
  const existing = store.find(id);
  const complete = existing !== undefined && existing.config.rootfs.diff_ids.every((d) => hasLayer(store.layersDir, d));
  const early = complete ? undefined : new EarlyBlobs(client, manifest.layers, concurrency);
  try {
    // an image already here, whole, needs no config from the registry (nor any layer)
    const fetched = complete ? undefined : await fetchConfig(client, manifest.config);
    const config = fetched?.config ?? existing!.config;
    if (explicit) {
      const have = normalizePlatform({ os: config.os, architecture: config.architecture, variant: (config as { variant?: string }).variant });
      if (have.os !== want.os || have.architecture !== want.architecture)
        throw new NotFoundError(`image ${ref.path} was found but does not match the specified platform: wanted ${platformString(want)}, actual: ${platformString(have)}`);
    }
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length)
      throw new RegistryError(`manifest lists ${manifest.layers.length} layers but the config lists ${diffIds.length} diff ids`);
    for (const l of manifest.layers)
      if (!layerCompression(l.mediaType)) throw new RegistryError(`layer ${l.digest}: unsupported media type ${l.mediaType}`);

    if (fetched) {
      const todo: number[] = [];
      manifest.layers.forEach((l, i) => {
        if (hasLayer(store.layersDir, diffIds[i])) progress.update(shortDigest(l.digest), "Already exists");
        else { progress.update(shortDigest(l.digest), "Pulling fs layer"); todo.push(i); added.push(diffIds[i]); }
      });
      // the same layer listed twice is fetched once
      const seen = new Set<string>();
      const unique = todo.filter((i) => !seen.has(diffIds[i]) && seen.add(diffIds[i]));
      await limited(concurrency, unique, async (i) => {
        if (signal.aborted) throw signal.reason;
        const desc = manifest.layers[i];
        await pullLayer(store, client, desc, diffIds[i], early!.take(desc.digest), progress, signal);
      });
    }
    progress.finish();
    store.locked(() => {
      if (fetched) store.addImageConfigBytes(fetched.bytes);
      else if (!existsSync(`${store.dir}/imagedb/${id.slice(7)}.json`)) throw new NotFoundError(`image ${id} vanished during the pull`);
      if (tag) store.setTag(`${ref.domain}/${ref.path}:${tag}`, id);
      addRepoDigest(store.dir, `${ref.domain}/${ref.path}`, topDigest, id);
      addBlobSums(store.dir, manifest.layers.map((l, i) => ({ diffId: diffIds[i], blob: { digest: l.digest, size: l.size, mediaType: l.mediaType } })));
    });
    return { id, digest: topDigest, downloaded: fetched !== undefined };
  } finally {
    early?.drop();
  }
}
