// `save`: images to one tar archive in the layout `docker save` writes since Docker 25, which is
// at once a Docker archive (manifest.json, read by every `docker load` and `podman load`) and an
// OCI image layout (oci-layout, index.json, blobs/sha256/…):
//
//   blobs/sha256/<config hex>     the config bytes as stored (so the image id is unchanged)
//   blobs/sha256/<diff id hex>    each layer's original uncompressed tar (its digest is the diff id)
//   blobs/sha256/<manifest hex>   an OCI manifest per image
//   index.json  manifest.json  oci-layout  repositories
//
// Members are sorted and dated 0, so saving the same images twice gives the same bytes.

import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { InvalidInputError, NotFoundError } from "../errors";
import { layerDir } from "../storage/layer-paths";
import { type TarWriter, writeArchive } from "../storage/tar-writer";
import { familiarName, familiarString, parseReference, splitTagKey } from "./reference";
import type { Image, ImageStore } from "./store";
import { adviseHugePages } from "../sys/memory";

interface SavedImage { img: Image; tags: string[] }

/** Which images and which of their tags a list of references names (Docker's rules). */
export function selectImages(store: ImageStore, refs: string[]): SavedImage[] {
  const out = new Map<string, SavedImage>();
  for (const ref of refs) {
    const img = store.get(ref);
    const entry = out.get(img.id) ?? { img, tags: [] };
    let key: string | undefined;
    try { key = familiarString(parseReference(ref)); } catch { key = undefined; }
    if (key && img.tags.includes(key)) {
      // "busybox" (no tag given) saves every tag of the repository, as Docker does
      const bare = !/:[^/]*$/.test(ref) && !ref.includes("@");
      const repo = familiarName(parseReference(ref));
      const tags = bare ? img.tags.filter((t) => splitTagKey(t)[0] === repo) : [key];
      for (const t of tags) if (!entry.tags.includes(t)) entry.tags.push(t);
    }
    out.set(img.id, entry);
  }
  return [...out.values()];
}

function fullName(tag: string): string {
  const ref = parseReference(tag);
  return `${ref.domain}/${ref.path}:${ref.tag}`;
}

function sha256(b: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(b).digest("hex");
}

/** Writes the archive to a path (via a temp file renamed into place) or to an fd. */
export function saveImages(store: ImageStore, refs: string[], output: { path?: string; fd?: number }): void {
  adviseHugePages(); // layers pass through the heap
  const images = selectImages(store, refs);
  // check every layer before writing a byte
  for (const { img } of images)
    for (const d of img.config.rootfs.diff_ids)
      if (!existsSync(`${layerDir(store.layersDir, d)}/layer.tar`)) throw new NotFoundError(`layer ${d} of image ${img.id.slice(7, 19)} has no stored tar`);

  const blobs = new Map<string, { bytes?: Buffer; file?: string; size: number }>();
  const manifestJson: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const index: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { img, tags } of images) {
    const config = store.configBytes(img.id);
    const configHex = img.id.slice(7);
    blobs.set(configHex, { bytes: config, size: config.length });
    const layers = img.config.rootfs.diff_ids.map((d) => {
      const file = `${layerDir(store.layersDir, d)}/layer.tar`;
      const size = statSync(file).size;
      blobs.set(d.slice(7), { file, size });
      return { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: d, size };
    });
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: img.id, size: config.length },
      layers,
    }));
    const manifestHex = sha256(manifest);
    blobs.set(manifestHex, { bytes: manifest, size: manifest.length });
    const desc = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${manifestHex}`, size: manifest.length };
    if (tags.length === 0) index.push(desc);
    for (const t of tags) {
      index.push({ ...desc, annotations: { "io.containerd.image.name": fullName(t), "org.opencontainers.image.ref.name": splitTagKey(t)[1] } });
      const [repo, tag] = splitTagKey(t);
      (repositories[repo] ??= {})[tag] = img.config.rootfs.diff_ids.at(-1)?.slice(7) ?? configHex;
    }
    manifestJson.push({ Config: `blobs/sha256/${configHex}`, RepoTags: tags.length ? tags : null, Layers: layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`) });
  }
  const files: [string, Buffer][] = [
    ["index.json", Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: index }))],
    ["manifest.json", Buffer.from(JSON.stringify(manifestJson))],
    ["oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" }))],
  ];
  if (Object.keys(repositories).length) files.push(["repositories", Buffer.from(JSON.stringify(repositories))]);

  writeArchive(output, (w) => {
    const dir = (path: string) => w.add({ path, type: "dir", mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 });
    dir("blobs/");
    dir("blobs/sha256/");
    for (const hex of [...blobs.keys()].sort()) {
      const b = blobs.get(hex)!;
      w.add({ path: `blobs/sha256/${hex}`, type: "file", mode: 0o444, uid: 0, gid: 0, size: b.size, mtime: 0 });
      if (b.bytes) w.data(b.bytes);
      else copyFile(w, b.file!, b.size);
    }
    for (const [name, bytes] of files) {
      w.add({ path: name, type: "file", mode: 0o644, uid: 0, gid: 0, size: bytes.length, mtime: 0 });
      w.data(bytes);
    }
  });
}

function copyFile(w: TarWriter, file: string, size: number): void {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(Math.min(size, 1 << 20) || 1);
    let left = size;
    while (left > 0) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, left), null);
      if (n === 0) throw new InvalidInputError(`${file} changed while it was being saved`);
      w.data(buf.subarray(0, n));
      left -= n;
    }
  } finally { closeSync(fd); }
}
