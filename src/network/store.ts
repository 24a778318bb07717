// The network store under ROOT/network: one directory per network,
//
//   ROOT/network/<id>/config.json   the network as `network inspect` shows it (Docker's fields)
//   ROOT/network/<id>/state.json    its endpoints (= the IPAM allocations: container → address),
//                                   the last address handed out, whether and on which boot its
//                                   bridge and rules are up, and its pending garbage collector
//   ROOT/network/lock               every read-modify-write of any of these holds this flock
//
// Files are written to a temp name and renamed. The predefined networks (bridge, host, none) have
// ids derived from the root, so creating them needs no lock and two processes agree on them.

import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { InvalidInputError, NotFoundError } from "../errors";
import { atomicWriteJson, readJson, readJsonIfExists, withLock } from "../sys/fs";
import type { ActivePort } from "./ports";

export interface IpamConfig { Subnet: string; Gateway: string; IPRange?: string }

/** A network as Docker's `network inspect` shows it, plus mydocker's own notes (not shown). */
export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Scope: "local";
  Driver: "bridge" | "host" | "null";
  EnableIPv6: boolean;
  IPAM: { Driver: "default"; Options: Record<string, string> | null; Config: IpamConfig[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  Mydocker: {
    /** Bridge device (bridge driver only). */
    bridge?: string;
    mtu?: number;
    /** The subnet was given by the user (--subnet): only then may a container ask for --ip. */
    userSubnet?: boolean;
    /** The default `bridge` network: its subnet is chosen when its bridge comes up. */
    isDefault?: boolean;
  };
}

export interface EndpointRecord {
  ContainerId: string;
  /** Container name (for hosts files and `network inspect`). */
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string;
  /** --network-alias names, plus the short id. */
  Aliases: string[];
  /** Ports published through this network while the container runs. */
  ports: ActivePort[];
}

export interface NetworkState {
  endpoints: Record<string, EndpointRecord>;
  /** The address handed out last (allocation continues after it). */
  last?: string;
  /** Bridge and rules are in place on the boot with this id. */
  up?: { bootId: string };
  /** When the last endpoint left (the default network is torn down after a grace period). */
  idleSince?: number;
  /** The `_network-gc` process waiting to tear the network down. */
  gc?: { pid: number; start: number; bootId: string };
}

export const PREDEFINED = ["bridge", "host", "none"] as const;

export function nowRfc3339(): string {
  return new Date().toISOString();
}

export class NetworkStore {
  readonly dir: string;

  constructor(readonly root: string) {
    this.dir = `${root}/network`;
  }

  private ensureDir(): void {
    if (!existsSync(this.dir)) mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Runs fn holding the network lock of this root (all IPAM and endpoint changes). */
  locked<T>(fn: () => T): T {
    this.ensureDir();
    return withLock(`${this.dir}/lock`, fn);
  }

  predefinedId(name: string): string {
    return new Bun.CryptoHasher("sha256").update(`mydocker network ${this.root} ${name}`).digest("hex");
  }

  /** Writes the records of bridge/host/none if missing (idempotent, lock-free: fixed ids). */
  ensurePredefined(bridgeName: string): void {
    this.ensureDir();
    for (const name of PREDEFINED) {
      const id = this.predefinedId(name);
      if (existsSync(`${this.dir}/${id}/config.json`)) continue;
      mkdirSync(`${this.dir}/${id}`, { recursive: true, mode: 0o700 });
      const rec = newRecord(name, id, name === "bridge" ? "bridge" : name === "host" ? "host" : "null");
      if (name === "bridge") {
        rec.Options = {
          "com.docker.network.bridge.default_bridge": "true",
          "com.docker.network.bridge.enable_icc": "true",
          "com.docker.network.bridge.enable_ip_masquerade": "true",
          "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
          "com.docker.network.bridge.name": bridgeName,
        };
        rec.Mydocker = { bridge: bridgeName, isDefault: true };
      }
      atomicWriteJson(`${this.dir}/${id}/config.json`, rec);
    }
  }

  ids(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((n) => /^[0-9a-f]{64}$/.test(n) && existsSync(`${this.dir}/${n}/config.json`));
  }

  list(): NetworkRecord[] {
    return this.ids().map((id) => this.read(id)).sort((a, b) => a.Name.localeCompare(b.Name));
  }

  read(id: string): NetworkRecord {
    return readJson<NetworkRecord>(`${this.dir}/${id}/config.json`);
  }

  /** By exact name, full id, or unique id prefix (Docker's order). */
  find(ref: string): NetworkRecord | undefined {
    const all = this.list();
    const byName = all.find((n) => n.Name === ref);
    if (byName) return byName;
    const byId = all.find((n) => n.Id === ref);
    if (byId) return byId;
    if (/^[0-9a-f]+$/.test(ref)) {
      const m = all.filter((n) => n.Id.startsWith(ref));
      if (m.length === 1) return m[0];
      if (m.length > 1) throw new InvalidInputError(`network ${ref} is ambiguous (${m.length} matches found based on ID prefix)`);
    }
    return undefined;
  }

  get(ref: string): NetworkRecord {
    const n = this.find(ref);
    if (!n) throw new NotFoundError(`network ${ref} not found`);
    return n;
  }

  write(rec: NetworkRecord): void {
    this.ensureDir();
    mkdirSync(`${this.dir}/${rec.Id}`, { recursive: true, mode: 0o700 });
    atomicWriteJson(`${this.dir}/${rec.Id}/config.json`, rec);
  }

  readState(id: string): NetworkState {
    return readJsonIfExists<NetworkState>(`${this.dir}/${id}/state.json`) ?? { endpoints: {} };
  }

  writeState(id: string, st: NetworkState): void {
    atomicWriteJson(`${this.dir}/${id}/state.json`, st);
  }

  delete(id: string): void {
    rmSync(`${this.dir}/${id}`, { recursive: true, force: true });
  }
}

export function newRecord(name: string, id: string, driver: NetworkRecord["Driver"]): NetworkRecord {
  return {
    Name: name, Id: id, Created: nowRfc3339(), Scope: "local", Driver: driver, EnableIPv6: false,
    IPAM: { Driver: "default", Options: null, Config: [] },
    Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: "" }, ConfigOnly: false,
    Options: {}, Labels: {}, Mydocker: {},
  };
}

/** The record as `network inspect` prints it, with its endpoints. */
export function inspectNetwork(rec: NetworkRecord, st: NetworkState): Record<string, unknown> {
  const { Mydocker: _, ...docker } = rec;
  const containers: Record<string, unknown> = {};
  for (const [id, e] of Object.entries(st.endpoints)) {
    const prefix = rec.IPAM.Config[0]?.Subnet.split("/")[1] ?? "32";
    containers[id] = { Name: e.Name, EndpointID: e.EndpointID, MacAddress: e.MacAddress, IPv4Address: `${e.IPv4Address}/${prefix}`, IPv6Address: "" };
  }
  return { ...docker, Containers: containers };
}
