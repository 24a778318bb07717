// Networking on the real kernel: the default bridge, user networks and IPAM, name resolution,
// published ports (from 127.0.0.1 and from a client network namespace that plays another host),
// rules that follow the container's life, and a host left clean.
//
// Subnets: 10.231.10.0/24–10.231.19.0/24 here (the sandbox's default network comes from the
// harness pool 10.231.128.0/17); bridges and the client namespace are named mdtn-…; traffic goes
// only to 127.0.0.1, container addresses and the client namespace.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { eventually, IS_ROOT, useSandbox } from "./harness";

const TAG = (process.pid % 100000).toString(36);
const CLIENT_NS = `mdtn-cl-${TAG}`;
const CLIENT_HOST_IF = `mdtn-ch-${TAG}`; // host end of the client's veth
const CLIENT_HOST_IP = "10.231.19.1", CLIENT_IP = "10.231.19.2";

function sh(cmd: string, timeoutMs = 15_000): { code: number; out: string; err: string } {
  const r = Bun.spawnSync(["bash", "-c", cmd], { timeout: timeoutMs, env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" } });
  return { code: r.exitCode ?? 124, out: r.stdout.toString(), err: r.stderr.toString() };
}

/** HTTP GET with busybox wget (no -T: Debian's static busybox crashes with it), from the host or the client namespace. */
function fetch(url: string, from: "host" | "client" = "host", timeoutMs = 4000): string | null {
  const prefix = from === "client" ? `nsenter --net=/run/netns/${CLIENT_NS} ` : "";
  const r = sh(`${prefix}busybox wget -qO- ${url}`, timeoutMs);
  return r.code === 0 ? r.out : null;
}

function iptablesLines(): string[] {
  return sh("iptables-save").out.split("\n");
}

function freePort(): number {
  const s = Bun.listen({ hostname: "0.0.0.0", port: 0, socket: { data() {} } });
  const p = s.port;
  s.stop(true);
  return p;
}

describe.skipIf(!IS_ROOT)("networking", () => {
  // declared before the sandbox, so it runs before the sandbox's own teardown (containers,
  // networks, root, and the ip_forward setting it found)
  afterAll(() => {
    sh(`ip netns del ${CLIENT_NS}; ip link del ${CLIENT_HOST_IF} 2>/dev/null`);
  });
  const sb = useSandbox("net");
  const inspect = (c: string) => JSON.parse(sb.ok(["inspect", c]))[0];
  const ipOf = (c: string, net: string) => inspect(c).NetworkSettings.Networks[net].IPAddress as string;
  const bridgeOf = (net: string) => JSON.parse(sb.ok(["network", "inspect", net]))[0].Options["com.docker.network.bridge.name"] as string;
  const webCmd = ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www"];

  beforeAll(() => {
    // another host: a namespace behind a veth, routed through this host
    const steps = [
      `ip netns add ${CLIENT_NS}`,
      `ip link add ${CLIENT_HOST_IF} type veth peer name eth0 netns ${CLIENT_NS}`,
      `ip addr add ${CLIENT_HOST_IP}/30 dev ${CLIENT_HOST_IF}`, `ip link set ${CLIENT_HOST_IF} up`,
      `ip -n ${CLIENT_NS} addr add ${CLIENT_IP}/30 dev eth0`, `ip -n ${CLIENT_NS} link set eth0 up`,
      `ip -n ${CLIENT_NS} link set lo up`, `ip -n ${CLIENT_NS} route add default via ${CLIENT_HOST_IP}`,
    ];
    for (const s of steps) expect(sh(s).code).toBe(0);
  });

  test("default bridge: eth0 with its own address, MAC, MTU and default route; lo up; inspect agrees", async () => {
    sb.ok(["run", "-d", "--name", "d1", "busybox", "sleep", "100"]);
    const out = sb.ok(["run", "--rm", "--network", "container:d1", "busybox", "sh", "-c",
      "cat /sys/class/net/eth0/mtu /sys/class/net/eth0/address /sys/class/net/lo/operstate; ip -4 addr show eth0; ip route"]).split("\n");
    const i = inspect("d1");
    const ns = i.NetworkSettings;
    expect(i.HostConfig.NetworkMode).toBe("bridge");
    expect(ns.IPAddress).toMatch(/^10\.231\.(12[89]|1[3-9]\d|2[0-5]\d)\.\d+$/); // the sandbox pool 10.231.128.0/17
    expect(ns.Networks.bridge.IPAddress).toBe(ns.IPAddress);
    expect(ns.Gateway).toBe(ns.IPAddress.replace(/\.\d+$/, ".1"));
    expect(ns.IPPrefixLen).toBe(24);
    expect(out[0]).toBe("1500");
    expect(out[1]).toBe(ns.MacAddress);
    expect(ns.MacAddress).toMatch(/^02:42(:[0-9a-f]{2}){4}$/);
    expect(out[2]).toBe("unknown"); // lo up
    expect(out.join("\n")).toContain(`inet ${ns.IPAddress}/24`);
    expect(out.join("\n")).toContain(`default via ${ns.Gateway} dev eth0`);
    // its bridge is this sandbox's, not mydocker0
    const br = bridgeOf("bridge");
    expect(br).toMatch(/^mydocker-[0-9a-f]{6}$/);
    expect(sh(`ip -4 addr show ${br}`).out).toContain(`inet ${ns.Gateway}/24`);
    // the host reaches the container by its address
    sb.ok(["run", "-d", "--name", "dweb", "busybox", ...webCmd]);
    const webIp = inspect("dweb").NetworkSettings.IPAddress;
    expect(await eventually(() => fetch(`http://${webIp}/`))).toContain(inspect("dweb").Config.Hostname);
    sb.ok(["rm", "-f", "d1", "dweb"]);
  });

  test("/etc/hosts and /etc/resolv.conf: own name, --add-host, --dns/--dns-search/--dns-option, no loopback resolvers", () => {
    const hostResolv = readFileSync("/etc/resolv.conf", "utf8");
    const resolv = sb.ok(["run", "--rm", "busybox", "cat", "/etc/resolv.conf"]);
    expect(resolv).not.toMatch(/nameserver 127\./);
    const usable = (hostResolv.match(/^nameserver\s+(\S+)/gm) ?? []).filter((ns) => !/ 127\.|\s::1$/.test(ns));
    for (const ns of usable) expect(resolv).toContain(ns.replace(/\s+/, " "));
    // with only loopback resolvers on the host, Docker's public fallback is used
    if (usable.length === 0) expect(resolv).toContain("nameserver 8.8.8.8");
    const custom = sb.ok(["run", "--rm", "--dns", "10.231.11.53", "--dns-search", "corp.example", "--dns-option", "ndots:2", "busybox", "cat", "/etc/resolv.conf"]);
    expect(custom).toBe("nameserver 10.231.11.53\nsearch corp.example\noptions ndots:2");
    const hosts = sb.ok(["run", "--rm", "-h", "box1", "--add-host", "db.example:10.231.11.9", "busybox", "sh", "-c", "cat /etc/hosts; hostname -i"]);
    expect(hosts).toContain("10.231.11.9\tdb.example");
    const ip = hosts.trim().split("\n").pop()!;
    expect(hosts).toContain(`${ip}\tbox1`);
    expect(sb.run(["run", "--rm", "--add-host", "bad", "busybox", "true"]).code).toBe(125);
    expect(sb.run(["run", "--rm", "--dns", "not-an-ip", "busybox", "true"]).code).toBe(125);
  });

  test("network create / ls / inspect; overlapping subnets and bad options are refused", () => {
    const id = sb.ok(["network", "create", "--subnet", "10.231.10.0/24", "--gateway", "10.231.10.254", "--ip-range", "10.231.10.128/25",
      "--label", "team=net", "-o", `com.docker.network.bridge.name=mdtn-a-${TAG}`, "neta"]);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const ls = sb.ok(["network", "ls"]).split("\n");
    expect(ls[0]).toMatch(/^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE$/);
    expect(ls.some((l) => new RegExp(`^${id.slice(0, 12)}\\s+neta\\s+bridge\\s+local$`).test(l))).toBe(true);
    for (const builtin of ["bridge", "host", "none"]) expect(sb.ok(["network", "ls", "--format", "{{.Name}}"]).split("\n")).toContain(builtin);
    expect(sb.ok(["network", "ls", "-q", "-f", "label=team=net"])).toBe(id.slice(0, 12));
    const n = JSON.parse(sb.ok(["network", "inspect", "neta"]))[0];
    expect(n).toMatchObject({ Name: "neta", Id: id, Driver: "bridge", Scope: "local", Internal: false, Labels: { team: "net" },
      IPAM: { Driver: "default", Config: [{ Subnet: "10.231.10.0/24", Gateway: "10.231.10.254", IPRange: "10.231.10.128/25" }] }, Containers: {} });
    expect(sh(`ip -4 addr show mdtn-a-${TAG}`).out).toContain("inet 10.231.10.254/24");
    expect(sb.ok(["network", "inspect", "-f", "{{.Name}}", id.slice(0, 8)])).toBe("neta");

    const refused = (args: string[], msg: RegExp) => {
      const r = sb.run(["network", "create", ...args]);
      expect(r.code).toBe(125);
      expect(r.stderr).toMatch(msg);
    };
    refused(["--subnet", "10.231.10.128/25", "overlap1"], /overlaps/i);
    refused(["--subnet", "192.0.2.0/25", "overlap2"], /overlaps route 192\.0\.2\.0\/24/); // the host's own eth0 route
    refused(["--subnet", "10.231.11.0/24", "neta"], /already exists/);
    refused(["--subnet", "10.231.11.0/24", "--gateway", "10.231.12.1", "gw1"], /gateway/);
    refused(["--subnet", "10.231.11.1/24", "hostbits"], /host bits/);
    refused(["-d", "macvlan", "drv"], /not found/);
    refused(["--subnet", "10.231.11.0/24", "-o", `com.docker.network.bridge.name=mdtn-a-${TAG}`, "samebr"], /in use/);
    expect(sb.ok(["network", "ls", "-q"]).split("\n")).toHaveLength(4);
    // no --subnet: a free one from the pool
    sb.ok(["network", "create", "autonet"]);
    const auto = JSON.parse(sb.ok(["network", "inspect", "autonet"]))[0].IPAM.Config[0].Subnet;
    expect(auto).toMatch(/^10\.231\.\d+\.0\/24$/);
    expect(auto).not.toBe("10.231.10.0/24");
    expect(sb.ok(["network", "rm", "autonet"])).toBe("autonet");
  });

  test("containers on a user network reach each other by IP, name, alias and short id, also ones started later", async () => {
    sb.ok(["run", "-d", "--name", "a1", "--network", "neta", "busybox", "sleep", "100"]);
    const b1 = sb.ok(["run", "-d", "--name", "b1", "--network", "neta", "--network-alias", "bee", "busybox", ...webCmd]);
    const a1Ip = ipOf("a1", "neta"), b1Ip = ipOf("b1", "neta");
    expect(a1Ip).toMatch(/^10\.231\.10\.(1[2-9][0-9]|2[0-4][0-9]|25[0-3])$/); // inside --ip-range, never the gateway .254
    const ping = (from: string, to: string) => sb.run(["run", "--rm", "--network", `container:${from}`, "busybox", "ping", "-c1", "-W2", to]).code;
    expect(ping("a1", b1Ip)).toBe(0);
    expect(ping("a1", "b1")).toBe(0);
    expect(ping("a1", "bee")).toBe(0);
    expect(ping("a1", b1.slice(0, 12))).toBe(0);
    expect(ping("b1", "a1")).toBe(0);
    expect(sb.ok(["run", "--rm", "--network", "neta", "busybox", "wget", "-qO-", `http://${b1Ip}/`])).toBe(b1.slice(0, 12));
    // a container started later is known to those already running
    sb.ok(["run", "-d", "--name", "c1", "--network", "neta", "busybox", "sleep", "100"]);
    expect(ping("a1", "c1")).toBe(0);
    expect(inspect("b1").NetworkSettings.Networks.neta.Aliases).toEqual(["bee"]);
    expect(inspect("b1").NetworkSettings.Networks.neta.DNSNames).toEqual(["b1", "bee", b1.slice(0, 12)]);
    const n = JSON.parse(sb.ok(["network", "inspect", "neta"]))[0];
    expect(Object.values(n.Containers).map((c: any) => c.Name).sort()).toEqual(["a1", "b1", "c1"]);
    // removed containers leave the others' hosts files
    const hostsOf = (c: string) => sb.ok(["exec", c, "cat", "/etc/hosts"]);
    expect(hostsOf("a1")).toMatch(/\sc1(\s|$)/m);
    sb.ok(["rm", "-f", "c1"]);
    expect(ping("a1", "c1")).not.toBe(0);
    expect(hostsOf("a1")).not.toMatch(/\sc1(\s|$)/m);
    // the default network has no name resolution (as in Docker); other networks are isolated
    sb.ok(["run", "-d", "--name", "d2", "busybox", "sleep", "100"]);
    expect(ping("d2", "a1")).not.toBe(0);
    expect(hostsOf("d2")).not.toMatch(/\sa1(\s|$)/m);
    expect(ping("d2", a1Ip)).not.toBe(0);
    sb.ok(["rm", "-f", "d2"]);
  });

  test("network rm is refused while containers are attached, naming them; connect and disconnect a running container", () => {
    const r = sb.run(["network", "rm", "neta"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/active endpoints \((a1, b1|b1, a1)\)/);
    expect(sb.run(["network", "rm", "bridge"]).stderr).toContain("pre-defined");
    sb.ok(["network", "create", "--subnet", "10.231.13.0/24", "-o", `com.docker.network.bridge.name=mdtn-b-${TAG}`, "netb"]);
    sb.ok(["run", "-d", "--name", "nb1", "--network", "netb", "busybox", "sleep", "100"]);
    sb.ok(["network", "connect", "--alias", "joiner", "netb", "a1"]);
    const ifaces = sb.ok(["run", "--rm", "--network", "container:a1", "busybox", "sh", "-c", "ip -4 -o addr show | awk '{print $2, $4}'"]);
    const a1b = ipOf("a1", "netb");
    expect(ifaces).toContain(`eth1 ${a1b}/24`);
    expect(ifaces).toContain(`eth0 ${ipOf("a1", "neta")}/24`);
    expect(sb.run(["run", "--rm", "--network", "container:nb1", "busybox", "ping", "-c1", "-W2", "joiner"]).code).toBe(0);
    expect(sb.run(["network", "connect", "netb", "a1"]).code).toBe(125); // already there
    sb.ok(["network", "disconnect", "netb", "a1"]);
    expect(sb.ok(["run", "--rm", "--network", "container:a1", "busybox", "ls", "/sys/class/net"]).split("\n").sort()).toEqual(["eth0", "lo"]);
    expect(inspect("a1").NetworkSettings.Networks.netb).toBeUndefined();
    expect(sb.run(["run", "--rm", "--network", "container:nb1", "busybox", "ping", "-c1", "-W1", "joiner"]).code).not.toBe(0);
    expect(sb.ok(["exec", "nb1", "cat", "/etc/hosts"])).not.toContain("joiner");
    sb.ok(["rm", "-f", "nb1"]);
    sb.ok(["network", "rm", "netb"]);
    expect(sh(`ip link show mdtn-b-${TAG}`).code).not.toBe(0);
  });

  test("published ports: from 127.0.0.1 and from another host (the client namespace); ps, port, inspect", async () => {
    const hp = freePort();
    sb.ok(["run", "-d", "--name", "p1", "--network", "neta", "-p", `${hp}:80`, "-p", "127.0.0.1::80", "busybox", ...webCmd]);
    const p1 = inspect("p1");
    const id12 = p1.Id.slice(0, 12);
    expect(await eventually(() => fetch(`http://127.0.0.1:${hp}/`))).toBe(id12 + "\n");
    expect(fetch(`http://${CLIENT_HOST_IP}:${hp}/`, "client")).toBe(id12 + "\n");
    expect(fetch(`http://${CLIENT_HOST_IP}:${hp}/`)).toBe(id12 + "\n"); // the host, at one of its own addresses
    const ports = p1.NetworkSettings.Ports["80/tcp"];
    expect(ports).toHaveLength(2);
    expect(ports[0]).toEqual({ HostIp: "0.0.0.0", HostPort: String(hp) });
    expect(ports[1].HostIp).toBe("127.0.0.1");
    const local = Number(ports[1].HostPort);
    expect(fetch(`http://127.0.0.1:${local}/`)).toBe(id12 + "\n");
    expect(fetch(`http://${CLIENT_HOST_IP}:${local}/`, "client")).toBeNull(); // bound to 127.0.0.1 only
    expect(p1.HostConfig.PortBindings["80/tcp"]).toEqual([{ HostIp: "", HostPort: String(hp) }, { HostIp: "127.0.0.1", HostPort: "" }]);
    expect(sb.ok(["port", "p1"]).split("\n")).toEqual([`80/tcp -> 0.0.0.0:${hp}`, `80/tcp -> 127.0.0.1:${local}`]);
    expect(sb.ok(["port", "p1", "80"]).split("\n")[0]).toBe(`0.0.0.0:${hp}`);
    expect(sb.run(["port", "p1", "81"]).code).toBe(125);
    expect(sb.ok(["ps", "-f", "name=p1", "--format", "{{.Ports}}"])).toBe(`0.0.0.0:${hp}->80/tcp, 127.0.0.1:${local}->80/tcp`);
    // through the host from a container of the same network, and from the container itself (hairpin)
    expect(sb.ok(["run", "--rm", "--network", "neta", "busybox", "wget", "-qO-", `http://10.231.10.254:${hp}/`])).toBe(id12);
    expect(sb.ok(["run", "--rm", "--network", "container:p1", "busybox", "wget", "-qO-", `http://10.231.10.254:${hp}/`])).toBe(id12);
    // the container's address itself is not reachable from another host: only what is published
    expect(fetch(`http://${ipOf("p1", "neta")}/`, "client", 1000)).toBeNull(); // dropped: wait 1 s only
    sb.ok(["rm", "-f", "p1"]);
    expect(iptablesLines().filter((l) => l.includes(`--dport ${hp} `))).toEqual([]);
  });

  test("udp publish reaches the container from another host", async () => {
    const hp = freePort();
    sb.ok(["run", "-d", "--name", "u1", "--network", "neta", "-p", `${hp}:5353/udp`, "busybox", "sleep", "100"]);
    // busybox has no UDP server: a Bun one listens inside the container's network namespace
    const pid = inspect("u1").State.Pid;
    const server = Bun.spawn(["nsenter", `--net=/proc/${pid}/ns/net`, process.execPath, "-e",
      "await Bun.udpSocket({ port: 5353, socket: { data(s, buf) { console.log(buf.toString().trim()); process.exit(0); } } }); console.log('ready');"],
      { stdout: "pipe" });
    try {
      const reader = server.stdout.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain("ready");
      const got = (async () => new TextDecoder().decode((await reader.read()).value))();
      for (let i = 0; i < 10 && server.exitCode === null; i++) {
        sh(`nsenter --net=/run/netns/${CLIENT_NS} bash -c 'echo hello-udp > /dev/udp/${CLIENT_HOST_IP}/${hp}'`);
        await Bun.sleep(100);
      }
      expect(await got).toContain("hello-udp");
    } finally {
      server.kill();
    }
    expect(sb.ok(["port", "u1"])).toBe(`5353/udp -> 0.0.0.0:${hp}`);
    sb.ok(["rm", "-f", "u1"]);
  });

  test("a host port in use, by another container or by any program, is refused with 125 before the container starts", () => {
    const hp = freePort();
    sb.ok(["run", "-d", "--name", "hold1", "--network", "neta", "-p", `${hp}:80`, "busybox", "sleep", "100"]);
    const r = sb.run(["run", "-d", "--name", "hold2", "--network", "neta", "-p", `${hp}:80`, "busybox", "sleep", "100"]);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain(`Bind for 0.0.0.0:${hp} failed: port is already allocated`);
    expect(inspect("hold2").State.Status).not.toBe("running");
    // the port is held even against programs that are not mydocker
    expect(() => Bun.listen({ hostname: "127.0.0.1", port: hp, socket: { data() {} } })).toThrow();
    sb.ok(["rm", "-f", "hold1", "hold2"]);
    const other = Bun.listen({ hostname: "0.0.0.0", port: 0, socket: { data() {} } });
    try {
      const r2 = sb.run(["run", "--rm", "--network", "neta", "-p", `${other.port}:80`, "busybox", "true"]);
      expect(r2.code).toBe(125);
      expect(r2.stderr).toContain("port is already allocated");
    } finally {
      other.stop(true);
    }
    // the port is free again once its container is gone
    const s = Bun.listen({ hostname: "0.0.0.0", port: hp, socket: { data() {} } });
    s.stop(true);
  });

  test("port rules exist exactly while the container runs: stop removes them, start restores them, rm leaves none", async () => {
    const hp = freePort();
    sb.ok(["run", "-d", "--name", "t1", "--network", "neta", "-p", `${hp}:80`, "busybox", ...webCmd]);
    const ip = ipOf("t1", "neta");
    const dnat = () => iptablesLines().filter((l) => l.includes(`--dport ${hp} `) && l.includes(`--to-destination ${ip}:80`));
    expect(dnat()).toHaveLength(1);
    expect(await eventually(() => fetch(`http://127.0.0.1:${hp}/`))).toBeTruthy();
    sb.ok(["stop", "-t", "1", "t1"]);
    expect(dnat()).toEqual([]);
    expect(sb.ok(["ps", "-a", "-f", "name=t1", "--format", "{{.Ports}}"])).toBe("");
    expect(inspect("t1").NetworkSettings.Ports).toEqual({});
    Bun.listen({ hostname: "0.0.0.0", port: hp, socket: { data() {} } }).stop(true); // free while stopped
    sb.ok(["start", "t1"]);
    expect(dnat()).toHaveLength(1);
    expect(ipOf("t1", "neta")).toBe(ip); // the address is kept for the container's life
    expect(await eventually(() => fetch(`http://${CLIENT_HOST_IP}:${hp}/`, "client"))).toBeTruthy();
    sb.ok(["rm", "-f", "t1"]);
    expect(dnat()).toEqual([]);
  });

  test("-P publishes every exposed port on a free host port", async () => {
    sb.ok(["run", "-d", "--name", "pa", "--network", "neta", "--expose", "80", "--expose", "7000/udp", "-P", "busybox", ...webCmd]);
    const lines = sb.ok(["port", "pa"]).split("\n");
    expect(lines).toHaveLength(2);
    const tcp = lines.find((l) => l.startsWith("80/tcp -> 0.0.0.0:"))!;
    expect(lines.some((l) => l.startsWith("7000/udp -> 0.0.0.0:"))).toBe(true);
    const port = Number(tcp.split(":").pop());
    expect(port).toBeGreaterThan(1023);
    expect(await eventually(() => fetch(`http://127.0.0.1:${port}/`))).toBeTruthy();
    expect(Object.keys(inspect("pa").Config.ExposedPorts).sort()).toEqual(["7000/udp", "80/tcp"]);
    sb.ok(["rm", "-f", "pa"]);
  });

  test("twenty containers started at once get twenty distinct addresses", async () => {
    sb.ok(["network", "create", "--subnet", "10.231.14.0/24", "-o", `com.docker.network.bridge.name=mdtn-c-${TAG}`, "netc"]);
    const procs = Array.from({ length: 20 }, (_, i) => sb.spawn(["run", "-d", "--name", `par${i}`, "--network", "netc", "busybox", "sleep", "100"]));
    const codes = await Promise.all(procs.map((p) => p.exited));
    expect(codes).toEqual(Array(20).fill(0));
    const ips = Array.from({ length: 20 }, (_, i) => ipOf(`par${i}`, "netc"));
    expect(new Set(ips).size).toBe(20);
    for (const ip of ips) expect(ip).toMatch(/^10\.231\.14\.([2-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-4])$/);
    // and the default network too
    const dprocs = Array.from({ length: 20 }, (_, i) => sb.spawn(["run", "-d", "--name", `dpar${i}`, "busybox", "sleep", "100"]));
    expect(await Promise.all(dprocs.map((p) => p.exited))).toEqual(Array(20).fill(0));
    expect(new Set(Array.from({ length: 20 }, (_, i) => inspect(`dpar${i}`).NetworkSettings.IPAddress)).size).toBe(20);
    const rms = [...procs.keys()].flatMap((i) => [sb.spawn(["rm", "-f", `par${i}`]), sb.spawn(["rm", "-f", `dpar${i}`])]);
    expect(await Promise.all(rms.map((p) => p.exited))).toEqual(Array(40).fill(0));
    expect(Object.keys(JSON.parse(sb.ok(["network", "inspect", "netc"]))[0].Containers)).toEqual([]);
    sb.ok(["network", "rm", "netc"]);
  });

  test("--ip picks a fixed address; one in use and a full pool are clear errors; addresses come back on rm", () => {
    sb.ok(["network", "create", "--subnet", "10.231.15.0/29", "-o", `com.docker.network.bridge.name=mdtn-d-${TAG}`, "netd"]);
    sb.ok(["run", "-d", "--name", "f0", "--network", "netd", "--ip", "10.231.15.6", "busybox", "sleep", "100"]);
    expect(ipOf("f0", "netd")).toBe("10.231.15.6");
    expect(inspect("f0").NetworkSettings.Networks.netd.IPAMConfig).toEqual({ IPv4Address: "10.231.15.6" });
    const taken = sb.run(["run", "-d", "--network", "netd", "--ip", "10.231.15.6", "busybox", "true"]);
    expect(taken.code).toBe(125);
    expect(taken.stderr).toContain("already in use by container f0");
    for (const bad of ["10.231.15.7", "10.231.15.1", "10.231.16.2"]) // broadcast, gateway, outside
      expect(sb.run(["run", "--rm", "--network", "netd", "--ip", bad, "busybox", "true"]).code).toBe(125);
    expect(sb.run(["run", "--rm", "--ip", "10.231.15.3", "busybox", "true"]).stderr).toContain("user defined networks only");
    for (let i = 1; i <= 4; i++) sb.ok(["run", "-d", "--name", `f${i}`, "--network", "netd", "busybox", "sleep", "100"]);
    const full = sb.run(["run", "-d", "--name", "f5", "--network", "netd", "busybox", "sleep", "100"]);
    expect(full.code).toBe(125);
    expect(full.stderr).toContain("no available IPv4 addresses on network netd");
    expect(sb.run(["inspect", "f5"]).code).not.toBe(0); // nothing half made
    const back = ipOf("f2", "netd");
    sb.ok(["rm", "-f", "f2"]);
    sb.ok(["run", "-d", "--name", "f5", "--network", "netd", "busybox", "sleep", "100"]);
    expect(ipOf("f5", "netd")).toBe(back);
    sb.ok(["rm", "-f", "f0", "f1", "f3", "f4", "f5"]);
    sb.ok(["network", "rm", "netd"]);
  });

  test("outbound traffic leaves masqueraded as the host; an --internal network has no way out", async () => {
    // the client namespace plays a host outside: a server there answers with the caller's address
    const server = Bun.spawn(["nsenter", `--net=/run/netns/${CLIENT_NS}`, process.execPath, "-e",
      `Bun.serve({ hostname: "${CLIENT_IP}", port: 8099, fetch: (req, srv) => new Response(srv.requestIP(req).address) }); console.log("ready")`],
      { stdout: "pipe" });
    try {
      expect(new TextDecoder().decode((await server.stdout.getReader().read()).value)).toContain("ready");
      expect(sb.ok(["run", "--rm", "busybox", "wget", "-qO-", `http://${CLIENT_IP}:8099/`])).toBe(CLIENT_HOST_IP);
      expect(sb.ok(["run", "--rm", "--network", "neta", "busybox", "wget", "-qO-", `http://${CLIENT_IP}:8099/`])).toBe(CLIENT_HOST_IP);
      sb.ok(["network", "create", "--internal", "--subnet", "10.231.17.0/24", "-o", `com.docker.network.bridge.name=mdtn-f-${TAG}`, "netf"]);
      const r = sb.run(["run", "--rm", "--network", "netf", "busybox", "wget", "-qO-", `http://${CLIENT_IP}:8099/`], { timeoutMs: 10_000 });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/unreachable/i);
      sb.ok(["network", "rm", "netf"]);
    } finally {
      server.kill();
    }
  });

  test("network prune removes the networks no container uses", () => {
    sb.ok(["network", "create", "--subnet", "10.231.18.0/25", "-o", `com.docker.network.bridge.name=mdtn-g-${TAG}`, "unused1"]);
    sb.ok(["network", "create", "--subnet", "10.231.18.128/25", "--label", "keep=1", "-o", `com.docker.network.bridge.name=mdtn-h-${TAG}`, "unused2"]);
    expect(sb.ok(["network", "prune", "-f", "--filter", "label!=keep"])).toBe("Deleted Networks:\nunused1");
    expect(sb.ok(["network", "prune", "-f"])).toBe("Deleted Networks:\nunused2");
    expect(sb.ok(["network", "ls", "--format", "{{.Name}}"]).split("\n")).toContain("neta"); // in use: kept
    expect(sh(`ip link show mdtn-g-${TAG}`).code).not.toBe(0);
  });

  test("--internal networks have no route out; none, host and container:C modes", () => {
    sb.ok(["network", "create", "--internal", "--subnet", "10.231.16.0/24", "-o", `com.docker.network.bridge.name=mdtn-e-${TAG}`, "nete"]);
    const routes = sb.ok(["run", "--rm", "--network", "nete", "busybox", "ip", "route"]);
    expect(routes).toContain("10.231.16.0/24 dev eth0");
    expect(routes).not.toContain("default");
    expect(iptablesLines().filter((l) => l.includes("MASQUERADE") && l.includes("10.231.16.0/24") && l.includes("! -o"))).toEqual([]);
    sb.ok(["network", "rm", "nete"]);

    expect(sb.ok(["run", "--rm", "--network", "none", "busybox", "ls", "/sys/class/net"])).toBe("lo");
    const hostNs = require("node:fs").readlinkSync("/proc/self/ns/net");
    expect(sb.ok(["run", "--rm", "--net", "host", "busybox", "readlink", "/proc/self/ns/net"])).toBe(hostNs);
    expect(sb.ok(["run", "--rm", "--net", "host", "busybox", "hostname"])).toBe(require("node:os").hostname());
    sb.ok(["run", "-d", "--name", "shared", "busybox", "sleep", "100"]);
    const pid = inspect("shared").State.Pid;
    expect(sb.ok(["run", "--rm", "--network", "container:shared", "busybox", "readlink", "/proc/self/ns/net"])).toBe(require("node:fs").readlinkSync(`/proc/${pid}/ns/net`));
    expect(sb.run(["run", "--rm", "--network", "container:shared", "-p", "80:80", "busybox", "true"]).code).toBe(125);
    expect(sb.run(["run", "--rm", "--network", "no-such-net", "busybox", "true"]).stderr).toContain("network no-such-net not found");
    sb.ok(["stop", "-t", "0", "shared"]);
    expect(sb.run(["run", "--rm", "--network", "container:shared", "busybox", "true"]).stderr).toContain("non running container");
    sb.ok(["rm", "shared"]);
  });

  test("rename reaches the peers: hosts files and the network's endpoint carry the new name", () => {
    sb.ok(["network", "create", "--subnet", "10.231.62.0/24", "-o", `com.docker.network.bridge.name=mdtn-r-${TAG}`, "netr"]);
    sb.ok(["run", "-d", "--name", "ra", "--network", "netr", "busybox", "sleep", "100"]);
    sb.ok(["run", "-d", "--name", "rb", "--network", "netr", "busybox", "sleep", "100"]);
    sb.ok(["rename", "rb", "rbee"]);
    const hosts = sb.ok(["exec", "ra", "cat", "/etc/hosts"]);
    expect(hosts).toMatch(/\srbee(\s|$)/m);
    expect(hosts).not.toMatch(/\srb(\s|$)/m);
    const names = Object.values(JSON.parse(sb.ok(["network", "inspect", "netr"]))[0].Containers).map((c: any) => c.Name).sort();
    expect(names).toEqual(["ra", "rbee"]);
    sb.ok(["rm", "-f", "ra", "rbee"]);
    sb.ok(["network", "rm", "netr"]);
  });

  test("after everything is removed no bridge, veth, rule, chain or route of the test remains", async () => {
    const defaultBridge = bridgeOf("bridge");
    for (const c of ["a1", "b1"]) sb.ok(["rm", "-f", c]);
    sb.ok(["network", "rm", "neta"]);
    expect(sb.ok(["network", "ls", "--format", "{{.Name}}"]).split("\n").sort()).toEqual(["bridge", "host", "none"]);
    // the default network goes a moment after its last container (its collector's grace period)
    const clean = () => {
      const links = sh("ip -o link show").out;
      const rules = iptablesLines().filter((l) => l.includes(`mdtn-`) && l.includes(TAG) || l.includes(defaultBridge));
      const routes = sh("ip route").out.split("\n").filter((l) => /^10\.231\.1[0-8]\./.test(l) || l.includes(defaultBridge));
      return !links.includes(`mdtn-a-${TAG}`) && !links.includes(defaultBridge) && !/master (mdtn-|mydocker-)/.test(links) && rules.length === 0 && routes.length === 0;
    };
    expect(await eventually(clean, 5000, 100)).toBe(true);
    expect(sb.leftovers()).toEqual([]);
  });
});
