// Builds image archives for tests: `docker save` layout (manifest.json + config + layer tars) and
// OCI image layouts, from layer tarballs (see tar-builder.ts), with any config.

import { buildTar } from "./tar-builder";

export interface TestImage {
  layers: Buffer[];            // uncompressed layer tars, bottom first
  config?: Record<string, unknown>;  // the "config" object of the image config (Env, Cmd, …)
  tags?: string[];
  gzipLayers?: boolean;
  history?: Record<string, unknown>[];
}

export const sha256 = (b: Uint8Array) => new Bun.CryptoHasher("sha256").update(b).digest("hex");

export function imageConfig(img: TestImage): Buffer {
  return Buffer.from(JSON.stringify({
    architecture: "amd64", os: "linux", created: "2024-01-02T03:04:05Z",
    config: img.config ?? {},
    rootfs: { type: "layers", diff_ids: img.layers.map((l) => `sha256:${sha256(l)}`) },
    history: img.history ?? img.layers.map((_, i) => ({ created: "2024-01-02T03:04:05Z", created_by: `layer ${i}` })),
  }));
}

/** A `docker save` archive (legacy layout: <n>/layer.tar, <config hex>.json, manifest.json). */
export function dockerArchive(images: TestImage[]): Buffer {
  const files: { path: string; data: Buffer }[] = [];
  const manifest = images.map((img, n) => {
    const config = imageConfig(img);
    const cfgName = `${sha256(config)}.json`;
    files.push({ path: cfgName, data: config });
    const layers = img.layers.map((l, i) => {
      const name = `img${n}-layer${i}/layer.tar`;
      files.push({ path: name, data: img.gzipLayers ? Buffer.from(Bun.gzipSync(l)) : l });
      return name;
    });
    return { Config: cfgName, RepoTags: img.tags ?? null, Layers: layers };
  });
  files.push({ path: "manifest.json", data: Buffer.from(JSON.stringify(manifest)) });
  return buildTar(files.map((f) => ({ path: f.path, data: f.data })));
}

/** An OCI image layout archive (oci-layout, index.json, blobs/sha256), layers gzip-compressed. */
export function ociArchive(images: TestImage[], annotate: (img: TestImage) => Record<string, string> | undefined): Buffer {
  const blobs = new Map<string, Buffer>();
  const add = (b: Buffer) => { const h = sha256(b); blobs.set(h, b); return { digest: `sha256:${h}`, size: b.length }; };
  const manifests = images.map((img) => {
    const config = add(imageConfig(img));
    const layers = img.layers.map((l) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...add(Buffer.from(Bun.gzipSync(l))) }));
    const m = add(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config }, layers })));
    return { mediaType: "application/vnd.oci.image.manifest.v1+json", ...m, annotations: annotate(img) };
  });
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests }));
  return buildTar([
    { path: "oci-layout", data: JSON.stringify({ imageLayoutVersion: "1.0.0" }) },
    { path: "index.json", data: index },
    { path: "blobs/", type: "Directory" },
    { path: "blobs/sha256/", type: "Directory" },
    ...[...blobs].map(([h, b]) => ({ path: `blobs/sha256/${h}`, data: b })),
  ]);
}
