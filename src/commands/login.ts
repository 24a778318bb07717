// `mydocker login [-u USER] [-p PASS | --password-stdin] [SERVER]`: checks the credentials against
// the registry, then stores them as `docker login` does ($HOME/.docker/config.json, mode 0600).

import { InvalidInputError } from "../errors";
import { err, out } from "../output";
import { isatty, readFd } from "../sys/process";
import { bool, defineVerb, str } from "./_define";

/** "https://host:5000/v1/" → "host:5000"; Docker Hub's spellings → "docker.io". */
export function serverDomain(server: string | undefined): string {
  if (!server) return "docker.io";
  const host = server.replace(/^[a-z]+:\/\//i, "").split("/")[0].toLowerCase();
  if (!host) throw new InvalidInputError(`invalid registry address: ${server}`);
  return ["docker.io", "index.docker.io", "registry-1.docker.io"].includes(host) ? "docker.io" : host;
}

function readLine(fd: number): string {
  const buf = new Uint8Array(1);
  const bytes: number[] = [];
  for (;;) {
    const n = readFd(fd, buf);
    if (n === 0 || buf[0] === 0x0a) break;
    bytes.push(buf[0]);
  }
  return Buffer.from(bytes).toString("utf8").replace(/\r$/, "");
}

function readAllStdin(): string {
  const chunks: Buffer[] = [];
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = readFd(0, buf);
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

export default defineVerb({
  meta: { name: "login", description: "Log in to a registry", usage: "[OPTIONS] [SERVER]" },
  positionals: { max: 1 },
  args: {
    username: { type: "string", alias: "u", description: "Username" },
    password: { type: "string", alias: "p", description: "Password" },
    "password-stdin": { type: "boolean", description: "Take the password from stdin" },
  },
  async run({ args, globals }) {
    const { lookupCredentials } = await import("../image/registry/auth");
    const { storeCredentials } = await import("../image/registry/credential-store");
    const { RegistryClient } = await import("../image/registry/client");
    const domain = serverDomain(args._[0]);
    let username = str(args, "username");
    let password = str(args, "password");
    if (bool(args, "password-stdin")) {
      if (password !== undefined) throw new InvalidInputError("--password and --password-stdin are mutually exclusive");
      if (!username) throw new InvalidInputError("Must provide --username with --password-stdin");
      password = readAllStdin();
    } else if (password !== undefined) {
      err("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
    }
    const stored = username === undefined && password === undefined ? lookupCredentials(domain) : undefined;
    if (stored) {
      err("Authenticating with existing credentials...\n");
      username = stored.username;
      password = stored.password;
    }
    if (username === undefined || password === undefined) {
      if (!isatty(0)) throw new InvalidInputError("Cannot perform an interactive login from a non TTY device");
      if (username === undefined) {
        err("Username: ");
        username = readLine(0).trim();
      }
      if (password === undefined) {
        err("Password: ");
        Bun.spawnSync(["stty", "-echo"], { stdin: "inherit" });
        try { password = readLine(0); } finally { Bun.spawnSync(["stty", "echo"], { stdin: "inherit" }); err("\n"); }
      }
    }
    if (!username) throw new InvalidInputError("Username cannot be empty");
    if (!password) throw new InvalidInputError("Password cannot be empty");
    const cred = { username, password };
    await new RegistryClient(domain, "", { credentials: cred, actions: "pull", insecure: globals.insecureRegistries }).checkLogin();
    const where = storeCredentials(domain, cred);
    if (where.endsWith("config.json")) err(`WARNING! Your password will be stored unencrypted in ${where}.\n`);
    out("Login Succeeded\n");
  },
});
