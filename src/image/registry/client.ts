// One registry repository over the OCI distribution API (HTTP with Bun's fetch): the scheme and
// the auth challenge (learned from the first request), the bearer-token flow (or basic auth),
// manifests, blobs, uploads. Every request has a deadline for the response headers and every body
// read an idle deadline, so a silent registry fails with a message instead of hanging.
//
// HTTPS with the host's CA store (plus /etc/docker/certs.d/HOST/*.crt) by default; registries
// named by --insecure-registry try HTTPS without verification first and fall back to plain HTTP,
// as Docker does; loopback registries try plain HTTP first.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { logger } from "../../log";
import { type Challenge, type Credentials, lookupCredentials, parseChallenges } from "./auth";
import { NotFoundError } from "../../errors";
import { DigestMismatchError, RegistryError, UnauthorizedError, UnreachableError } from "./errors";

const log = logger("registry");

export interface Timeouts {
  /** Until the response headers arrive (covers connect and TLS). */
  headersMs: number;
  /** Longest silence while reading a body. */
  idleMs: number;
}

/** MYDOCKER_REGISTRY_TIMEOUT (seconds) shortens both deadlines, e.g. on a flaky network or in tests. */
export function defaultTimeouts(env: Record<string, string | undefined> = process.env): Timeouts {
  const s = Number(env.MYDOCKER_REGISTRY_TIMEOUT);
  if (s > 0) return { headersMs: s * 1000, idleMs: s * 1000 };
  return { headersMs: 30_000, idleMs: 60_000 };
}

export interface ClientOptions {
  /** host[:port] entries (or CIDRs of IPv4 addresses) from --insecure-registry. */
  insecure?: string[];
  /** Credentials; undefined looks them up in the Docker config, null forces anonymous. */
  credentials?: Credentials | null;
  /** "pull" or "pull,push". */
  actions: string;
  timeouts?: Timeouts;
}

/** The host to talk to for a reference's domain (Docker Hub's API lives on registry-1). */
export function apiHost(domain: string): string {
  return domain === "docker.io" || domain === "index.docker.io" ? "registry-1.docker.io" : domain;
}

export function hostOnly(hostPort: string): string {
  if (hostPort.startsWith("[")) return hostPort.slice(1, hostPort.indexOf("]"));
  const i = hostPort.lastIndexOf(":");
  return i > 0 && hostPort.indexOf(":") === i ? hostPort.slice(0, i) : hostPort;
}

export function isLoopback(hostPort: string): boolean {
  const h = hostOnly(hostPort).toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split("/");
  const bits = Number(bitsText);
  const toNum = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !/^\d+\.\d+\.\d+\.\d+$/.test(net) || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - bits);
  return (toNum(ip) & mask) >>> 0 === (toNum(net) & mask) >>> 0;
}

/** Whether plain HTTP (and unverified TLS) is allowed for a registry host. */
export function isInsecure(hostPort: string, insecure: string[] = []): boolean {
  if (isLoopback(hostPort)) return true;
  const h = hostPort.toLowerCase();
  return insecure.some((e) => {
    const x = e.toLowerCase().replace(/^[a-z]+:\/\//, "").replace(/\/+$/, "");
    return x === h || x === hostOnly(h) || (x.includes("/") && inCidr(hostOnly(h), x));
  });
}

let hostCa: string | undefined;
function caFor(host: string): string | undefined {
  hostCa ??= ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"]
    .filter(existsSync).slice(0, 1).map((p) => readFileSync(p, "utf8")).join("");
  let extra = "";
  const dir = `/etc/docker/certs.d/${host}`;
  if (existsSync(dir)) for (const f of readdirSync(dir)) if (f.endsWith(".crt")) extra += readFileSync(`${dir}/${f}`, "utf8") + "\n";
  const all = hostCa + extra;
  return all ? all : undefined;
}

function describeFetchError(e: any): string {
  const code = e?.code ?? "";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_NONAME" || code === "DNSException") return "no such host";
  if (code === "ConnectionClosed" || code === "ECONNRESET") return "connection reset";
  return (e?.message ?? String(e)).replace(/\s*Is the computer able to access the url\?/, "");
}

function isTimeout(e: any): boolean {
  return e instanceof TimeoutSignal || e?.name === "TimeoutError";
}

class TimeoutSignal extends Error {}

/** Yields a body's chunks, failing when nothing arrives for idleMs. */
export async function* withIdleTimeout(body: ReadableStream<Uint8Array>, idleMs: number, what: string): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let timedOut = false;
  // one timer, pushed back on every chunk (a promise race per chunk costs more than the chunk)
  const timer = setTimeout(() => { timedOut = true; reader.cancel().catch(() => {}); }, idleMs);
  try {
    for (;;) {
      let r: { done: boolean; value?: Uint8Array };
      try {
        r = await reader.read();
      } catch (e) {
        if (timedOut) break;
        throw new UnreachableError(`${what}: ${describeFetchError(e)}`);
      }
      if (timedOut) break;
      if (r.done) return;
      timer.refresh();
      yield r.value!;
    }
    throw new UnreachableError(`${what}: no data for ${idleMs / 1000}s (timed out)`);
  } finally {
    clearTimeout(timer);
    if (!timedOut) reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${new Bun.CryptoHasher("sha256").update(bytes).digest("hex")}`;
}

/** A whole (small) body, with the idle deadline and a size cap. */
export async function readAll(body: ReadableStream<Uint8Array> | null, idleMs: number, what: string, max: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of withIdleTimeout(body, idleMs, what)) {
    n += c.length;
    if (n > max) throw new RegistryError(`${what}: larger than ${max} bytes`);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

interface ErrorBody { errors?: { code?: string; message?: string; detail?: unknown }[] }

/** The registry's own error text ("manifest unknown"), or the HTTP status. */
export async function errorText(res: Response): Promise<{ code: string; text: string }> {
  let body = "";
  try { body = await res.text(); } catch { /* the status is enough */ }
  try {
    const j = JSON.parse(body) as ErrorBody;
    const e = j.errors?.[0];
    if (e) return { code: e.code ?? "", text: (e.message ?? e.code ?? "").toLowerCase() };
  } catch { /* not JSON */ }
  return { code: "", text: `${res.status} ${res.statusText}`.trim() };
}

export interface RequestInit2 {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | ReadableStream<Uint8Array> | null;
  /** The URL is absolute (an upload Location) rather than a path under the base. */
  absolute?: boolean;
}

export class RegistryClient {
  readonly host: string;
  private base?: string;
  private insecure: boolean;
  private authorization?: string;
  private challenge?: Challenge;
  private credentials?: Credentials | null;
  private timeouts: Timeouts;
  private authTried = false;
  /** The first request, while it finds the scheme (see request()); its failure, for the others. */
  private first?: Promise<void>;
  private firstError?: unknown;

  constructor(readonly domain: string, readonly repo: string, private opts: ClientOptions) {
    this.host = apiHost(domain);
    this.insecure = isInsecure(this.host, opts.insecure);
    this.credentials = opts.credentials;
    this.timeouts = opts.timeouts ?? defaultTimeouts();
  }

  /** "localhost:5000/app" for messages. */
  get name(): string {
    return `${this.domain}/${this.repo}`;
  }

  /** Whether requests go without credentials. */
  get anonymous(): boolean {
    return !this.creds();
  }

  private creds(): Credentials | undefined {
    if (this.credentials === undefined) this.credentials = lookupCredentials(this.domain) ?? null;
    return this.credentials ?? undefined;
  }

  private tlsFor(): Record<string, unknown> {
    return this.insecure ? { rejectUnauthorized: false } : { ca: caFor(this.host) };
  }

  /** fetch with the header deadline; network failures become UnreachableError naming the host. */
  private async rawFetch(url: string, init: RequestInit2 & { redirect?: "manual" | "follow" }): Promise<Response> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new TimeoutSignal()), this.timeouts.headersMs);
    try {
      return await fetch(url, {
        method: init.method ?? "GET", headers: init.headers, body: init.body ?? undefined,
        redirect: init.redirect ?? "manual", signal: ac.signal, tls: this.tlsFor(),
        // Bun's own 5-minute cap would cut a long upload; our deadlines replace it
        timeout: false,
      } as RequestInit);
    } catch (e) {
      if (isTimeout(e) || ac.signal.aborted) throw new UnreachableError(`registry ${this.host} did not answer within ${this.timeouts.headersMs / 1000}s (timed out)`);
      throw new UnreachableError(`registry ${this.host} is unreachable: ${describeFetchError(e)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `login` only: pings /v2/ to pick the scheme and learn the auth challenge. */
  private async connect(): Promise<void> {
    if (this.base) return;
    const res = await this.fetchFindingScheme((base) => `${base}/v2/`, {});
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 401) {
      this.challenge = parseChallenges(res.headers.get("www-authenticate")).find((c) => c.scheme === "bearer" || c.scheme === "basic");
    } else if (res.status >= 500) {
      throw new RegistryError(`registry ${this.host} answered ${res.status} ${res.statusText}`.trim());
    }
  }

  /** Gets a token (bearer) or sets the basic header; scope null asks for a token without one (login). */
  private async authenticate(actions: string, scope?: string | null): Promise<void> {
    const ch = this.challenge;
    if (!ch) return;
    const cred = this.creds();
    if (ch.scheme === "basic") {
      if (cred) this.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString("base64")}`;
      return;
    }
    const realm = ch.params.realm;
    if (!realm) throw new RegistryError(`registry ${this.host} sent a bearer challenge without a realm`);
    const url = new URL(realm);
    if (ch.params.service) url.searchParams.set("service", ch.params.service);
    if (scope !== null) url.searchParams.append("scope", scope ?? `repository:${this.repo}:${actions}`);
    const headers: Record<string, string> = {};
    let res: Response;
    if (cred?.identityToken) {
      // OAuth2 refresh-token grant, as docker does with identity tokens
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: cred.identityToken, service: ch.params.service ?? "", client_id: "mydocker" });
      if (scope !== null) form.set("scope", url.searchParams.get("scope") ?? "");
      res = await this.rawFetch(realm, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString(), absolute: true });
    } else {
      if (cred) {
        headers.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString("base64")}`;
        url.searchParams.set("account", cred.username);
      }
      res = await this.rawFetch(url.toString(), { headers, absolute: true, redirect: "follow" });
    }
    if (res.status === 401 || res.status === 403) {
      await res.arrayBuffer().catch(() => undefined);
      throw new UnauthorizedError(cred ? `unauthorized: incorrect username or password for ${this.host}` : `unauthorized: ${this.host} requires authentication`);
    }
    if (!res.ok) throw new RegistryError(`token server ${url.host}: ${(await errorText(res)).text}`);
    const body = (await res.json().catch(() => ({}))) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token server ${url.host} returned no token`);
    this.authorization = `Bearer ${token}`;
  }

  /**
   * A request under /v2/<repo>/ (or an absolute URL). Follows redirects itself so credentials are
   * never sent to another host (blob stores behind a CDN); retries once after a new scope challenge.
   *
   * There is no /v2/ ping before the first request (Docker pings; containerd does not): the first
   * request finds the scheme itself, and a registry that wants credentials answers it with the
   * same 401 challenge the ping would have, after which it is retried with a token. A registry
   * that needs none saves a round trip on every pull and push. Requests made while the first is
   * in flight wait for it, so they go out with its scheme and token.
   */
  async request(path: string, init: RequestInit2 = {}): Promise<Response> {
    while (!this.base) {
      if (this.firstError) throw this.firstError;
      if (!this.first) {
        let done!: () => void;
        this.first = new Promise<void>((resolve) => (done = resolve));
        try {
          return await this.send(path, init, true);
        } catch (e) {
          if (!this.base) this.firstError = e; // unreachable: the waiters fail alike, without a second timeout
          throw e;
        } finally {
          done();
        }
      }
      await this.first;
    }
    return this.send(path, init, false);
  }

  private async send(path: string, init: RequestInit2, findScheme: boolean): Promise<Response> {
    if (this.challenge && !this.authorization && !this.authTried) {
      this.authTried = true;
      await this.authenticate(this.opts.actions);
    }
    const under = (base: string) => (init.absolute ? new URL(path, base).toString() : `${base}/v2/${this.repo}/${path}`);
    let url = findScheme ? "" : under(this.base!);
    let auth = true;
    let retried = false;
    for (let hops = 0; hops < 10; hops++) {
      const headers = { ...init.headers };
      if (auth && this.authorization) headers.authorization = this.authorization;
      let res: Response;
      if (findScheme && !url) {
        res = await this.fetchFindingScheme(under, { ...init, headers });
        url = under(this.base!);
      } else {
        res = await this.rawFetch(url, { ...init, headers });
      }
      if ([301, 302, 303, 307, 308].includes(res.status) && res.headers.get("location")) {
        await res.arrayBuffer().catch(() => undefined);
        const next = new URL(res.headers.get("location")!, url);
        if (next.host !== new URL(url).host) auth = false;
        url = next.toString();
        continue;
      }
      const replayable = init.body == null || typeof init.body === "string" || init.body instanceof Uint8Array;
      if (res.status === 401 && !retried && auth && replayable) {
        // a first challenge, a token for another scope, or an expired token
        const ch = parseChallenges(res.headers.get("www-authenticate")).find((c) => c.scheme === "bearer" || c.scheme === "basic");
        retried = true;
        if (ch) {
          this.challenge = ch;
          this.authTried = true;
          await this.authenticate(this.opts.actions, ch.params.scope);
          if (this.authorization) {
            await res.arrayBuffer().catch(() => undefined);
            continue;
          }
        }
      }
      return res;
    }
    throw new RegistryError(`too many redirects from ${this.host}`);
  }

  /** The first request (or login's ping): over each candidate scheme in turn (see schemes()); sets the base URL. */
  private async fetchFindingScheme(under: (base: string) => string, init: RequestInit2): Promise<Response> {
    const schemes = this.schemes();
    let lastError: unknown;
    for (const scheme of schemes) {
      let res: Response;
      try {
        res = await this.rawFetch(under(`${scheme}://${this.host}`), init);
      } catch (e) {
        lastError = e;
        // a silent host stays silent on the other scheme; refused stays refused
        if (/timed out|connection refused|no such host/.test((e as Error).message)) break;
        log.debug(`${scheme}://${this.host}: ${(e as Error).message}`);
        continue;
      }
      if (scheme === "http" && res.status === 400 && schemes.length > 1) {
        // a TLS server answers plain HTTP with 400 "Client sent an HTTP request to an HTTPS server"
        const text = await res.text().catch(() => "");
        if (/HTTPS server/i.test(text)) continue;
        this.base = `${scheme}://${this.host}`;
        return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
      }
      this.base = `${scheme}://${this.host}`;
      return res;
    }
    throw lastError;
  }

  /** Loopback traffic never leaves the host: plain HTTP first saves a failed TLS handshake. */
  private schemes(): string[] {
    return isLoopback(this.host) ? ["http", "https"] : this.insecure ? ["https", "http"] : ["https"];
  }

  /** `login`: checks the credentials against the registry (token server or /v2/ with basic auth). */
  async checkLogin(): Promise<void> {
    await this.connect();
    if (!this.challenge) return; // the registry needs no credentials; docker says "Login Succeeded" too
    await this.authenticate(this.opts.actions, null);
    if (this.challenge.scheme === "basic") {
      const res = await this.rawFetch(`${this.base}/v2/`, { headers: this.authorization ? { authorization: this.authorization } : {} });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 401) throw new UnauthorizedError(`unauthorized: incorrect username or password for ${this.host}`);
      if (!res.ok) throw new RegistryError(`login to ${this.host}: ${res.status} ${res.statusText}`);
    }
  }

  /** Throws the error a failed response stands for, naming what was asked for. */
  async fail(res: Response, what: string): Promise<never> {
    const { code, text } = await errorText(res);
    if (res.status === 401) throw new UnauthorizedError(`${what}: unauthorized: ${text || "authentication required"}`);
    if (res.status === 403) throw new UnauthorizedError(`${what}: denied: ${text || "requested access to the resource is denied"}`);
    throw new RegistryError(`${what}: ${text}${code && !text.includes(code.toLowerCase().replace(/_/g, " ")) ? ` (${code})` : ""}`);
  }

  /** GET a manifest by tag or digest; the bytes are verified against the digest when one is named. */
  async getManifest(reference: string, accept: string): Promise<{ bytes: Uint8Array; digest: string; contentType: string }> {
    const res = await this.request(`manifests/${reference}`, { headers: { accept } });
    if (res.status === 404) {
      const { text } = await errorText(res);
      throw new NotFoundError(`manifest for ${this.name}${reference.startsWith("sha256:") ? "@" : ":"}${reference} not found: ${text || "manifest unknown"}`);
    }
    if (!res.ok) await this.fail(res, `manifest for ${this.name}${reference.startsWith("sha256:") ? "@" : ":"}${reference}`);
    const bytes = await readAll(res.body, this.timeouts.idleMs, `manifest ${reference}`, 4 << 20);
    const digest = sha256(bytes);
    const claimed = res.headers.get("docker-content-digest");
    if (reference.startsWith("sha256:") && reference !== digest)
      throw new DigestMismatchError(`manifest ${reference}: digest mismatch: the registry sent content with digest ${digest}`);
    if (claimed && claimed.startsWith("sha256:") && claimed !== digest)
      throw new DigestMismatchError(`manifest for ${this.name}:${reference}: digest mismatch: header says ${claimed}, content is ${digest}`);
    return { bytes, digest, contentType: res.headers.get("content-type") ?? "" };
  }

  /** GET a blob; the caller verifies the bytes. */
  async getBlob(digest: string): Promise<Response> {
    const res = await this.request(`blobs/${digest}`);
    if (res.status === 404) throw new NotFoundError(`blob ${digest} of ${this.name} not found: ${(await errorText(res)).text || "blob unknown"}`);
    if (!res.ok) await this.fail(res, `blob ${digest} of ${this.name}`);
    return res;
  }

  /** The size of a blob in this repository, or undefined when the registry lacks it. */
  async blobSize(digest: string): Promise<number | undefined> {
    const res = await this.request(`blobs/${digest}`, { method: "HEAD" });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 404) return undefined;
    if (!res.ok) await this.fail(res, `blob ${digest} of ${this.name}`);
    return Number(res.headers.get("content-length") ?? 0);
  }

  /** Opens an upload session; returns its Location. */
  private async startUpload(): Promise<string> {
    const res = await this.request("blobs/uploads/", { method: "POST", headers: { "content-length": "0" } });
    if (res.status !== 202 && res.status !== 201) await this.fail(res, `upload to ${this.name}`);
    await res.arrayBuffer().catch(() => undefined);
    const loc = res.headers.get("location");
    if (!loc) throw new RegistryError(`upload to ${this.name}: the registry gave no upload location`);
    return new URL(loc, `${this.base}/`).toString();
  }

  private static withDigest(location: string, digest: string): string {
    const u = new URL(location);
    u.searchParams.set("digest", digest);
    return u.toString();
  }

  /** Monolithic upload of bytes whose digest is known (configs). */
  async putBlob(bytes: Uint8Array, digest: string): Promise<void> {
    const loc = await this.startUpload();
    const res = await this.request(RegistryClient.withDigest(loc, digest), {
      method: "PUT", absolute: true, body: bytes,
      headers: { "content-type": "application/octet-stream", "content-length": String(bytes.length) },
    });
    if (res.status !== 201) await this.fail(res, `upload of ${digest} to ${this.name}`);
    await res.arrayBuffer().catch(() => undefined);
  }

  /**
   * Streamed upload of content whose digest is known only at the end (a layer compressed on the
   * fly): one PATCH carrying the whole stream, then PUT ?digest= to commit it.
   */
  async uploadStream(body: ReadableStream<Uint8Array>, digestAfter: () => string): Promise<void> {
    const loc = await this.startUpload();
    const patch = await this.request(loc, { method: "PATCH", absolute: true, body, headers: { "content-type": "application/octet-stream" } });
    if (patch.status !== 202) await this.fail(patch, `upload to ${this.name}`);
    await patch.arrayBuffer().catch(() => undefined);
    const next = new URL(patch.headers.get("location") ?? loc, `${this.base}/`).toString();
    const digest = digestAfter();
    const res = await this.request(RegistryClient.withDigest(next, digest), { method: "PUT", absolute: true, headers: { "content-length": "0" } });
    if (res.status !== 201) await this.fail(res, `upload of ${digest} to ${this.name}`);
    await res.arrayBuffer().catch(() => undefined);
  }

  async putManifest(reference: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    const res = await this.request(`manifests/${reference}`, { method: "PUT", body: bytes, headers: { "content-type": mediaType } });
    if (res.status !== 201 && res.status !== 200) await this.fail(res, `manifest ${this.name}:${reference}`);
    await res.arrayBuffer().catch(() => undefined);
    return res.headers.get("docker-content-digest") ?? sha256(bytes);
  }

  /** The deadline for silence while reading a body. */
  get idleMs(): number {
    return this.timeouts.idleMs;
  }
}
