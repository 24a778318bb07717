// pull, push, login/logout and run's --pull against a real registry (Debian's docker-registry,
// distribution 2.8) on 127.0.0.1, filled by skopeo from Docker and OCI archives and by our own push.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTar } from "../tar-builder";
import { BIN, busyboxTar, IS_ROOT, Sandbox, useSandbox } from "./harness";
import {
  fileLayer, freePort, HAVE_REGISTRY, type Registry, skopeoCopy, startProxy, startRegistry, writeDockerArchive, writeOciLayout,
} from "./registry-fixture";

interface Out { code: number; stdout: string; stderr: string }

/** Runs mydocker without blocking the event loop (for tests with a server in this process). */
async function runAsync(root: string, args: string[], env: Record<string, string> = {}, onStart?: (p: ReturnType<typeof Bun.spawn>) => void): Promise<Out> {
  const p = Bun.spawn([BIN, "--root", root, ...args], { stdout: "pipe", stderr: "pipe", stdin: "ignore", env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...env } });
  onStart?.(p);
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

/** What a pull may leave in a store: image configs, tags, layers, staging dirs. */
function storeContents(root: string): string[] {
  const img = join(root, "image");
  const out: string[] = [];
  for (const d of ["imagedb", "layers"]) if (existsSync(join(img, d))) out.push(...readdirSync(join(img, d)).map((n) => `${d}/${n}`));
  const repos = join(img, "repositories.json");
  if (existsSync(repos)) out.push(...Object.keys(JSON.parse(readFileSync(repos, "utf8"))).map((k) => `tag ${k}`));
  return out.sort();
}

/** Runs mydocker on a terminal (under script(1)): what a user sees, escapes and CRs removed. */
function onTerminal(root: string, args: string[]): { code: number | null; text: string } {
  const r = Bun.spawnSync(["script", "-qec", `${BIN} --root ${root} ${args.join(" ")}`, "/dev/null"], { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", TERM: "xterm" } });
  return { code: r.exitCode, text: r.stdout.toString().replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "") };
}

/** The 12 hex digits Docker's progress lines name a layer by. */
const short = (digest: string) => digest.replace(/^sha256:/, "").slice(0, 12);

function fresh(label: string): Sandbox {
  return new Sandbox(label);
}

describe.skipIf(!IS_ROOT || !HAVE_REGISTRY)("registry", () => {
  const sb = useSandbox("registry");
  let reg: Registry;
  let A: string; // "127.0.0.1:PORT"
  let pushed: { id: string; digest: string };
  let work = "";
  const bbLayer = () => readFileSync(busyboxTar());

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "mdt-registry-work-"));
    reg = await startRegistry();
    A = reg.addr;
    // our own push: the busybox image
    sb.ok(["import", "-c", 'CMD ["sh"]', busyboxTar(), `${A}/bb:1`]);
    const out = sb.ok(["push", `${A}/bb:1`]);
    pushed = { id: sb.ok(["inspect", "--type", "image", "-f", "{{.Id}}", `${A}/bb:1`]), digest: out.split(" ")[2] };
    // skopeo: a Docker archive (two layers) and an OCI layout, one image and one two-platform index
    writeDockerArchive(join(work, "docker.tar"), { layers: [bbLayer(), fileLayer("etc/flavour", "docker-archive\n")] }, "flavour:docker");
    skopeoCopy(`docker-archive:${join(work, "docker.tar")}`, `docker://${A}/skopeo/docker:v1`);
    writeOciLayout(join(work, "oci"), [{ layers: [bbLayer(), fileLayer("etc/flavour", "oci\n")] }], "v1");
    skopeoCopy(`oci:${join(work, "oci")}:v1`, `docker://${A}/skopeo/oci:v1`);
    writeOciLayout(join(work, "multi"), [
      { layers: [bbLayer(), fileLayer("etc/platform", "amd64\n")], architecture: "amd64" },
      { layers: [bbLayer(), fileLayer("etc/platform", "arm64\n")], architecture: "arm64" },
    ], "multi");
    skopeoCopy(`oci:${join(work, "multi")}:multi`, `docker://${A}/skopeo/multi:v1`, ["--all"]);
  });

  afterAll(async () => {
    await reg?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("push prints TAG: digest: … size: …; a second push sends no layer again and gives the same digest", () => {
    expect(pushed.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    const again = sb.run(["push", `${A}/bb:1`]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^1: digest: ${pushed.digest} size: \\d+\\n$`));
    expect(again.stderr).toBe(""); // not a terminal: nothing but the final line
    // on a terminal the progress says why nothing is sent: the registry has the layer already
    const layer = JSON.parse(sb.ok(["inspect", "--type", "image", "-f", "{{json .RootFS.Layers}}", `${A}/bb:1`]))[0];
    const shown = onTerminal(sb.root, ["push", `${A}/bb:1`]);
    expect(shown.code).toBe(0);
    expect(shown.text).toContain(`${short(layer)}: Layer already exists`);
    expect(shown.text).not.toMatch(/Pushing|Pushed/);
    expect(shown.text.trimEnd().split("\n").pop()).toMatch(new RegExp(`^1: digest: ${pushed.digest} size: \\d+$`));
    // the config went up byte for byte: the registry serves it under the image id
    const cfg = Bun.spawnSync(["skopeo", "inspect", "--tls-verify=false", "--config", "--raw", `docker://${A}/bb:1`]).stdout;
    expect(`sha256:${new Bun.CryptoHasher("sha256").update(cfg).digest("hex")}`).toBe(pushed.id);
  });

  test("push then pull back: same image id, runnable, RepoDigests recorded; only the final line when not a TTY", () => {
    const p = fresh("reg-back");
    try {
      const r = p.run(["pull", `${A}/bb:1`]);
      expect(r).toMatchObject({ code: 0, stdout: `${A}/bb:1\n`, stderr: "" });
      expect(p.ok(["inspect", "--type", "image", "-f", "{{.Id}}", `${A}/bb:1`])).toBe(pushed.id);
      expect(JSON.parse(p.ok(["inspect", "--type", "image", "-f", "{{json .RepoDigests}}", `${A}/bb:1`]))).toEqual([`${A}/bb@${pushed.digest}`]);
      expect(p.ok(["run", "--rm", `${A}/bb:1`, "echo", "pulled"])).toBe("pulled");
      // pulling again downloads nothing and says so
      const again = p.run(["pull", "-q", `${A}/bb:1`]);
      expect(again).toMatchObject({ code: 0, stdout: `${A}/bb:1\n` });
      const shown = onTerminal(p.root, ["pull", `${A}/bb:1`]);
      expect(shown.code).toBe(0);
      expect(shown.text).toContain(`Digest: ${pushed.digest}`);
      expect(shown.text).toContain(`Status: Image is up to date for ${A}/bb:1`);
      expect(shown.text).not.toMatch(/Pulling fs layer|Downloading|Extracting|Pull complete|Downloaded newer image/);
    } finally { p.destroy(); }
  });

  test("pull by digest; the digest reference runs", () => {
    const p = fresh("reg-digest");
    try {
      const ref = `${A}/bb@${pushed.digest}`;
      expect(p.ok(["pull", ref])).toBe(ref);
      expect(p.ok(["inspect", "--type", "image", "-f", "{{.Id}}", ref])).toBe(pushed.id);
      expect(p.ok(["run", "--rm", ref, "echo", "by-digest"])).toBe("by-digest");
      const bad = p.run(["pull", `${A}/bb@sha256:${"0".repeat(64)}`]);
      expect(bad.code).toBe(125);
      expect(bad.stderr).toContain(`manifest for ${A}/bb@sha256:${"0".repeat(64)} not found`);
    } finally { p.destroy(); }
  });

  test("Docker schema 2 from a docker archive (skopeo): two layers, diff ids verified, config id kept", () => {
    const manifest = JSON.parse(Bun.spawnSync(["skopeo", "inspect", "--tls-verify=false", "--raw", `docker://${A}/skopeo/docker:v1`]).stdout.toString());
    expect(manifest.mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    const p = fresh("reg-docker");
    try {
      p.ok(["pull", `${A}/skopeo/docker:v1`]);
      expect(p.ok(["inspect", "--type", "image", "-f", "{{.Id}}", `${A}/skopeo/docker:v1`])).toBe(manifest.config.digest);
      expect(JSON.parse(p.ok(["inspect", "--type", "image", "-f", "{{json .RootFS.Layers}}", `${A}/skopeo/docker:v1`]))).toHaveLength(2);
      expect(p.ok(["run", "--rm", `${A}/skopeo/docker:v1`, "cat", "/etc/flavour"])).toBe("docker-archive");
    } finally { p.destroy(); }
  });

  test("OCI image manifest (skopeo from an OCI layout); a layer already present is not fetched again", () => {
    const manifest = JSON.parse(Bun.spawnSync(["skopeo", "inspect", "--tls-verify=false", "--raw", `docker://${A}/skopeo/oci:v1`]).stdout.toString());
    expect(manifest.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    const p = fresh("reg-oci");
    try {
      p.ok(["pull", `${A}/bb:1`]); // brings the busybox layer
      const before = readdirSync(join(p.root, "image/layers"));
      expect(before).toHaveLength(1);
      const shown = onTerminal(p.root, ["pull", `${A}/skopeo/oci:v1`]);
      expect(shown.code).toBe(0);
      // the progress names the busybox layer as present and never fetches it; the other one is pulled
      const [bb, flavour] = manifest.layers.map((l: { digest: string }) => short(l.digest));
      expect(shown.text).toContain(`${bb}: Already exists`);
      expect(shown.text).not.toMatch(new RegExp(`${bb}: (Pulling fs layer|Downloading|Extracting|Pull complete)`));
      expect(shown.text).toContain(`${flavour}: Pull complete`);
      expect(shown.text).toContain(`Status: Downloaded newer image for ${A}/skopeo/oci:v1`);
      expect(readdirSync(join(p.root, "image/layers")).filter((n) => !before.includes(n))).toHaveLength(1);
      expect(p.ok(["run", "--rm", `${A}/skopeo/oci:v1`, "cat", "/etc/flavour"])).toBe("oci");
    } finally { p.destroy(); }
  });

  test("a multi-platform index resolves to the host platform; --platform picks another; a missing one is named", () => {
    const p = fresh("reg-multi");
    try {
      p.ok(["pull", `${A}/skopeo/multi:v1`]);
      expect(p.ok(["inspect", "--type", "image", "-f", "{{.Architecture}}", `${A}/skopeo/multi:v1`])).toBe("amd64");
      expect(p.ok(["run", "--rm", `${A}/skopeo/multi:v1`, "cat", "/etc/platform"])).toBe("amd64");
      p.ok(["pull", "--platform", "linux/arm64", `${A}/skopeo/multi:v1`]);
      expect(p.ok(["inspect", "--type", "image", "-f", "{{.Architecture}}", `${A}/skopeo/multi:v1`])).toBe("arm64");
      expect(p.ok(["run", "--rm", `${A}/skopeo/multi:v1`, "cat", "/etc/platform"])).toBe("arm64");
      const none = p.run(["pull", "--platform", "linux/s390x", `${A}/skopeo/multi:v1`]);
      expect(none.code).toBe(125);
      expect(none.stderr).toContain("no matching manifest for linux/s390x");
      expect(p.run(["pull", "--platform", "linux//x", `${A}/skopeo/multi:v1`]).code).toBe(125);
    } finally { p.destroy(); }
  });

  test("run and create pull a missing image (--pull missing by default); --pull never refuses; --pull always pulls", () => {
    const p = fresh("reg-run");
    try {
      const r = p.run(["run", "--rm", `${A}/bb:1`, "echo", "hi"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("hi\n");
      expect(r.stderr).toContain(`Unable to find image '${A}/bb:1' locally`);
      expect(r.stderr).toContain(`Status: Downloaded newer image for ${A}/bb:1`);
      const again = p.run(["run", "--rm", `${A}/bb:1`, "echo", "hi"]);
      expect(again).toMatchObject({ code: 0, stdout: "hi\n", stderr: "" });
      const never = p.run(["run", "--rm", "--pull", "never", `${A}/skopeo/oci:v1`, "true"]);
      expect(never.code).toBe(125);
      expect(never.stderr).toContain("Unable to find image");
      expect(p.run(["images", "-q", `${A}/skopeo/oci`]).stdout).toBe("");
      expect(p.run(["run", "--rm", "--pull", "sometimes", `${A}/bb:1`, "true"]).code).toBe(125);
      const always = p.run(["run", "--rm", "--pull", "always", `${A}/bb:1`, "echo", "again"]);
      expect(always.stdout).toBe("again\n");
      expect(always.stderr).toContain("Status: Image is up to date");
      const id = p.ok(["create", `${A}/skopeo/oci:v1`]);
      expect(id).toMatch(/^[a-f0-9]{64}$/);
      expect(p.ok(["inspect", "-f", "{{.Config.Image}}", id])).toBe(`${A}/skopeo/oci:v1`);
      const missing = p.run(["run", "--rm", `${A}/bb:nope`, "true"]);
      expect(missing.code).toBe(125);
      expect(missing.stderr).toContain(`manifest for ${A}/bb:nope not found`);
      expect(p.containerIds()).toEqual([id]);
    } finally { p.destroy(); }
  });

  test("a missing tag or repository fails with the reference and leaves the store empty", () => {
    const p = fresh("reg-missing");
    try {
      const r = p.run(["pull", `${A}/bb:nope`]);
      expect(r.code).toBe(125);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`mydocker: manifest for ${A}/bb:nope not found: manifest unknown\n`);
      const repo = p.run(["pull", `${A}/no/such/repo`]);
      expect(repo.code).toBe(125);
      expect(repo.stderr).toContain(`${A}/no/such/repo:latest not found`);
      expect(storeContents(p.root)).toEqual([]);
      expect(p.run(["pull", "Not_Valid//x"]).code).toBe(125);
    } finally { p.destroy(); }
  });

  test("a tampered blob fails with a digest mismatch and leaves no layer, image or tag", async () => {
    // an image of its own, so the tampered blob is shared with no other test
    sb.ok(["import", "-c", 'CMD ["sh"]', busyboxTar(), `${A}/tamper:1`]);
    const unique = join(work, "unique.tar");
    writeFileSync(unique, fileLayer("etc/unique", `tamper ${process.pid}\n`));
    sb.ok(["import", unique, `${A}/tamper:2`]);
    sb.ok(["push", `${A}/tamper:2`]);
    const manifest = JSON.parse(Bun.spawnSync(["skopeo", "inspect", "--tls-verify=false", "--raw", `docker://${A}/tamper:2`]).stdout.toString());
    const hex = manifest.layers[0].digest.slice(7);
    const data = join(reg.storage, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex, "data");
    const bytes = readFileSync(data);
    bytes[bytes.length - 9] ^= 0xff; // inside the gzip trailer's CRC: same length, other digest
    writeFileSync(data, bytes);
    const p = fresh("reg-tamper");
    try {
      const r = p.run(["pull", `${A}/tamper:2`]);
      expect(r.code).toBe(125);
      expect(r.stderr).toContain(`${A}/tamper:2`);
      expect(r.stderr).toContain(`layer ${manifest.layers[0].digest}: digest mismatch`);
      expect(storeContents(p.root)).toEqual([]);
    } finally { p.destroy(); }
  });

  test("a layer too big to buffer streams through verification; tampered, it leaves nothing", () => {
    const big = join(work, "big.tar");
    const noise = Buffer.alloc(17 << 20);
    for (let off = 0; off < noise.length; off += 65536) noise.set(crypto.getRandomValues(new Uint8Array(65536)), off);
    writeFileSync(big, buildTar([{ path: "big.bin", data: noise }]));
    sb.ok(["import", big, `${A}/big:1`]);
    sb.ok(["push", `${A}/big:1`]);
    const p = fresh("reg-big");
    const q = fresh("reg-big-tampered");
    try {
      p.ok(["pull", `${A}/big:1`]);
      expect(p.ok(["inspect", "--type", "image", "-f", "{{.Id}}", `${A}/big:1`])).toBe(sb.ok(["inspect", "--type", "image", "-f", "{{.Id}}", `${A}/big:1`]));
      const manifest = JSON.parse(Bun.spawnSync(["skopeo", "inspect", "--tls-verify=false", "--raw", `docker://${A}/big:1`]).stdout.toString());
      expect(manifest.layers[0].size).toBeGreaterThan(16 << 20);
      const hex = manifest.layers[0].digest.slice(7);
      const data = join(reg.storage, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex, "data");
      const bytes = readFileSync(data);
      bytes[bytes.length >> 1] ^= 0xff;
      writeFileSync(data, bytes);
      const r = q.run(["pull", `${A}/big:1`]);
      expect(r.code).toBe(125);
      expect(r.stderr).toContain(`${A}/big:1`);
      expect(r.stderr).toMatch(new RegExp(`layer ${manifest.layers[0].digest}: (digest mismatch|cannot decompress)`));
      expect(storeContents(q.root)).toEqual([]);
    } finally {
      p.destroy();
      q.destroy();
    }
  });

  test("an unreachable registry is named; a silent one times out instead of hanging", async () => {
    const closed = await freePort();
    const p = fresh("reg-unreach");
    let silent: Server | undefined;
    try {
      const r = p.run(["pull", `127.0.0.1:${closed}/bb:1`]);
      expect(r.code).toBe(125);
      expect(r.stderr).toBe(`mydocker: pull 127.0.0.1:${closed}/bb:1: registry 127.0.0.1:${closed} is unreachable: connection refused\n`);
      silent = createServer(() => { /* accept, never answer */ });
      await new Promise<void>((res) => silent!.listen(0, "127.0.0.1", () => res()));
      const port = (silent.address() as { port: number }).port;
      const t0 = Date.now();
      const s = await runAsync(p.root, ["pull", `127.0.0.1:${port}/bb:1`], { MYDOCKER_REGISTRY_TIMEOUT: "1" });
      expect(s.code).toBe(125);
      expect(s.stderr).toContain("timed out");
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(storeContents(p.root)).toEqual([]);
    } finally {
      silent?.close();
      p.destroy();
    }
  });

  test("a blob that stops mid-way times out; an interrupted pull (SIGINT) exits 130; neither leaves anything", async () => {
    const stall = await startProxy(A, "stall");
    const slow = await startProxy(A, "slow");
    const p = fresh("reg-stall");
    try {
      const r = await runAsync(p.root, ["pull", `${stall.addr}/bb:1`], { MYDOCKER_REGISTRY_TIMEOUT: "1" });
      expect(r.code).toBe(125);
      expect(r.stderr).toContain("no data for 1s (timed out)");
      expect(storeContents(p.root)).toEqual([]);

      // the slow proxy needs ~2.5 s for the busybox blob: SIGINT lands mid-download
      const i = await runAsync(p.root, ["pull", `${slow.addr}/bb:1`], {}, (proc) => { setTimeout(() => proc.kill("SIGINT"), 800); });
      expect(i.code).toBe(130);
      expect(storeContents(p.root)).toEqual([]);
    } finally {
      await stall.stop();
      await slow.stop();
      p.destroy();
    }
  });

  test("no /v2/ ping: a registry that needs no credentials gets the manifest request first", async () => {
    const p = fresh("reg-noping");
    const log = join(p.root, "requests.log");
    const proxy = await startProxy(A, "plain", log);
    try {
      expect((await runAsync(p.root, ["pull", "-q", `${proxy.addr}/skopeo/docker:v1`])).code).toBe(0);
      const requests = readFileSync(log, "utf8").trim().split("\n");
      expect(requests[0]).toBe("GET /v2/skopeo/docker/manifests/v1");
      expect(requests).not.toContain("GET /v2/");
    } finally {
      await proxy.stop();
      p.destroy();
    }
  });

  test("Docker Hub's bearer-token flow: anonymous token for the repository's pull scope", async () => {
    const p = fresh("reg-bearer");
    const log = join(p.root, "requests.log");
    const proxy = await startProxy(A, "bearer", log);
    try {
      const r = await runAsync(p.root, ["pull", `${proxy.addr}/skopeo/docker:v1`]);
      expect(r).toMatchObject({ code: 0, stdout: `${proxy.addr}/skopeo/docker:v1\n` });
      // the first request's 401 carries the challenge; one token, then everything goes with it
      const requests = readFileSync(log, "utf8").trim().split("\n");
      expect(requests.slice(0, 3)).toEqual(["GET /v2/skopeo/docker/manifests/v1", "GET /token", "GET /v2/skopeo/docker/manifests/v1"]);
      expect(requests.filter((r) => r === "GET /token").length).toBe(1);
      expect((await runAsync(p.root, ["run", "--rm", `${proxy.addr}/skopeo/docker:v1`, "cat", "/etc/flavour"])).stdout).toBe("docker-archive\n");
    } finally {
      await proxy.stop();
      p.destroy();
    }
  });

  test("progress per layer on a terminal", () => {
    const p = fresh("reg-tty");
    try {
      const r = Bun.spawnSync(["script", "-qec", `${BIN} --root ${p.root} pull ${A}/skopeo/docker:v1`, "/dev/null"], { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", TERM: "xterm" } });
      const text = r.stdout.toString();
      expect(r.exitCode).toBe(0);
      expect(text).toContain("v1: Pulling from skopeo/docker");
      expect(text.match(/[a-f0-9]{12}: Pull complete/g)?.length).toBeGreaterThanOrEqual(2);
      expect(text).toContain(`Status: Downloaded newer image for ${A}/skopeo/docker:v1`);
      expect(text.trimEnd().split(/\r?\n/).pop()).toBe(`${A}/skopeo/docker:v1`);
    } finally { p.destroy(); }
  });

  describe("with htpasswd auth", () => {
    let authReg: Registry;
    let home = "";
    let env: Record<string, string> = {};
    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), "mdt-registry-home-"));
      env = { HOME: home };
      authReg = await startRegistry({ users: { alice: "s3cret" } });
    });
    afterAll(async () => {
      await authReg?.stop();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    test("push and pull need login; login checks the password and stores Docker's config; logout forgets", () => {
      const B = authReg.addr;
      sb.ok(["import", "-c", 'CMD ["sh"]', busyboxTar(), `${B}/private:1`]);
      const denied = sb.run(["push", `${B}/private:1`], { env });
      expect(denied.code).toBe(125);
      expect(denied.stderr).toMatch(/unauthorized/);

      const wrong = sb.run(["login", "-u", "alice", "--password-stdin", B], { env, stdin: "nope\n" });
      expect(wrong.code).toBe(125);
      expect(wrong.stderr).toContain("unauthorized: incorrect username or password");
      expect(existsSync(join(home, ".docker/config.json"))).toBe(false);

      const ok = sb.run(["login", "-u", "alice", "--password-stdin", `http://${B}`], { env, stdin: "s3cret\n" });
      expect(ok.code).toBe(0);
      expect(ok.stdout).toBe("Login Succeeded\n");
      const cfgPath = join(home, ".docker/config.json");
      expect(statSync(cfgPath).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(cfgPath, "utf8")).auths[B].auth).toBe(Buffer.from("alice:s3cret").toString("base64"));

      expect(sb.run(["push", `${B}/private:1`], { env }).code).toBe(0);
      const p = fresh("reg-auth");
      try {
        expect(p.ok(["pull", `${B}/private:1`], { env })).toBe(`${B}/private:1`);
        // DOCKER_CONFIG points elsewhere: no credentials there
        const other = p.run(["pull", `${B}/private:1`], { env: { HOME: home, DOCKER_CONFIG: join(home, "empty") } });
        expect(other.code).toBe(125);
        expect(other.stderr).toContain(`pull access denied for ${B}/private`);

        expect(sb.ok(["logout", B], { env })).toBe(`Removing login credentials for ${B}`);
        expect(JSON.parse(readFileSync(cfgPath, "utf8")).auths[B]).toBeUndefined();
        expect(sb.ok(["logout", B], { env })).toBe(`Not logged in to ${B}`);
        const after = p.run(["pull", `${B}/private:1`], { env });
        expect(after.code).toBe(125);
        expect(after.stderr).toContain("pull access denied");
      } finally { p.destroy(); }
    });
  });
});
