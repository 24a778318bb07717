// The container store under ROOT/containers: ids, names, lookup by name or unique id prefix,
// and the per-container lock. Names are claimed by creating containers/.names/<name> with
// O_EXCL, so two concurrent `run --name x` can never both win, without a global lock.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { ConflictError, InvalidInputError, NotFoundError } from "../errors";
import { atomicWrite, atomicWriteJson, readJson, readJsonIfExists, withLock, withLockAsync } from "../sys/fs";
import { generateName, validateName } from "./names";
import type { ContainerConfig, ContainerState } from "./record";

/** Between claiming a name and writing the record a create does no I/O that can block. */
const STALE_CLAIM_MS = 30_000;

export class ContainerStore {
  readonly dir: string;
  private namesDir: string;

  constructor(readonly root: string) {
    this.dir = `${root}/containers`;
    this.namesDir = `${this.dir}/.names`;
  }

  containerDir(id: string): string {
    return `${this.dir}/${id}`;
  }

  private ensure(): void {
    if (!existsSync(this.namesDir)) mkdirSync(this.namesDir, { recursive: true, mode: 0o700 });
  }

  newId(): string {
    for (;;) {
      const id = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex");
      // Docker avoids ids whose short form reads as a number
      if (!/^\d+$/.test(id.slice(0, 12)) && !existsSync(this.containerDir(id))) return id;
    }
  }

  /** Claims a name for id (generated when none is given); throws ConflictError if taken. */
  claimName(id: string, requested: string | undefined): string {
    this.ensure();
    if (requested !== undefined) {
      const name = validateName(requested);
      if (this.tryClaim(name, id)) return name;
      const holder = this.nameOwner(name) ?? "";
      throw new ConflictError(`Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    for (let attempt = 0; ; attempt++) {
      const name = generateName(attempt);
      if (this.tryClaim(name, id)) return name;
      if (attempt > 50) throw new ConflictError("could not generate a free container name");
    }
  }

  /** Creates the claim with O_EXCL; if the name is held by a stale claim, takes it over. */
  private tryClaim(name: string, id: string): boolean {
    const claim = `${this.namesDir}/${name}`;
    try {
      writeFileSync(claim, id, { flag: "wx", mode: 0o600 });
      return true;
    } catch (e: any) {
      if (e?.code !== "EEXIST") throw e;
    }
    // Replaced by rename under the names lock: the claim file never disappears, so a concurrent
    // O_EXCL claimer still fails, and two takers cannot both win.
    const stale = withLock(`${this.namesDir}/.lock`, () => {
      const holder = this.nameOwner(name);
      if (holder === undefined || !this.staleClaim(claim, holder)) return undefined;
      atomicWrite(claim, id, 0o600);
      return holder;
    });
    if (stale === undefined) return false;
    this.removeAbandoned(stale); // the directory a killed plain create left, if any
    return true;
  }

  /**
   * A claim is stale when its container has no record and never will: a create killed between
   * claiming the name and writing config.json (SIGKILL, a timeout in a script) left it. Its
   * directory is made before the claim and removed when such a create ends (by its own cleanup,
   * or by the early start's monitor), so a missing directory settles it. A directory that stayed
   * (a plain create killed) settles it once the claim is older than a create ever takes.
   */
  private staleClaim(claim: string, holder: string): boolean {
    const dir = this.containerDir(holder);
    if (existsSync(`${dir}/config.json`)) return false;
    if (!existsSync(dir)) return true;
    try {
      return Date.now() - statSync(claim).mtimeMs > STALE_CLAIM_MS;
    } catch {
      return false;
    }
  }

  /**
   * Directories a create left without a record (killed between making its directory and writing
   * config.json), and the names they claimed: nothing else removes them, and ps never shows them.
   * One younger than a create ever takes may still be a create under way, and stays.
   */
  sweepAbandoned(): string[] {
    const swept = this.candidateIds().filter((id) => this.removeAbandoned(id));
    if (swept.length && existsSync(this.namesDir)) {
      withLock(`${this.namesDir}/.lock`, () => {
        for (const name of readdirSync(this.namesDir))
          if (!name.startsWith(".") && swept.includes(this.nameOwner(name) ?? "")) rmSync(`${this.namesDir}/${name}`, { force: true });
      });
    }
    return swept;
  }

  /** Removes id's directory if it holds no record and is older than any create under way. */
  private removeAbandoned(id: string): boolean {
    const dir = this.containerDir(id);
    try {
      if (existsSync(`${dir}/config.json`) || Date.now() - statSync(dir).mtimeMs <= STALE_CLAIM_MS) return false;
    } catch {
      return false; // gone already
    }
    return this.locked(id, () => {
      if (existsSync(`${dir}/config.json`)) return false;
      rmSync(dir, { recursive: true, force: true });
      return true;
    });
  }

  releaseName(name: string, id: string): void {
    // under the names lock: a takeover between the owner check and the unlink would lose its claim
    if (!existsSync(this.namesDir)) return;
    withLock(`${this.namesDir}/.lock`, () => {
      if (this.nameOwner(name) === id) rmSync(`${this.namesDir}/${name}`, { force: true });
    });
  }

  nameOwner(name: string): string | undefined {
    try { return readFileSync(`${this.namesDir}/${name}`, "utf8"); } catch { return undefined; }
  }

  /** Ids of every container record (config.json present). */
  ids(): string[] {
    return this.candidateIds().filter((n) => existsSync(`${this.dir}/${n}/config.json`));
  }

  /** Directories that may hold a record (an early start's holds none yet): for readers that
   *  open config.json anyway and skip an ENOENT, one stat per container fewer. */
  candidateIds(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((n) => n.length === 64);
  }

  /** Resolves a name, full id or unique id prefix to an id. */
  resolve(ref: string): string {
    if (!ref) throw new InvalidInputError("container name or id must not be empty");
    const name = ref.startsWith("/") ? ref.slice(1) : ref;
    const owner = this.nameOwner(name);
    if (owner && existsSync(`${this.containerDir(owner)}/config.json`)) return owner;
    if (/^[a-f0-9]{64}$/.test(ref) && existsSync(`${this.containerDir(ref)}/config.json`)) return ref;
    if (/^[a-f0-9]+$/.test(ref)) {
      const matches = this.ids().filter((id) => id.startsWith(ref));
      if (matches.length === 1) return matches[0];
      if (matches.length > 1)
        throw new InvalidInputError(`multiple containers match "${ref}": ${matches.map((m) => m.slice(0, 12)).join(", ")}`);
    }
    throw new NotFoundError(`No such container: ${ref}`);
  }

  readConfig(id: string): ContainerConfig {
    return readJson<ContainerConfig>(`${this.containerDir(id)}/config.json`);
  }

  writeConfig(config: ContainerConfig): void {
    // compact: ps and every command parse it, and it holds the whole runtime spec
    atomicWrite(`${this.containerDir(config.Id)}/config.json`, JSON.stringify(config));
  }

  readState(id: string): ContainerState | undefined {
    return readJsonIfExists<ContainerState>(`${this.containerDir(id)}/state.json`);
  }

  writeState(id: string, state: ContainerState): void {
    atomicWriteJson(`${this.containerDir(id)}/state.json`, state);
  }

  /** Runs fn holding this container's lock (every state change goes through here). */
  locked<T>(id: string, fn: () => T): T {
    return withLock(`${this.containerDir(id)}/lock`, fn);
  }

  async lockedAsync<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return withLockAsync(`${this.containerDir(id)}/lock`, fn);
  }

  /**
   * Deletes the record and its name. The caller has released every resource first. The
   * directory is only renamed out of sight (containers/.trash-ID): gone for every command at
   * once, its files removed later (cleanup.ts). Returns that path, or null when the directory
   * could not be renamed and was removed here.
   */
  deleteRecord(id: string, name: string): string | null {
    this.releaseName(name, id);
    const trash = `${this.dir}/.trash-${id}`;
    try {
      renameSync(this.containerDir(id), trash);
      return trash;
    } catch {
      rmSync(this.containerDir(id), { recursive: true, force: true });
      return null;
    }
  }

  /** Removes what a monitor or rmtree was to remove but did not (killed): trash over a minute old. */
  sweepTrash(): void {
    const now = Date.now();
    for (const n of readdirSync(this.dir)) {
      if (!n.startsWith(".trash-")) continue;
      try {
        if (now - statSync(`${this.dir}/${n}`).ctimeMs > 60_000) rmSync(`${this.dir}/${n}`, { recursive: true, force: true });
      } catch { /* removed meanwhile */ }
    }
  }
}
