// The image store under ROOT/image:
//   imagedb/<id hex>.json   the OCI image config, byte for byte; the image id is its sha256
//   layers/<diff id hex>/   unpacked layers (see storage/layer.ts), shared by every image using them
//   repositories.json       tags: {"busybox:latest": "sha256:<id>"}, changed only under `lock`
// Layers are reference-counted by the configs that list them: removing the last image that uses
// a layer removes the layer.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { ConflictError, InvalidInputError, NotFoundError } from "../errors";
import { atomicWrite, atomicWriteJson, readJsonIfExists, withLock } from "../sys/fs";
import { layerDir, layerSize, sweepStaging } from "../storage/layer-paths";
import { familiarString, parseReference, splitTagKey } from "./reference";
import { dropRepoDigests, lookupRepoDigest } from "./repo-digests";

export interface ContainerSettings {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  config?: ContainerSettings;
  rootfs: { type: "layers"; diff_ids: string[] };
  history?: { created?: string; created_by?: string; comment?: string; author?: string; empty_layer?: boolean }[];
}

export interface Image {
  id: string;        // "sha256:<hex>"
  config: ImageConfig;
  tags: string[];    // "busybox:latest"
}

type Repositories = Record<string, string>;

export function hostArchitecture(): string {
  return process.arch === "x64" ? "amd64" : process.arch;
}

export class ImageStore {
  readonly dir: string;
  readonly layersDir: string;
  private imagedb: string;
  private reposFile: string;
  private lockFile: string;

  constructor(root: string) {
    this.dir = `${root}/image`;
    this.layersDir = `${this.dir}/layers`;
    this.imagedb = `${this.dir}/imagedb`;
    this.reposFile = `${this.dir}/repositories.json`;
    this.lockFile = `${this.dir}/lock`;
  }

  private ensure(): void {
    if (!existsSync(this.imagedb)) {
      mkdirSync(this.imagedb, { recursive: true, mode: 0o700 });
      mkdirSync(this.layersDir, { recursive: true, mode: 0o700 });
    }
  }

  locked<T>(fn: () => T): T {
    this.ensure();
    return withLock(this.lockFile, fn);
  }

  private repos(): Repositories {
    return readJsonIfExists<Repositories>(this.reposFile) ?? {};
  }

  private readConfig(id: string): ImageConfig | undefined {
    try {
      return JSON.parse(readFileSync(`${this.imagedb}/${id.replace(/^sha256:/, "")}.json`, "utf8"));
    } catch {
      return undefined;
    }
  }

  /** Raw config bytes (for save/push, where the digest must match). */
  configBytes(id: string): Buffer {
    return readFileSync(`${this.imagedb}/${id.replace(/^sha256:/, "")}.json`);
  }

  list(): Image[] {
    if (!existsSync(this.imagedb)) return [];
    const repos = this.repos();
    const tagsById = new Map<string, string[]>();
    for (const [tag, id] of Object.entries(repos)) tagsById.set(id, [...(tagsById.get(id) ?? []), tag]);
    const out: Image[] = [];
    for (const f of readdirSync(this.imagedb)) {
      if (!f.endsWith(".json")) continue;
      const id = `sha256:${f.slice(0, -5)}`;
      const config = this.readConfig(id);
      if (config) out.push({ id, config, tags: (tagsById.get(id) ?? []).sort() });
    }
    return out;
  }

  /** Finds an image by name[:tag], full id, or unique id prefix; undefined when absent. */
  find(nameOrId: string): Image | undefined {
    if (!existsSync(this.imagedb)) return undefined;
    const hex = nameOrId.replace(/^sha256:/, "");
    if (/^[a-f0-9]{64}$/.test(hex)) {
      const config = this.readConfig(hex);
      if (config) return this.withTags(`sha256:${hex}`, config);
    }
    let key: string | undefined;
    try { key = familiarString(parseReference(nameOrId)); } catch { key = undefined; }
    const repos = this.repos();
    if (key && repos[key]) {
      const config = this.readConfig(repos[key]);
      if (config) return this.withTags(repos[key], config);
    }
    const byDigest = key?.includes("@") ? lookupRepoDigest(this.dir, key.replace(/:[^/@]*@/, "@")) : undefined;
    if (byDigest) {
      const config = this.readConfig(byDigest);
      if (config) return this.withTags(byDigest, config);
    }
    if (/^[a-f0-9]{4,63}$/.test(hex)) {
      const matches = readdirSync(this.imagedb).filter((f) => f.startsWith(hex) && f.endsWith(".json"));
      if (matches.length > 1) throw new InvalidInputError(`image id prefix "${hex}" is ambiguous`);
      if (matches.length === 1) {
        const id = `sha256:${matches[0].slice(0, -5)}`;
        return this.withTags(id, this.readConfig(id)!);
      }
    }
    return undefined;
  }

  get(nameOrId: string): Image {
    const img = this.find(nameOrId);
    if (!img) throw new NotFoundError(`no such image: ${nameOrId}`);
    return img;
  }

  private withTags(id: string, config: ImageConfig): Image {
    const tags = Object.entries(this.repos()).filter(([, v]) => v === id).map(([k]) => k).sort();
    return { id, config, tags };
  }

  /** Stores a config (its layers must be present) and returns the image id. */
  addImage(config: ImageConfig): string {
    return this.addImageConfigBytes(Buffer.from(JSON.stringify(config)));
  }

  /** Stores config bytes exactly as given (load/pull: the id is their digest); layers must be present. */
  addImageConfigBytes(bytes: Buffer): string {
    this.ensure();
    const config = JSON.parse(bytes.toString("utf8")) as ImageConfig;
    for (const d of config.rootfs?.diff_ids ?? [])
      if (!existsSync(`${layerDir(this.layersDir, d)}/diff`)) throw new NotFoundError(`layer ${d} is missing from the store`);
    const hex = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
    const path = `${this.imagedb}/${hex}.json`;
    if (!existsSync(path)) atomicWrite(path, bytes);
    return `sha256:${hex}`;
  }

  /** Points name[:tag] at id; the previous holder of the tag becomes dangling. Call under lock. */
  setTag(name: string, id: string): string {
    const key = familiarString(parseReference(name));
    const repos = this.repos();
    repos[key] = id;
    atomicWriteJson(this.reposFile, repos);
    return key;
  }

  /** Removes a tag; returns the id it pointed to. Call under lock. */
  removeTag(name: string): string | undefined {
    const key = familiarString(parseReference(name));
    const repos = this.repos();
    const id = repos[key];
    if (!id) return undefined;
    delete repos[key];
    atomicWriteJson(this.reposFile, repos);
    return id;
  }

  /** Deletes an untagged image and every layer no other image uses. Call under lock. */
  deleteImage(id: string): string[] {
    const repos = this.repos();
    if (Object.values(repos).includes(id)) throw new ConflictError(`image ${id.slice(7, 19)} is still tagged`);
    const config = this.readConfig(id);
    rmSync(`${this.imagedb}/${id.replace(/^sha256:/, "")}.json`, { force: true });
    dropRepoDigests(this.dir, id);
    const deleted = [`Deleted: ${id}`];
    if (!config) return deleted;
    const used = new Set(this.list().flatMap((i) => i.config.rootfs.diff_ids));
    for (const d of config.rootfs.diff_ids) {
      if (used.has(d)) continue;
      rmSync(layerDir(this.layersDir, d), { recursive: true, force: true });
      deleted.push(`Deleted: ${d}`);
    }
    sweepStaging(this.layersDir);
    return deleted;
  }

  /**
   * Stores config and tags it, as one step under the lock. If that fails, the layers unpacked for
   * it (`fresh`) are removed again unless another image uses them: no orphan layer is left.
   */
  commitImage(config: ImageConfig, name: string | undefined, fresh: string[]): string {
    return this.locked(() => {
      try {
        const id = this.addImage(config);
        if (name) this.setTag(name, id);
        return id;
      } catch (e) {
        const used = new Set(this.list().flatMap((i) => i.config.rootfs.diff_ids));
        for (const d of fresh) if (!used.has(d)) rmSync(layerDir(this.layersDir, d), { recursive: true, force: true });
        throw e;
      }
    });
  }

  /** Overlay lowerdirs for an image, topmost layer first (overlayfs order). */
  lowerDirs(img: Image): string[] {
    return img.config.rootfs.diff_ids.map((d) => `${layerDir(this.layersDir, d)}/diff`).reverse();
  }

  size(img: Image): number {
    return img.config.rootfs.diff_ids.reduce((n, d) => n + layerSize(this.layersDir, d), 0);
  }
}

export { splitTagKey };
