// Writing registry credentials (`login`, `logout`): Docker's config.json, or its credential
// helpers. Apart from auth.ts, which only reads them, so that a pull or a push (the client)
// does not load the file-writing code, and the libc bindings behind it, before its first request.

import { mkdirSync } from "node:fs";
import { atomicWrite } from "../../sys/fs";
import { type ConfigFile, type Credentials, authKey, dockerConfigDir, helperFor, keyHost, readConfig, runHelper } from "./auth";

function writeConfig(dir: string, c: ConfigFile): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  atomicWrite(`${dir}/config.json`, JSON.stringify(c, null, "\t") + "\n", 0o600);
}

/** Stores credentials the way `docker login` does; returns where they went. */
export function storeCredentials(domain: string, cred: Credentials, dir = dockerConfigDir()): string {
  const c = readConfig(dir);
  const key = authKey(domain);
  const helper = helperFor(c, keyHost(key));
  if (helper) {
    runHelper(helper, "store", JSON.stringify({ ServerURL: key, Username: cred.username, Secret: cred.password }));
    return `docker-credential-${helper}`;
  }
  const auths = c.auths ?? {};
  for (const k of Object.keys(auths)) if (keyHost(k) === keyHost(key)) delete auths[k];
  auths[key] = { auth: Buffer.from(`${cred.username}:${cred.password}`).toString("base64") };
  c.auths = auths;
  writeConfig(dir, c);
  return `${dir}/config.json`;
}

/** Removes stored credentials; false when there were none. */
export function eraseCredentials(domain: string, dir = dockerConfigDir()): boolean {
  const c = readConfig(dir);
  const key = authKey(domain);
  const host = keyHost(key);
  let found = false;
  const helper = helperFor(c, host);
  if (helper && runHelper(helper, "get", key)) {
    runHelper(helper, "erase", key);
    found = true;
  }
  for (const k of Object.keys(c.auths ?? {})) {
    if (keyHost(k) !== host) continue;
    delete c.auths![k];
    found = true;
  }
  if (found) writeConfig(dir, c);
  return found;
}
