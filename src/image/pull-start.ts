// The first request of a pull, sent before the code that stores and unpacks an image is loaded.
// A cold `pull` spends ~5 ms loading that code (the store, the tar reader, the extractor); the
// registry answers the manifest request meanwhile instead of after. This module stays light for
// that reason: the reference parser, the registry client and nothing of the store.

import { type Reference, parseReference } from "./reference";
import { RegistryClient } from "./registry/client";
import { ACCEPT_MANIFESTS } from "./registry/manifest";

export interface PullStart {
  ref: Reference;
  client: RegistryClient;
  /** The manifest (or list) the reference names, as the registry sent it. */
  top: Promise<{ bytes: Uint8Array; digest: string; contentType: string }>;
}

/** Parses the reference (bad input throws here, before any request) and asks for its manifest. */
export function startPull(input: string, insecure?: string[]): PullStart {
  const ref = parseReference(input);
  const client = new RegistryClient(ref.domain, ref.path, { insecure, actions: "pull" });
  const top = client.getManifest(ref.digest ?? ref.tag ?? "latest", ACCEPT_MANIFESTS);
  top.catch(() => {}); // awaited by the pull, which reports the failure; never unhandled
  return { ref, client, top };
}
