// `push`: an image's layers, config and a Docker schema 2 manifest to a registry. A layer the
// registry already has (checked by HEAD on the blob digests we know for it) is skipped; the others
// are gzip-compressed from layer.tar while they stream up (one PATCH), the digest computed on the
// way and committed by the final PUT. The config is uploaded byte for byte, so the pushed image
// keeps its id (the config digest).

import { createReadStream, existsSync } from "node:fs";
import { InvalidInputError, MydockerError, NotFoundError } from "../errors";
import { layerDir } from "../storage/layer-paths";
import { addBlobSums, blobSums, type BlobSum } from "./blob-sums";
import { familiarName, familiarString, parseReference, shortDigest } from "./reference";
import { addRepoDigest } from "./repo-digests";
import { RegistryClient, sha256 } from "./registry/client";
import { MEDIA } from "./registry/manifest";
import { type Progress, silentProgress } from "./registry/progress";
import type { ImageStore } from "./store";
import { adviseHugePages } from "../sys/memory";

export interface PushOptions {
  insecure?: string[];
  progress?: Progress;
  concurrency?: number;
}

export interface PushResult {
  tag: string;
  digest: string;
  size: number;
}

/** layer.tar → gzip, hashed and counted as it streams. */
function compressedLayer(path: string, onBytes: (n: number) => void): { stream: ReadableStream<Uint8Array>; result: () => { digest: string; size: number } } {
  const hasher = new Bun.CryptoHasher("sha256");
  let size = 0;
  let done = false;
  let digest: string | undefined;
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const gz = ((ReadableStream as any).from(file) as ReadableStream<Uint8Array>).pipeThrough(new CompressionStream("gzip") as any) as ReadableStream<Uint8Array>;
  const tap = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hasher.update(chunk);
      size += chunk.length;
      onBytes(size);
      controller.enqueue(chunk);
    },
    flush() { done = true; },
  });
  return {
    stream: gz.pipeThrough(tap),
    result: () => {
      if (!done) throw new MydockerError("layer upload ended before the layer was read to its end");
      digest ??= `sha256:${hasher.digest("hex")}`; // a hasher gives its digest once
      return { digest, size };
    },
  };
}

export async function pushImage(store: ImageStore, name: string, opts: PushOptions = {}): Promise<PushResult> {
  adviseHugePages(); // layers are compressed in the heap
  const ref = parseReference(name);
  if (ref.digest) throw new InvalidInputError(`cannot push a digest reference: ${name}`);
  const tag = ref.tag ?? "latest";
  const familiar = familiarString(ref);
  const img = store.find(familiar);
  if (!img || !img.tags.includes(familiar)) throw new NotFoundError(`An image does not exist locally with the tag: ${familiar.replace(/:latest$/, "")}`);
  const progress = opts.progress ?? silentProgress;
  const client = new RegistryClient(ref.domain, ref.path, { insecure: opts.insecure, actions: "pull,push" });
  try {
    const configBytes = store.configBytes(img.id);
    if (sha256(configBytes) !== img.id) throw new MydockerError(`image ${img.id}: its stored config does not match its id`);
    const diffIds = img.config.rootfs.diff_ids;
    for (const d of diffIds) progress.update(shortDigest(d), "Preparing");
    const blobs = new Map<string, BlobSum>();
    const unique = [...new Set(diffIds)];
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      while (failure === undefined && next < unique.length) {
        const d = unique[next++];
        try { blobs.set(d, await pushLayer(store, client, d, progress)); } catch (e) { failure ??= e; }
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 3, unique.length) }, worker));
    if (failure !== undefined) throw failure;

    if ((await client.blobSize(img.id)) === undefined) await client.putBlob(configBytes, img.id);
    const manifest = {
      schemaVersion: 2,
      mediaType: MEDIA.dockerManifest,
      config: { mediaType: MEDIA.dockerConfig, size: configBytes.length, digest: img.id },
      layers: diffIds.map((d) => {
        const b = blobs.get(d)!;
        return { mediaType: MEDIA.dockerLayerGzip, size: b.size, digest: b.digest };
      }),
    };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
    const digest = await client.putManifest(tag, bytes, MEDIA.dockerManifest);
    progress.finish();
    store.locked(() => {
      addBlobSums(store.dir, diffIds.map((d) => ({ diffId: d, blob: blobs.get(d)! })));
      addRepoDigest(store.dir, `${ref.domain}/${ref.path}`, digest, img.id);
    });
    return { tag, digest, size: bytes.length };
  } catch (e) {
    progress.finish();
    if (e instanceof MydockerError && !e.message.includes(familiarName(ref))) e.message = `push ${familiar}: ${e.message}`;
    throw e;
  }
}

async function pushLayer(store: ImageStore, client: RegistryClient, diffId: string, progress: Progress): Promise<BlobSum> {
  const label = shortDigest(diffId);
  for (const known of blobSums(store.dir, diffId)) {
    if (known.mediaType !== MEDIA.dockerLayerGzip && known.mediaType !== MEDIA.ociLayerGzip) continue;
    if ((await client.blobSize(known.digest)) !== undefined) {
      progress.update(label, "Layer already exists");
      return { ...known, mediaType: MEDIA.dockerLayerGzip };
    }
  }
  const tar = `${layerDir(store.layersDir, diffId)}/layer.tar`;
  if (!existsSync(tar)) throw new NotFoundError(`layer ${diffId} has no layer.tar in the store`);
  const { stream, result } = compressedLayer(tar, (n) => progress.update(label, "Pushing", n, 0));
  await client.uploadStream(stream, () => result().digest);
  progress.update(label, "Pushed");
  const { digest, size } = result();
  return { digest, size, mediaType: MEDIA.dockerLayerGzip };
}
