// Credentials in Docker's own format, so `docker login` credentials work and ours work for
// docker: $DOCKER_CONFIG/config.json or $HOME/.docker/config.json, {"auths": {"host": {"auth":
// base64("user:password")}}}, or a credential helper (credsStore / credHelpers). Also the parser
// of the registry's WWW-Authenticate challenge.

import { existsSync, readFileSync } from "node:fs";
import { InvalidInputError } from "../../errors";

export interface Credentials {
  username: string;
  password: string;
  /** An identity token (OAuth refresh token) instead of a password. */
  identityToken?: string;
}

/** The key Docker stores Docker Hub credentials under. */
export const DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

export function dockerConfigDir(env: Record<string, string | undefined> = process.env): string {
  if (env.DOCKER_CONFIG) return env.DOCKER_CONFIG;
  return `${env.HOME || "/root"}/.docker`;
}

/** The host a config key names: "https://index.docker.io/v1/" → "index.docker.io". */
export function keyHost(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, "").split("/")[0].toLowerCase();
}

/** The key under which credentials for a registry domain live ("docker.io" → Docker Hub's URL). */
export function authKey(domain: string): string {
  const d = domain.toLowerCase();
  return d === "docker.io" || d === "index.docker.io" || d === "registry-1.docker.io" ? DOCKER_HUB_AUTH_KEY : d;
}

export interface ConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [other: string]: unknown;
}

export function readConfig(dir: string): ConfigFile {
  const path = `${dir}/config.json`;
  if (!existsSync(path)) return {};
  try {
    const c = JSON.parse(readFileSync(path, "utf8"));
    return c && typeof c === "object" ? c : {};
  } catch (e) {
    throw new InvalidInputError(`read ${path}: ${(e as Error).message}`);
  }
}


export function helperFor(c: ConfigFile, host: string): string | undefined {
  for (const [k, v] of Object.entries(c.credHelpers ?? {})) if (keyHost(k) === host) return v;
  return c.credsStore || undefined;
}

export function runHelper(helper: string, action: "get" | "store" | "erase", input: string): string {
  const r = Bun.spawnSync([`docker-credential-${helper}`, action], { stdin: Buffer.from(input), stdout: "pipe", stderr: "pipe" });
  const outText = r.stdout.toString().trim();
  if (r.exitCode !== 0) {
    if (action === "get" && /credentials not found/i.test(outText)) return "";
    throw new InvalidInputError(`credential helper docker-credential-${helper} ${action}: ${outText || r.stderr.toString().trim() || `exit ${r.exitCode}`}`);
  }
  return outText;
}

/** Credentials for a registry domain, or undefined (anonymous). */
export function lookupCredentials(domain: string, dir = dockerConfigDir()): Credentials | undefined {
  const c = readConfig(dir);
  const key = authKey(domain);
  const host = keyHost(key);
  const helper = helperFor(c, host);
  if (helper) {
    const got = runHelper(helper, "get", key);
    if (got) {
      const j = JSON.parse(got);
      if (j.Username === "<token>") return { username: "", password: "", identityToken: j.Secret };
      if (j.Username || j.Secret) return { username: j.Username ?? "", password: j.Secret ?? "" };
    }
  }
  for (const [k, v] of Object.entries(c.auths ?? {})) {
    if (keyHost(k) !== host) continue;
    if (v.auth) {
      const text = Buffer.from(v.auth, "base64").toString("utf8");
      const colon = text.indexOf(":");
      if (colon < 0) throw new InvalidInputError(`${dir}/config.json: invalid auth for ${k}`);
      return { username: text.slice(0, colon), password: text.slice(colon + 1), identityToken: v.identitytoken };
    }
    if (v.username !== undefined || v.identitytoken) return { username: v.username ?? "", password: v.password ?? "", identityToken: v.identitytoken };
  }
  return undefined;
}


export interface Challenge {
  scheme: string;               // "bearer" | "basic" (lowercase)
  params: Record<string, string>;
}

/** Parses WWW-Authenticate: `Bearer realm="https://…",service="…",scope="a,b"` (several challenges allowed). */
export function parseChallenges(header: string | null): Challenge[] {
  if (!header) return [];
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skipWs = () => { while (i < s.length && /[\s,]/.test(s[i])) i++; };
  while (i < s.length) {
    skipWs();
    const m = /^[A-Za-z][\w-]*/.exec(s.slice(i));
    if (!m) break;
    const challenge: Challenge = { scheme: m[0].toLowerCase(), params: {} };
    i += m[0].length;
    for (;;) {
      skipWs();
      const pm = /^([\w-]+)\s*=\s*/.exec(s.slice(i));
      if (!pm) break;
      // a bare word followed by a space is the next challenge's scheme, not a parameter
      i += pm[0].length;
      let value = "";
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === "\\" && i + 1 < s.length) i++;
          value += s[i++];
        }
        i++;
      } else {
        const vm = /^[^\s,]*/.exec(s.slice(i))!;
        value = vm[0];
        i += value.length;
      }
      challenge.params[pm[1].toLowerCase()] = value;
    }
    out.push(challenge);
  }
  return out;
}
