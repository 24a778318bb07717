// Which compressed blobs are known to hold a layer: ROOT/image/blobsums.json maps a diff id to
// the blob digests seen for it (pulled from a registry, or made by our own push). A push checks
// these with HEAD first and skips layers the registry already has, as Docker's v2metadata does.
// Written only under the store lock.

import { atomicWriteJson, readJsonIfExists } from "../sys/fs";

export interface BlobSum {
  digest: string;
  size: number;
  mediaType: string;
}

type Sums = Record<string, BlobSum[]>;

function file(storeDir: string): string {
  return `${storeDir}/blobsums.json`;
}

export function blobSums(storeDir: string, diffId: string): BlobSum[] {
  return (readJsonIfExists<Sums>(file(storeDir)) ?? {})[diffId] ?? [];
}

/** Records blobs for diff ids (newest first, a few per layer). Call under the store lock. */
export function addBlobSums(storeDir: string, entries: { diffId: string; blob: BlobSum }[]): void {
  const all = readJsonIfExists<Sums>(file(storeDir)) ?? {};
  let changed = false;
  for (const { diffId, blob } of entries) {
    const list = all[diffId] ?? [];
    if (list.some((b) => b.digest === blob.digest)) continue;
    all[diffId] = [blob, ...list].slice(0, 5);
    changed = true;
  }
  if (changed) atomicWriteJson(file(storeDir), all);
}
