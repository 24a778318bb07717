// Named and anonymous volumes under ROOT/volumes:
//   <name>/_data        the volume's content (what containers mount)
//   <name>/volume.json  Docker's volume object (Name, Driver, Mountpoint, CreatedAt, Labels, …)
//   .lock               held for create/remove, so a volume is never half made or half deleted
// Which containers use a volume is read from their records (the container module knows them);
// this store knows only volumes.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { ConflictError, InvalidInputError, NotFoundError } from "../errors";
import { atomicWriteJson, readJsonIfExists, withLock } from "../sys/fs";

export interface Volume {
  CreatedAt: string;
  Driver: "local";
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: "local";
  /** Made for one container (`-v /path`, an image VOLUME); removed with it by `rm -v` / `--rm`. */
  Anonymous?: boolean;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function isVolumeName(name: string): boolean {
  return NAME.test(name);
}

export function validateVolumeName(name: string): void {
  if (!NAME.test(name))
    throw new InvalidInputError(`create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
}

/** A fresh anonymous volume name (64 hex, like Docker's). */
export function anonymousVolumeName(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex");
}

export class VolumeStore {
  readonly dir: string;

  constructor(root: string) {
    this.dir = `${root}/volumes`;
  }

  mountpoint(name: string): string {
    return `${this.dir}/${name}/_data`;
  }

  locked<T>(fn: () => T): T {
    if (!existsSync(this.dir)) mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return withLock(`${this.dir}/.lock`, fn);
  }

  find(name: string): Volume | undefined {
    if (!NAME.test(name)) return undefined;
    return readJsonIfExists<Volume>(`${this.dir}/${name}/volume.json`);
  }

  get(name: string): Volume {
    const v = this.find(name);
    if (!v) throw new NotFoundError(`get ${name}: no such volume`);
    return v;
  }

  list(): Volume[] {
    if (!existsSync(this.dir)) return [];
    const out: Volume[] = [];
    for (const n of readdirSync(this.dir)) {
      const v = this.find(n);
      if (v) out.push(v);
    }
    return out.sort((a, b) => (a.Name < b.Name ? -1 : 1));
  }

  /**
   * Creates the volume unless it exists (then returns it unchanged, created=false). The record is
   * written last, by rename, so a volume without volume.json was never finished.
   */
  ensure(name: string, opts: { labels?: Record<string, string>; anonymous?: boolean; options?: Record<string, string> } = {}): { volume: Volume; created: boolean } {
    validateVolumeName(name);
    return this.locked(() => {
      const existing = this.find(name);
      if (existing) return { volume: existing, created: false };
      const dir = `${this.dir}/${name}`;
      const staging = `${this.dir}/.tmp-${name}-${process.pid}`;
      this.sweep();
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(`${staging}/_data`, { recursive: true, mode: 0o755 });
      const volume: Volume = {
        CreatedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        Driver: "local",
        Labels: opts.labels && Object.keys(opts.labels).length ? opts.labels : null,
        Mountpoint: `${dir}/_data`,
        Name: name,
        Options: opts.options && Object.keys(opts.options).length ? opts.options : null,
        Scope: "local",
        ...(opts.anonymous ? { Anonymous: true } : {}),
      };
      try {
        atomicWriteJson(`${staging}/volume.json`, volume);
        rmSync(dir, { recursive: true, force: true }); // an unfinished one from a crash
        renameSync(staging, dir);
      } catch (e) {
        rmSync(staging, { recursive: true, force: true });
        throw e;
      }
      return { volume, created: true };
    });
  }

  /** Removes staging (.tmp-) and half-deleted (.rm-) directories that a killed mydocker left. Under the lock. */
  private sweep(): void {
    for (const n of readdirSync(this.dir)) {
      const m = /^\.(?:tmp|rm)-.*-(\d+)$/.exec(n);
      if (m && !existsSync(`/proc/${m[1]}`)) rmSync(`${this.dir}/${n}`, { recursive: true, force: true });
    }
  }

  /** Deletes a volume; `inUse` (checked under the lock) names a container still using it. */
  remove(name: string, inUse: () => string | undefined): void {
    this.locked(() => {
      this.get(name);
      const user = inUse();
      if (user) throw new ConflictError(`remove ${name}: volume is in use - [${user}]`);
      // rename first: the volume disappears at once, the (maybe slow) delete follows
      const gone = `${this.dir}/.rm-${name}-${process.pid}`;
      renameSync(`${this.dir}/${name}`, gone);
      rmSync(gone, { recursive: true, force: true });
    });
  }
}
