// Packet filtering and NAT through the host's iptables (nf_tables or legacy backend, as Docker
// uses it). Every change is one `iptables-restore --noflush` batch, which the kernel applies
// atomically. All of mydocker's rules live in chains of its own, per bridge B:
//
//   nat    MYDOCKER-B      DNAT of published ports       ← PREROUTING and OUTPUT, dst-type LOCAL
//   nat    MYDOCKER-PST-B  MASQUERADE (outbound, and localhost → container)  ← POSTROUTING
//   filter MYDOCKER-B      forwarding to and from the bridge  ← FORWARD -i B / -o B (inserted first)
//   filter FORWARD -i B -j ACCEPT   the bridge's traffic out of the host (appended last)
//
// Egress is accepted only at the end of FORWARD, after every bridge's chain had its say: a
// packet from bridge A to bridge B meets B's chain (which drops what B did not ask for) whatever
// the order in which the networks came up. Accepting it in A's chain would let A reach B when A's
// jumps were inserted before B's.
//
// A chain declared in a restore batch (":NAME - [0:0]") is created, or flushed if it exists, so
// writing a chain's whole content is idempotent. The jumps from the built-in chains are the only
// rules outside our chains; they are found in `iptables-save` output before being added or removed,
// so a repeated or interrupted change never duplicates or strands one.

import { existsSync } from "node:fs";
import { HostError } from "../errors";
import type { ActivePort } from "./ports";

export interface BridgeRules {
  bridge: string;
  subnet: string;
  internal: boolean;
  /** Outbound traffic leaves with the host's address (com.docker.network.bridge.enable_ip_masquerade, default true). */
  masquerade?: boolean;
}

export interface Dnat extends ActivePort {
  ip: string;
}

export function chainNames(bridge: string) {
  return { dnat: `MYDOCKER-${bridge}`, post: `MYDOCKER-PST-${bridge}`, filter: `MYDOCKER-${bridge}` };
}

function dnatRules(chain: string, dnats: Dnat[]): string[] {
  return dnats.map((d) =>
    `-A ${chain}${d.hostIp ? ` -d ${d.hostIp}/32` : ""} -p ${d.proto} -m ${d.proto} --dport ${d.hostPort} -j DNAT --to-destination ${d.ip}:${d.containerPort}`);
}

/** The rule that lets a bridge's traffic leave the host, as `iptables-save` prints it. */
function egressRule(bridge: string): string {
  return `-A FORWARD -i ${bridge} -j ACCEPT`;
}

/** Whether `iptables-save` output holds exactly this rule in table `table`. */
function hasRule(save: string, table: string, rule: string): boolean {
  let current = "";
  for (const line of save.split("\n")) {
    if (line.startsWith("*")) current = line.slice(1).trim();
    else if (current === table && line === rule) return true;
  }
  return false;
}

/** Lines of `iptables-save` in table `table` that jump from a built-in chain into one of chains. */
export function jumpsInto(save: string, table: string, chains: string[]): string[] {
  const out: string[] = [];
  let current = "";
  for (const line of save.split("\n")) {
    if (line.startsWith("*")) current = line.slice(1).trim();
    else if (current === table && line.startsWith("-A ") && chains.some((c) => line.endsWith(` -j ${c}`)) && !chains.some((c) => line.startsWith(`-A ${c} `))) out.push(line);
  }
  return out;
}

export function hasChain(save: string, table: string, chain: string): boolean {
  let current = "";
  for (const line of save.split("\n")) {
    if (line.startsWith("*")) current = line.slice(1).trim();
    else if (current === table && line.startsWith(`:${chain} `)) return true;
  }
  return false;
}

/** Creates (or rewrites) every chain of a bridge network and its jumps: one atomic batch. */
export function upBatch(r: BridgeRules, dnats: Dnat[], save: string): string {
  const c = chainNames(r.bridge), B = r.bridge;
  const nat = [
    "*nat",
    ...jumpsInto(save, "nat", [c.dnat, c.post]).map((l) => "-D" + l.slice(2)),
    `:${c.dnat} - [0:0]`,
    `:${c.post} - [0:0]`,
    ...(r.internal || r.masquerade === false ? [] : [`-A ${c.post} -s ${r.subnet} ! -o ${B} -j MASQUERADE`]),
    // the host reaching a published port at 127.0.0.1: the reply must come back to the bridge
    `-A ${c.post} -s 127.0.0.0/8 -o ${B} -j MASQUERADE`,
    // a container reaching a published port of its own network through the host
    `-A ${c.post} -s ${r.subnet} -o ${B} -m conntrack --ctstate DNAT -j MASQUERADE`,
    ...dnatRules(c.dnat, dnats),
    `-A PREROUTING -m addrtype --dst-type LOCAL -j ${c.dnat}`,
    `-A OUTPUT -m addrtype --dst-type LOCAL -j ${c.dnat}`,
    `-A POSTROUTING -j ${c.post}`,
    "COMMIT",
  ];
  const filter = [
    "*filter",
    ...jumpsInto(save, "filter", [c.filter]).map((l) => "-D" + l.slice(2)),
    ...(hasRule(save, "filter", egressRule(B)) ? ["-D" + egressRule(B).slice(2)] : []),
    `:${c.filter} - [0:0]`,
    `-A ${c.filter} -i ${B} -o ${B} -j ACCEPT`,
    ...(r.internal
      ? [`-A ${c.filter} -i ${B} -j DROP`, `-A ${c.filter} -o ${B} -j DROP`]
      : [
        `-A ${c.filter} -o ${B} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
        `-A ${c.filter} -o ${B} -m conntrack --ctstate DNAT -j ACCEPT`,
        `-A ${c.filter} -o ${B} -j DROP`,
      ]),
    `-I FORWARD -o ${B} -j ${c.filter}`,
    `-I FORWARD -i ${B} -j ${c.filter}`,
    ...(r.internal ? [] : [egressRule(B)]),
    "COMMIT",
  ];
  return [...nat, ...filter].join("\n") + "\n";
}

/** Rewrites the DNAT chain of one bridge with exactly these publications. */
export function dnatBatch(bridge: string, dnats: Dnat[]): string {
  const c = chainNames(bridge);
  return ["*nat", `:${c.dnat} - [0:0]`, ...dnatRules(c.dnat, dnats), "COMMIT"].join("\n") + "\n";
}

/** Removes every jump into, and every chain of, a bridge network; "" when nothing is left. */
export function downBatch(bridge: string, save: string): string {
  const c = chainNames(bridge);
  const lines: string[] = [];
  const nat = [
    ...jumpsInto(save, "nat", [c.dnat, c.post]).map((l) => "-D" + l.slice(2)),
    ...[c.dnat, c.post].filter((ch) => hasChain(save, "nat", ch)).flatMap((ch) => [`-F ${ch}`, `-X ${ch}`]),
  ];
  if (nat.length) lines.push("*nat", ...nat, "COMMIT");
  const filter = [
    ...jumpsInto(save, "filter", [c.filter]).map((l) => "-D" + l.slice(2)),
    ...(hasRule(save, "filter", egressRule(bridge)) ? ["-D" + egressRule(bridge).slice(2)] : []),
    ...(hasChain(save, "filter", c.filter) ? [`-F ${c.filter}`, `-X ${c.filter}`] : []),
  ];
  if (filter.length) lines.push("*filter", ...filter, "COMMIT");
  return lines.length ? lines.join("\n") + "\n" : "";
}

// ---- running iptables ----

const tools = new Map<string, string | null>();

function tool(name: string): string | null {
  if (tools.has(name)) return tools.get(name)!;
  let found: string | null = null;
  for (const dir of ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin"]) {
    if (existsSync(`${dir}/${name}`)) { found = `${dir}/${name}`; break; }
  }
  found ??= Bun.which(name);
  tools.set(name, found);
  return found;
}

export function haveIptables(): boolean {
  return tool("iptables-restore") !== null && tool("iptables-save") !== null;
}

function need(name: string, why: string): string {
  const t = tool(name);
  if (!t) throw new HostError(`${why} needs iptables, and ${name} is not installed (apt-get install iptables)`);
  return t;
}

export function iptablesSave(why: string): string {
  const r = Bun.spawnSync([need("iptables-save", why)], { stdout: "pipe", stderr: "pipe", env: {} });
  if (r.exitCode !== 0) throw new HostError(`iptables-save: ${r.stderr.toString().trim() || `exit ${r.exitCode}`}`);
  return r.stdout.toString();
}

export function iptablesRestore(batch: string, why: string): void {
  if (!batch) return;
  const r = Bun.spawnSync([need("iptables-restore", why), "--noflush", "-w"], { stdin: Buffer.from(batch), stdout: "pipe", stderr: "pipe", env: {} });
  if (r.exitCode !== 0) throw new HostError(`iptables-restore (${why}): ${r.stderr.toString().trim() || `exit ${r.exitCode}`}`);
}
