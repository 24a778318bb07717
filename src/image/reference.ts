// Image references as Docker spells them: "busybox" → busybox:latest, "library/busybox" and
// "docker.io/library/busybox" are the same image; "localhost:5000/app:v1" names a registry.

import { InvalidInputError } from "../errors";

export interface Reference {
  /** Registry host ("docker.io" when none is named). */
  domain: string;
  /** Path inside the registry ("library/busybox"). */
  path: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function parseReference(input: string): Reference {
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InvalidInputError(`invalid reference format: "${input}" has an invalid digest`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidInputError(`invalid reference format: "${input}" has an invalid tag`);
  }
  if (rest === "") throw new InvalidInputError(`invalid reference format: "${input}"`);
  let domain = "docker.io";
  let parts = rest.split("/");
  if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) {
    domain = parts[0];
    parts = parts.slice(1);
  }
  if (domain === "index.docker.io") domain = "docker.io";
  for (const p of parts) {
    if (p !== p.toLowerCase() && COMPONENT.test(p.toLowerCase()))
      throw new InvalidInputError(`invalid reference format: repository name (${rest}) must be lowercase`);
    if (!COMPONENT.test(p)) throw new InvalidInputError(`invalid reference format: "${input}"`);
  }
  if (domain === "docker.io" && parts.length === 1) parts = ["library", parts[0]];
  return { domain, path: parts.join("/"), tag: tag ?? (digest ? undefined : "latest"), digest };
}

/** The short repository name Docker shows: "busybox", "me/app", "localhost:5000/app". */
export function familiarName(ref: Reference): string {
  if (ref.domain === "docker.io") return ref.path.replace(/^library\//, "");
  return `${ref.domain}/${ref.path}`;
}

/** "busybox:latest" — the key under which a tag is stored. */
export function familiarString(ref: Reference): string {
  return `${familiarName(ref)}${ref.tag ? ":" + ref.tag : ""}${ref.digest ? "@" + ref.digest : ""}`;
}

/** Splits a stored "name:tag" key into [repository, tag]. */
export function splitTagKey(key: string): [string, string] {
  const i = key.lastIndexOf(":");
  const slash = key.lastIndexOf("/");
  if (i <= slash) return [key, "<none>"];
  return [key.slice(0, i), key.slice(i + 1)];
}

/** The 12-hex short form of a digest or id ("sha256:abcd…" → "abcd…"), as Docker prints them. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, "").slice(0, 12);
}
