// RepoDigests: which manifest digest an image was pulled by (or pushed as), kept beside the tags in
// ROOT/image/repodigests.json: {"busybox@sha256:<manifest digest>": "sha256:<image id>"}. A
// separate file so repositories.json keeps holding tags only. Changed only under the store lock.

import { atomicWriteJson, readJsonIfExists } from "../sys/fs";
import { familiarName, parseReference } from "./reference";

type Digests = Record<string, string>;

function file(storeDir: string): string {
  return `${storeDir}/repodigests.json`;
}

function read(storeDir: string): Digests {
  return readJsonIfExists<Digests>(file(storeDir)) ?? {};
}

/** "localhost:5000/app@sha256:…" for a reference and a manifest digest. */
export function repoDigestKey(name: string, digest: string): string {
  return `${familiarName(parseReference(name))}@${digest}`;
}

/** Records name@digest → id (replacing an older image under the same digest). Call under lock. */
export function addRepoDigest(storeDir: string, name: string, digest: string, id: string): void {
  const all = read(storeDir);
  const key = repoDigestKey(name, digest);
  if (all[key] === id) return;
  all[key] = id;
  atomicWriteJson(file(storeDir), all);
}

/** The image id a "name@sha256:…" key points to. */
export function lookupRepoDigest(storeDir: string, key: string): string | undefined {
  return read(storeDir)[key];
}

export function repoDigestsOf(storeDir: string, id: string): string[] {
  return Object.entries(read(storeDir)).filter(([, v]) => v === id).map(([k]) => k).sort();
}

/** Forgets every digest of a deleted image. Call under lock. */
export function dropRepoDigests(storeDir: string, id: string): void {
  const all = read(storeDir);
  const keep = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== id));
  if (Object.keys(keep).length !== Object.keys(all).length) atomicWriteJson(file(storeDir), keep);
}
