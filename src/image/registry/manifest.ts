// Manifests of the OCI distribution API: Docker schema 2 and OCI image manifests, and the lists
// (Docker manifest lists, OCI indexes) that name one manifest per platform. Parsing checks the
// shape we rely on, so a malformed manifest fails here with a message, not later with a TypeError.

import { InvalidInputError } from "../../errors";
import { RegistryError } from "./errors";

export const MEDIA = {
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  dockerForeignLayer: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayer: "application/vnd.oci.image.layer.v1.tar",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
} as const;

/** What a pull accepts, best first (sent as the Accept header). */
export const ACCEPT_MANIFESTS = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.dockerManifest, MEDIA.ociManifest].join(", ");

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  urls?: string[];
  annotations?: Record<string, string>;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ImageManifest {
  kind: "manifest";
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ManifestIndex {
  kind: "index";
  mediaType: string;
  manifests: Descriptor[];
}

export type AnyManifest = ImageManifest | ManifestIndex;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

function descriptor(d: any, what: string): Descriptor {
  if (!d || typeof d !== "object" || typeof d.digest !== "string" || typeof d.size !== "number")
    throw new RegistryError(`malformed manifest: ${what} has no digest or size`);
  if (!DIGEST.test(d.digest)) throw new RegistryError(`unsupported digest in manifest: ${d.digest} (only sha256)`);
  return d as Descriptor;
}

/**
 * Parses manifest bytes. The media type comes from the body when it names one, else from the
 * Content-Type header (OCI manifests may omit it).
 */
export function parseManifest(bytes: Uint8Array, contentType?: string): AnyManifest {
  let m: any;
  try {
    m = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new RegistryError("malformed manifest: not JSON");
  }
  const mediaType: string = m?.mediaType || (contentType ?? "").split(";")[0].trim();
  if (m?.schemaVersion === 1) throw new RegistryError("unsupported manifest: Docker schema 1 (deprecated and removed)");
  if (Array.isArray(m?.manifests)) {
    return { kind: "index", mediaType: mediaType || MEDIA.ociIndex, manifests: m.manifests.map((d: any, i: number) => descriptor(d, `manifests[${i}]`)) };
  }
  if (m?.config && Array.isArray(m?.layers)) {
    return {
      kind: "manifest", mediaType: mediaType || MEDIA.ociManifest,
      config: descriptor(m.config, "config"), layers: m.layers.map((d: any, i: number) => descriptor(d, `layers[${i}]`)),
    };
  }
  throw new RegistryError(`unsupported manifest type: ${mediaType || "unknown"}`);
}

/** "linux/amd64", "linux/arm/v7", "arm64" → Platform. */
export function parsePlatform(s: string): Platform {
  const parts = s.trim().toLowerCase().split("/");
  if (parts.some((p) => p === "" || !/^[a-z0-9_.-]+$/.test(p)) || parts.length > 3)
    throw new InvalidInputError(`invalid platform "${s}": expected os/arch[/variant]`);
  if (parts.length === 1) return normalizePlatform({ os: "linux", architecture: parts[0] });
  return normalizePlatform({ os: parts[0], architecture: parts[1], variant: parts[2] });
}

/** containerd's normalisation: x86_64 → amd64, aarch64 → arm64 (variant v8 implied), armhf → arm/v7. */
export function normalizePlatform(p: Platform): Platform {
  let { architecture: arch, variant } = p;
  if (arch === "x86_64" || arch === "x86-64") arch = "amd64";
  else if (arch === "aarch64") arch = "arm64";
  else if (arch === "armhf") { arch = "arm"; variant = "v7"; }
  else if (arch === "armel") { arch = "arm"; variant = "v6"; }
  if (arch === "arm64" && variant === "v8") variant = undefined;
  if (arch === "arm" && !variant) variant = "v7";
  return { os: p.os, architecture: arch, ...(variant ? { variant } : {}) };
}

export function platformString(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? "/" + p.variant : ""}`;
}

export function hostPlatform(): Platform {
  const arch = process.arch === "x64" ? "amd64" : process.arch === "ia32" ? "386" : process.arch;
  return normalizePlatform({ os: "linux", architecture: arch });
}

function matches(want: Platform, have: Platform | undefined): boolean {
  if (!have) return false;
  const h = normalizePlatform({ os: have.os, architecture: have.architecture, variant: have.variant });
  return h.os === want.os && h.architecture === want.architecture && (h.variant ?? "") === (want.variant ?? "");
}

/** The index entry for a platform (attestation manifests, which name "unknown/unknown", never match). */
export function selectPlatform(index: ManifestIndex, want: Platform): Descriptor | undefined {
  const images = index.manifests.filter((d) => d.mediaType !== MEDIA.dockerList && d.mediaType !== MEDIA.ociIndex
    && d.platform?.os !== "unknown" && d.annotations?.["vnd.docker.reference.type"] !== "attestation-manifest");
  return images.find((d) => matches(want, d.platform))
    // an arm64 host may take an entry that omits the v8 variant, and arm/v7 may be spelled without it
    ?? images.find((d) => d.platform && d.platform.os === want.os && d.platform.architecture === want.architecture && !d.platform.variant);
}

export type LayerCompression = "gzip" | "zstd" | "none";

/** How a layer blob is compressed, from its media type; undefined for media types that are not layers. */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  switch (mediaType) {
    case MEDIA.dockerLayerGzip: case MEDIA.dockerForeignLayer: case MEDIA.ociLayerGzip:
    case "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip":
      return "gzip";
    case MEDIA.ociLayerZstd: case "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd":
      return "zstd";
    case MEDIA.ociLayer: case "application/vnd.oci.image.layer.nondistributable.v1.tar":
      return "none";
    default:
      return undefined;
  }
}

export function isConfigMediaType(mediaType: string): boolean {
  return mediaType === MEDIA.dockerConfig || mediaType === MEDIA.ociConfig;
}
