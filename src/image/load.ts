// `load`: images from a `docker save` archive (manifest.json + config + layer tars) or an OCI
// image layout archive (oci-layout, index.json, blobs/sha256/…), plain or gzip-compressed, from
// a file or stdin.
//
// The archive is indexed first (headers only), then every manifest, config and tag is read and
// checked before anything is written; layers the store lacks are unpacked straight from their
// offsets in the file (stdin and compressed archives are spooled to a temp file first); configs
// are stored byte for byte, so the image id is the one the archive names. A failure removes the
// layers this load added, so a failed load leaves no partial layer and no tag.

import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { InvalidInputError, NotFoundError } from "../errors";
import { decompressed, hasLayer, unpackLayer } from "../storage/layer";
import { indexTar, memberStream, readMember, resolveMember, type TarMember } from "../storage/tar-index";
import { familiarString, parseReference } from "./reference";
import { hostArchitecture, type ImageConfig, type ImageStore } from "./store";
import { adviseHugePages } from "../sys/memory";

interface PlannedImage {
  id: string;
  configBytes: Buffer;
  config: ImageConfig;
  layers: TarMember[];
  tags: string[];      // familiar "name:tag" keys
}

const INDEX_TYPES = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"];

function sha256(b: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(b).digest("hex");
}

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString("utf8")) as T;
  } catch {
    throw new InvalidInputError(`${what} is not valid JSON`);
  }
}

function checkConfig(config: ImageConfig, what: string): void {
  if (!config || !Array.isArray(config.rootfs?.diff_ids) || !config.rootfs.diff_ids.every((d) => /^sha256:[a-f0-9]{64}$/.test(d)))
    throw new InvalidInputError(`${what} is not an image config (rootfs.diff_ids missing or invalid)`);
}

function tagKey(name: string): string {
  const ref = parseReference(name);
  if (ref.digest) throw new InvalidInputError(`cannot tag ${name}: a digest reference is not a tag`);
  return familiarString(ref);
}

/** Plans the images of a Docker archive from its manifest.json. */
function planDocker(fd: number, members: Map<string, TarMember>): PlannedImage[] {
  const manifest = parseJson<{ Config: string; RepoTags?: string[] | null; Layers: string[] }[]>(readMember(fd, members.get("manifest.json")!), "manifest.json");
  if (!Array.isArray(manifest)) throw new InvalidInputError("manifest.json is not a list of images");
  return manifest.map((item, n) => {
    const cfgMember = item?.Config ? resolveMember(members, item.Config) : undefined;
    if (!cfgMember) throw new InvalidInputError(`manifest.json entry ${n}: config ${item?.Config} is not in the archive`);
    const configBytes = readMember(fd, cfgMember);
    const config = parseJson<ImageConfig>(configBytes, item.Config);
    checkConfig(config, item.Config);
    const layers = (item.Layers ?? []).map((l) => {
      const m = resolveMember(members, l);
      if (!m) throw new InvalidInputError(`manifest.json entry ${n}: layer ${l} is not in the archive`);
      return m;
    });
    if (layers.length !== config.rootfs.diff_ids.length)
      throw new InvalidInputError(`manifest.json entry ${n}: ${layers.length} layers but the config lists ${config.rootfs.diff_ids.length}`);
    return { id: `sha256:${sha256(configBytes)}`, configBytes, config, layers, tags: (item.RepoTags ?? []).map(tagKey) };
  });
}

interface Descriptor { mediaType?: string; digest: string; size?: number; annotations?: Record<string, string>; platform?: { os?: string; architecture?: string } }

function blob(fd: number, members: Map<string, TarMember>, d: Descriptor): { member: TarMember; read: () => Buffer } {
  const m = /^(sha256|sha512):([a-f0-9]+)$/.exec(d?.digest ?? "");
  if (!m) throw new InvalidInputError(`index.json: invalid digest ${d?.digest}`);
  const member = resolveMember(members, `blobs/${m[1]}/${m[2]}`);
  if (!member) throw new InvalidInputError(`blob ${d.digest} is not in the archive`);
  return {
    member,
    read: () => {
      const bytes = readMember(fd, member);
      if (m[1] === "sha256" && sha256(bytes) !== m[2]) throw new InvalidInputError(`blob ${d.digest} does not match its digest`);
      return bytes;
    },
  };
}

/** The name an OCI descriptor's annotations give the image, if any. */
function ociName(d: Descriptor): string | undefined {
  const a = d.annotations ?? {};
  if (a["io.containerd.image.name"]) return a["io.containerd.image.name"];
  const ref = a["org.opencontainers.image.ref.name"];
  // a bare tag ("latest") names no repository; a full reference ("busybox:1.36") does
  if (ref && (ref.includes(":") || ref.includes("/"))) return ref;
  return undefined;
}

/** Plans the images of an OCI image layout from its index.json. */
function planOci(fd: number, members: Map<string, TarMember>): PlannedImage[] {
  const index = parseJson<{ manifests?: Descriptor[] }>(readMember(fd, members.get("index.json")!), "index.json");
  const byId = new Map<string, PlannedImage>();
  const visit = (d: Descriptor, name: string | undefined, depth: number) => {
    if (depth > 4) throw new InvalidInputError("index.json: image indexes nested too deeply");
    const bytes = blob(fd, members, d).read();
    const doc = parseJson<{ mediaType?: string; manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] }>(bytes, d.digest);
    if (INDEX_TYPES.includes(d.mediaType ?? "") || INDEX_TYPES.includes(doc.mediaType ?? "") || Array.isArray(doc.manifests)) {
      const arch = hostArchitecture();
      const pick = (doc.manifests ?? []).find((x) => (x.platform?.os ?? "linux") === "linux" && (x.platform?.architecture ?? arch) === arch);
      if (!pick) throw new NotFoundError(`${name ?? d.digest}: no image for linux/${arch} in the archive`);
      visit(pick, name ?? ociName(pick), depth + 1);
      return;
    }
    if (!doc.config) throw new InvalidInputError(`manifest ${d.digest} has no config`);
    const configBytes = blob(fd, members, doc.config).read();
    const config = parseJson<ImageConfig>(configBytes, doc.config.digest);
    checkConfig(config, doc.config.digest);
    const layers = (doc.layers ?? []).map((l) => blob(fd, members, l).member);
    if (layers.length !== config.rootfs.diff_ids.length)
      throw new InvalidInputError(`manifest ${d.digest}: ${layers.length} layers but the config lists ${config.rootfs.diff_ids.length}`);
    const id = `sha256:${sha256(configBytes)}`;
    const planned = byId.get(id) ?? { id, configBytes, config, layers, tags: [] };
    if (name) planned.tags.push(tagKey(name));
    byId.set(id, planned);
  };
  for (const d of index.manifests ?? []) visit(d, ociName(d), 0);
  if (byId.size === 0) throw new InvalidInputError("index.json lists no images");
  return [...byId.values()];
}

/** A readable, uncompressed tar file for source: the file itself, or a spooled temp copy. */
async function openSource(store: ImageStore, source: string): Promise<{ path: string; temp: boolean }> {
  if (source !== "-") {
    if (!existsSync(source)) throw new NotFoundError(`open ${source}: no such file or directory`);
    const fd = openSync(source, "r");
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    closeSync(fd);
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return spool(store, createReadStream(source, { highWaterMark: 1 << 20 }));
    if (n === 4 && head.readUInt32BE(0) === 0x28b52ffd) throw new InvalidInputError("zstd-compressed archives are not supported yet");
    return { path: source, temp: false };
  }
  return spool(store, Bun.stdin.stream() as unknown as AsyncIterable<Uint8Array>);
}

async function spool(store: ImageStore, input: AsyncIterable<Uint8Array>): Promise<{ path: string; temp: boolean }> {
  const dir = `${store.dir}/tmp`;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = `${dir}/load-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tar`;
  const fd = openSync(path, "w", 0o600);
  try {
    for await (const chunk of decompressed(input)) {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
    }
  } catch (e) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw e;
  }
  closeSync(fd);
  return { path, temp: true };
}

/** Loads every image of the archive; returns the lines Docker prints. */
export async function loadImages(store: ImageStore, source: string): Promise<string[]> {
  adviseHugePages(); // archives and layers pass through the heap
  const src = await openSource(store, source);
  const created: string[] = [];
  try {
    const fd = openSync(src.path, "r");
    let plan: PlannedImage[];
    try {
      const members = indexTar(fd);
      if (members.has("manifest.json")) plan = planDocker(fd, members);
      else if (members.has("index.json")) plan = planOci(fd, members);
      else throw new InvalidInputError("archive has neither manifest.json nor index.json: not a docker save archive or an OCI image layout");
    } finally { closeSync(fd); }

    for (const img of plan) {
      for (const [i, member] of img.layers.entries()) {
        const diffId = img.config.rootfs.diff_ids[i];
        if (hasLayer(store.layersDir, diffId)) continue;
        await unpackLayer(store.layersDir, memberStream(src.path, member), diffId, { allowEmpty: true });
        created.push(diffId);
      }
    }
    return store.locked(() => {
      const lines: string[] = [];
      for (const img of plan) {
        const id = store.addImageConfigBytes(img.configBytes);
        if (img.tags.length === 0) lines.push(`Loaded image ID: ${id}`);
        for (const tag of img.tags) {
          const prev = store.find(tag);
          if (prev && prev.id !== id && prev.tags.includes(tag))
            lines.push(`The image ${tag} already exists, renaming the old one with ID ${prev.id} to empty string`);
          store.setTag(tag, id);
          lines.push(`Loaded image: ${tag}`);
        }
      }
      return lines;
    });
  } catch (e) {
    if (created.length) {
      store.locked(() => {
        const used = new Set(store.list().flatMap((i) => i.config.rootfs.diff_ids));
        for (const d of created) if (!used.has(d)) rmSync(`${store.layersDir}/${d.slice(7)}`, { recursive: true, force: true });
      });
    }
    throw e;
  } finally {
    if (src.temp) rmSync(src.path, { force: true });
  }
}
