// A real registry for the registry tests: Debian's docker-registry (distribution 2.8) on
// 127.0.0.1, a free port and a temp storage dir, started by the test with its own config file and
// stopped by the pid it started. Also builds the archives skopeo copies into it: Docker archives
// (docker save layout) and OCI image layouts, including a multi-platform index.

import { createServer } from "node:net";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTar, type BuildEntry } from "../tar-builder";

export const HAVE_REGISTRY = Bun.spawnSync(["sh", "-c", "command -v docker-registry && command -v skopeo"]).exitCode === 0;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Registry {
  /** "127.0.0.1:PORT" */
  addr: string;
  /** The registry's storage root (docker/registry/v2/...). */
  storage: string;
  stop(): Promise<void>;
}

export async function startRegistry(opts: { users?: Record<string, string> } = {}): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), "mdt-registry-"));
  const port = await freePort();
  const storage = join(dir, "storage");
  mkdirSync(storage);
  let auth = "";
  if (opts.users) {
    const lines = await Promise.all(Object.entries(opts.users).map(async ([u, p]) => `${u}:${await Bun.password.hash(p, { algorithm: "bcrypt", cost: 4 })}`));
    writeFileSync(join(dir, "htpasswd"), lines.join("\n") + "\n");
    auth = `auth:\n  htpasswd:\n    realm: mydocker-test\n    path: ${join(dir, "htpasswd")}\n`;
  }
  writeFileSync(join(dir, "config.yml"), `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${storage}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
${auth}`);
  const proc = Bun.spawn(["docker-registry", "serve", join(dir, "config.yml")], { stdout: "ignore", stderr: "pipe" });
  const addr = `127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const r = await fetch(`http://${addr}/v2/`);
      await r.arrayBuffer();
      if (r.status === 200 || r.status === 401) break;
    } catch { /* not up yet */ }
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill(9);
      const text = await new Response(proc.stderr).text();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not start: ${text}`);
    }
    await Bun.sleep(25);
  }
  return {
    addr, storage,
    async stop() {
      proc.kill(15);
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs skopeo copy (no signature policy, plain HTTP to the loopback registry). */
export function skopeoCopy(src: string, dest: string, extra: string[] = []): void {
  const r = Bun.spawnSync(["skopeo", "--insecure-policy", "copy", "-q", "--dest-tls-verify=false", "--src-tls-verify=false", ...extra, src, dest]);
  if (r.exitCode !== 0) throw new Error(`skopeo copy ${src} ${dest}: ${r.stderr.toString()}`);
}

function sha(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

export interface TestImage {
  /** Uncompressed layer tars, bottom first. */
  layers: Buffer[];
  architecture?: string;
  cmd?: string[];
}

export function imageConfig(img: TestImage): Buffer {
  return Buffer.from(JSON.stringify({
    architecture: img.architecture ?? "amd64", os: "linux",
    created: "2024-01-01T00:00:00Z",
    config: { Cmd: img.cmd ?? ["sh"], Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] },
    rootfs: { type: "layers", diff_ids: img.layers.map((l) => `sha256:${sha(l)}`) },
    history: img.layers.map(() => ({ created: "2024-01-01T00:00:00Z", created_by: "test" })),
  }));
}

/** A `docker save` archive (manifest.json + config + uncompressed layers). Returns the image id. */
export function writeDockerArchive(path: string, img: TestImage, repoTag: string): string {
  const config = imageConfig(img);
  const id = sha(config);
  const entries: BuildEntry[] = [{ path: `${id}.json`, data: config }];
  const layerPaths: string[] = [];
  for (const l of img.layers) {
    const h = sha(l);
    entries.push({ path: `${h}/`, type: "Directory" }, { path: `${h}/layer.tar`, data: l });
    layerPaths.push(`${h}/layer.tar`);
  }
  entries.push({ path: "manifest.json", data: JSON.stringify([{ Config: `${id}.json`, RepoTags: [repoTag], Layers: layerPaths }]) });
  writeFileSync(path, buildTar(entries));
  return `sha256:${id}`;
}

/**
 * An OCI image layout directory. One image gives an image manifest; several give an image index
 * (one manifest per image, platform from its architecture), referenced as `ref`.
 */
export function writeOciLayout(dir: string, images: TestImage[], ref: string): { configDigests: string[]; topDigest: string } {
  mkdirSync(join(dir, "blobs/sha256"), { recursive: true });
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const blob = (bytes: Uint8Array) => {
    const h = sha(bytes);
    writeFileSync(join(dir, "blobs/sha256", h), bytes);
    return { digest: `sha256:${h}`, size: bytes.length };
  };
  const manifests: { mediaType: string; digest: string; size: number; platform: { os: string; architecture: string } }[] = [];
  const configDigests: string[] = [];
  for (const img of images) {
    const config = blob(imageConfig(img));
    configDigests.push(config.digest);
    const layers = img.layers.map((l) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...blob(Bun.gzipSync(l)) }));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config }, layers,
    }));
    manifests.push({ mediaType: "application/vnd.oci.image.manifest.v1+json", ...blob(manifest), platform: { os: "linux", architecture: img.architecture ?? "amd64" } });
  }
  let top: { mediaType: string; digest: string; size: number };
  if (images.length === 1) {
    top = { mediaType: manifests[0].mediaType, digest: manifests[0].digest, size: manifests[0].size };
  } else {
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }));
    top = { mediaType: "application/vnd.oci.image.index.v1+json", ...blob(index) };
  }
  writeFileSync(join(dir, "index.json"), JSON.stringify({
    schemaVersion: 2, manifests: [{ ...top, annotations: { "org.opencontainers.image.ref.name": ref } }],
  }));
  return { configDigests, topDigest: top.digest };
}

/** A one-file layer: `path` holding `text`. */
export function fileLayer(path: string, text: string): Buffer {
  return buildTar([{ path, data: text, mode: 0o644 }]);
}

export interface Proxy { addr: string; stop(): Promise<void> }

/**
 * A proxy in front of a registry, in its own process (the tests' spawnSync would block an
 * in-process server): "bearer" demands tokens from its own /token endpoint, as Docker Hub does;
 * "slow" trickles blobs out; "stall" sends part of each blob and then nothing; "plain" only
 * forwards. With `log`, each request's method and path is appended to that file.
 */
export async function startProxy(upstream: string, mode: "bearer" | "slow" | "stall" | "plain", log?: string): Promise<Proxy> {
  const port = await freePort();
  const proc = Bun.spawn([process.execPath, import.meta.path, "proxy", String(port), upstream, mode, log ?? ""], { stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  const first = await reader.read(); // "ready\n"
  if (first.done) throw new Error("proxy did not start");
  return {
    addr: `127.0.0.1:${port}`,
    async stop() {
      proc.kill(9);
      await proc.exited;
    },
  };
}

function serveProxy(port: number, upstream: string, mode: string, log: string): void {
  const self = `127.0.0.1:${port}`;
  Bun.serve({
    hostname: "127.0.0.1", port, idleTimeout: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (log) appendFileSync(log, `${req.method} ${url.pathname}\n`);
      if (mode === "bearer") {
        if (url.pathname === "/token") {
          const scope = url.searchParams.get("scope") ?? "";
          if (url.searchParams.get("service") !== "test-registry") return new Response("bad service", { status: 400 });
          return Response.json({ token: `tok:${scope}`, expires_in: 300 });
        }
        const m = /^\/v2\/(.+)\/(manifests|blobs|tags)\//.exec(url.pathname);
        const auth = req.headers.get("authorization") ?? "";
        const need = m ? `repository:${m[1]}:pull` : "";
        const granted = auth.startsWith("Bearer tok:") && (need === "" || auth.slice("Bearer tok:".length).split(" ").includes(need));
        if (!granted) {
          const scope = need ? `,scope="${need}"` : "";
          return new Response(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }), {
            status: 401, headers: { "www-authenticate": `Bearer realm="http://${self}/token",service="test-registry"${scope}`, "content-type": "application/json" },
          });
        }
      }
      const headers = new Headers(req.headers);
      headers.delete("authorization");
      headers.set("host", upstream);
      const res = await fetch(`http://${upstream}${url.pathname}${url.search}`, { method: req.method, headers, body: req.body, redirect: "manual" });
      const isBlob = req.method === "GET" && /\/blobs\/sha256:/.test(url.pathname) && res.ok;
      if (!isBlob || mode === "bearer" || mode === "plain") return new Response(res.body, { status: res.status, headers: res.headers });
      const body = new Uint8Array(await res.arrayBuffer());
      const out = new Headers(res.headers);
      const stream = new ReadableStream<Uint8Array>({
        async start(c) {
          const step = 16 << 10;
          for (let off = 0; off < body.length; off += step) {
            if (mode === "stall" && off >= body.length / 2) return; // never closes
            c.enqueue(body.subarray(off, off + step));
            await Bun.sleep(mode === "slow" ? 40 : 0);
          }
          c.close();
        },
      });
      return new Response(stream, { status: res.status, headers: out });
    },
  });
  process.stdout.write("ready\n");
}

if (import.meta.main && process.argv[2] === "proxy") serveProxy(Number(process.argv[3]), process.argv[4], process.argv[5], process.argv[6] ?? "");
