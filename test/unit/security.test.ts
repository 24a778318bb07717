import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { computeCapabilities, DEFAULT_CAPABILITIES, maskOf, namesOf, normalizeCapName, procStatusMask, toHex } from "../../src/security/capabilities";
import { deviceProgram, writeDeviceRulesV1 } from "../../src/security/device-cgroup";
import { DEFAULT_DEVICE_RULES, formatRule, parseDevice } from "../../src/security/devices";
import { computeSecurity } from "../../src/security";
import { parseSecurityOpts } from "../../src/security/options";
import { parseUlimit, parseUlimits } from "../../src/security/rlimits";
import type { DeviceRule } from "../../src/security/spec";
import { parseSysctls } from "../../src/security/sysctls";

// This machine's root: every capability but CAP_SYS_RESOURCE (bit 24).
const CALLER = 0x1fffeffffffn;
const caps = (o: { privileged?: boolean; capAdd?: string[]; capDrop?: string[] }, bounding = CALLER) =>
  toHex(computeCapabilities({ privileged: false, capAdd: [], capDrop: [], ...o }, bounding).bounding);

describe("capabilities", () => {
  test("Docker's default set is a80425fb", () => {
    expect(toHex(maskOf(DEFAULT_CAPABILITIES))).toBe("00000000a80425fb");
    expect(caps({})).toBe("00000000a80425fb");
  });

  test("names with or without CAP_, any case; unknown names are errors", () => {
    expect(normalizeCapName("sys_admin")).toBe("CAP_SYS_ADMIN");
    expect(normalizeCapName("CAP_NET_ADMIN")).toBe("CAP_NET_ADMIN");
    expect(normalizeCapName("all")).toBe("ALL");
    expect(() => normalizeCapName("SYS_WIZARD")).toThrow(/invalid capability: "SYS_WIZARD"/);
  });

  test("add, drop, ALL, privileged follow Docker's rules within the caller's own set", () => {
    expect(caps({ capAdd: ["SYS_ADMIN"] })).toBe("00000000a82425fb");
    expect(caps({ capDrop: ["NET_RAW", "cap_mknod"] })).toBe(toHex(maskOf(DEFAULT_CAPABILITIES) & ~((1n << 13n) | (1n << 27n))));
    expect(caps({ capDrop: ["ALL"] })).toBe("0000000000000000");
    expect(namesOf(computeCapabilities({ privileged: false, capAdd: ["CHOWN", "KILL"], capDrop: ["ALL"] }, CALLER).bounding)).toEqual(["CAP_CHOWN", "CAP_KILL"]);
    expect(caps({ capAdd: ["ALL"] })).toBe("000001fffeffffff"); // not SYS_RESOURCE: the caller lacks it
    expect(caps({ capAdd: ["ALL"], capDrop: ["SYS_ADMIN"] })).toBe(toHex(CALLER & ~(1n << 21n)));
    expect(caps({ capAdd: ["NET_RAW"], capDrop: ["NET_RAW"] })).toBe("00000000a80425fb"); // added after dropping
    expect(caps({ privileged: true })).toBe("000001fffeffffff");
    expect(caps({ privileged: true }, 0xffn)).toBe("00000000000000ff");
  });

  test("asking by name for a capability the caller lacks is an error", () => {
    expect(() => caps({ capAdd: ["SYS_RESOURCE"] })).toThrow(/cannot add capability CAP_SYS_RESOURCE: mydocker itself does not hold it/);
  });

  test("the inheritable and ambient sets stay empty", () => {
    const s = computeCapabilities({ privileged: true, capAdd: [], capDrop: [] }, CALLER);
    expect([s.inheritable, s.ambient, s.effective, s.permitted]).toEqual([0n, 0n, CALLER, CALLER]);
  });

  test("reads /proc/PID/status lines", () => {
    expect(procStatusMask("CapBnd", "Name:\tx\nCapBnd:\t000001fffeffffff\nCapAmb:\t0000000000000000\n")).toBe(CALLER);
  });
});

describe("--security-opt", () => {
  test("Docker's spellings", () => {
    expect(parseSecurityOpts([])).toEqual({ seccomp: "", noNewPrivileges: false, unmaskSystemPaths: false });
    expect(parseSecurityOpts(["seccomp=unconfined", "no-new-privileges"])).toEqual({ seccomp: "unconfined", noNewPrivileges: true, unmaskSystemPaths: false });
    expect(parseSecurityOpts(["seccomp:/p.json", "no-new-privileges:true", "systempaths=unconfined"])).toEqual({ seccomp: "/p.json", noNewPrivileges: true, unmaskSystemPaths: true });
    expect(parseSecurityOpts(["no-new-privileges=false", "seccomp=builtin", "label=disable", "apparmor=unconfined"]).noNewPrivileges).toBe(false);
  });

  test("unknown or unsupported options are errors", () => {
    expect(() => parseSecurityOpts(["bogus"])).toThrow(/invalid --security-opt: "bogus"/);
    expect(() => parseSecurityOpts(["no-new-privileges=maybe"])).toThrow(/true or false/);
    expect(() => parseSecurityOpts(["apparmor=docker-default"])).toThrow(/AppArmor profiles are not supported/);
    expect(() => parseSecurityOpts(["seccomp="])).toThrow(/seccomp needs/);
  });
});

describe("--ulimit", () => {
  const hard20000 = () => ({ soft: 1024n, hard: 20000n });
  test("names, soft[:hard], unlimited", () => {
    expect(parseUlimit("nofile=1024:2048")).toEqual({ name: "nofile", resource: 7, soft: 1024, hard: 2048 });
    expect(parseUlimit("core=0")).toEqual({ name: "core", resource: 4, soft: 0, hard: 0 });
    expect(parseUlimit("memlock=-1:unlimited")).toEqual({ name: "memlock", resource: 8, soft: -1, hard: -1 });
  });

  test("malformed values are errors", () => {
    expect(() => parseUlimit("nofile")).toThrow(/invalid ulimit argument/);
    expect(() => parseUlimit("files=3")).toThrow(/invalid ulimit type: files/);
    expect(() => parseUlimit("nofile=2048:1024")).toThrow(/soft limit must be less than or equal to hard limit/);
    expect(() => parseUlimit("nofile=1:2:3")).toThrow(/too many limit value arguments/);
    expect(() => parseUlimit("nofile=many")).toThrow(/invalid ulimit argument/);
  });

  test("never above the caller's own hard limit, unless it may raise it", () => {
    expect(parseUlimits(["nofile=1024:20000"], false, hard20000)).toHaveLength(1);
    expect(() => parseUlimits(["nofile=1024:20001"], false, hard20000)).toThrow(/ulimit nofile: hard limit 20001 is above mydocker's own hard limit 20000 \(raising a hard limit needs CAP_SYS_RESOURCE\)/);
    expect(() => parseUlimits(["nofile=unlimited"], false, hard20000)).toThrow(/hard limit unlimited is above/);
    expect(parseUlimits(["nofile=1024:99999"], true, hard20000)[0].hard).toBe(99999);
    expect(parseUlimits(["nofile=10", "nofile=20"], false, hard20000)).toEqual([{ name: "nofile", resource: 7, soft: 20, hard: 20 }]);
  });
});

describe("--sysctl", () => {
  test("namespaced keys only", () => {
    expect(parseSysctls(["net.ipv4.ip_forward=1", "kernel.shmmax=1000", "fs.mqueue.msg_max=20", "net/core/somaxconn=512"], true))
      .toEqual({ "net.ipv4.ip_forward": "1", "kernel.shmmax": "1000", "fs.mqueue.msg_max": "20", "net.core.somaxconn": "512" });
    expect(() => parseSysctls(["vm.swappiness=10"], true)).toThrow(/sysctl "vm.swappiness" is not allowed: only namespaced sysctls/);
    expect(() => parseSysctls(["kernel.panic=1"], true)).toThrow(/not allowed/);
    expect(() => parseSysctls(["kernel.hostname=x"], true)).toThrow(/use --hostname/);
    expect(() => parseSysctls(["net.ipv4.ip_forward=1"], false)).toThrow(/shares a network namespace/);
    expect(() => parseSysctls(["net.ipv4.ip_forward"], true)).toThrow(/KEY=VALUE/);
    expect(() => parseSysctls(["net.ipv4..x=1"], true)).toThrow(/invalid sysctl key/);
  });
});

describe("devices", () => {
  test("--device HOST[:CONTAINER[:rwm]]", () => {
    expect(parseDevice("/dev/null")).toMatchObject({
      nodes: [{ path: "/dev/null", type: "c", major: 1, minor: 3 }],
      rules: [{ allow: true, type: "c", major: 1, minor: 3, access: "rwm" }],
    });
    expect(parseDevice("/dev/zero:/dev/myzero:r")).toMatchObject({ nodes: [{ path: "/dev/myzero", major: 1, minor: 5 }], rules: [{ access: "r" }] });
    expect(parseDevice("/dev/full:rw").rules[0].access).toBe("rw");
    expect(() => parseDevice("/dev/nope")).toThrow(/error gathering device information while adding custom device "\/dev\/nope": no such file/);
    expect(() => parseDevice("/etc/hostname")).toThrow(/not a device node/);
    expect(() => parseDevice("/dev/null:/dev/x:rwx")).toThrow(/invalid device mode: rwx/);
    expect(() => parseDevice("/dev/null:dev/x")).toThrow(/container path must be absolute/);
  });

  test("v1: deny all, then one allow line per rule", () => {
    const dir = mkdtempSync(`${tmpdir()}/devcg-`);
    try {
      writeDeviceRulesV1(dir, DEFAULT_DEVICE_RULES);
      expect(readFileSync(`${dir}/devices.deny`, "utf8")).toBe("a");
      expect(DEFAULT_DEVICE_RULES.map(formatRule)).toEqual([
        "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm",
      ]);
      expect(readFileSync(`${dir}/devices.allow`, "utf8")).toBe(DEFAULT_DEVICE_RULES.map(formatRule).join(""));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The device program's verdict for an access, computed by interpreting its eBPF instructions.
  function verdict(rules: readonly DeviceRule[], type: "c" | "b", major: number, minor: number, access: string): number {
    const prog = deviceProgram(rules);
    const acc = (access.includes("m") ? 1 : 0) | (access.includes("r") ? 2 : 0) | (access.includes("w") ? 4 : 0);
    const ctx = [((acc << 16) | (type === "b" ? 1 : 2)) >>> 0, major, minor];
    const r: bigint[] = new Array(11).fill(0n);
    for (let pc = 0; pc < prog.length; pc++) {
      const x = prog[pc];
      switch (x.code) {
        case 0x61: expect(x.src).toBe(1); r[x.dst] = BigInt(ctx[x.off / 4]); break;
        case 0x57: r[x.dst] &= BigInt.asUintN(64, BigInt(x.imm)); break;
        case 0x77: r[x.dst] >>= BigInt(x.imm); break;
        case 0xb7: r[x.dst] = BigInt(x.imm); break;
        case 0xbf: r[x.dst] = r[x.src]; break;
        case 0x55: if (r[x.dst] !== BigInt(x.imm)) pc += x.off; break;
        case 0x95: return Number(r[0]);
        default: throw new Error(`opcode ${x.code}`);
      }
    }
    throw new Error("fell off the program");
  }

  test("v2 program: default nodes usable, any node creatable, nothing else", () => {
    const R = DEFAULT_DEVICE_RULES;
    expect(verdict(R, "c", 1, 3, "rw")).toBe(1); // /dev/null
    expect(verdict(R, "c", 136, 7, "rw")).toBe(1); // a pty
    expect(verdict(R, "c", 5, 2, "rwm")).toBe(1);
    expect(verdict(R, "b", 254, 0, "m")).toBe(1); // mknod of a disk is allowed…
    expect(verdict(R, "b", 254, 0, "r")).toBe(0); // …reading it is not
    expect(verdict(R, "c", 1, 11, "r")).toBe(0); // /dev/kmsg
    expect(verdict(R, "c", 1, 1, "w")).toBe(0); // /dev/mem
    expect(verdict(R, "c", 10, 200, "rw")).toBe(0); // tun
    expect(verdict([...R, { allow: true, type: "b", major: 7, minor: 7, access: "r" }], "b", 7, 7, "r")).toBe(1);
    expect(verdict([...R, { allow: true, type: "b", major: 7, minor: 7, access: "r" }], "b", 7, 7, "w")).toBe(0);
    expect(verdict([{ allow: true, type: "a", major: null, minor: null, access: "rwm" }], "b", 8, 0, "rw")).toBe(1);
  });
});

describe("computeSecurity", () => {
  const status = "CapEff:\t000001fffeffffff\nCapBnd:\t000001fffeffffff\n";
  const base = { privileged: false, capAdd: [], capDrop: [], securityOpt: [], devices: [], ulimits: [], sysctls: [], ownNetns: true, seccompPath: "/c/seccomp.bpf", cacheDir: null };

  test("defaults: Docker's caps, seccomp, masks, read-only paths, default devices", () => {
    const { spec, seccompProgram, hostConfig } = computeSecurity(base, status);
    expect(spec.capabilities).toEqual({ bounding: "00000000a80425fb", effective: "00000000a80425fb", permitted: "00000000a80425fb", inheritable: "0000000000000000", ambient: "0000000000000000" });
    expect(spec.noNewPrivileges).toBe(false);
    expect(spec.seccompProfile).toBe("/c/seccomp.bpf");
    expect(seccompProgram!.length % 8).toBe(0);
    expect(spec.maskedPaths).toEqual(expect.arrayContaining(["/proc/kcore", "/proc/keys", "/sys/firmware"]));
    expect(spec.readonlyPaths).toEqual(["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]);
    expect(spec.deviceRules).toEqual([...DEFAULT_DEVICE_RULES]);
    expect(spec.hostDevices).toBe(false);
    expect(hostConfig).toEqual({ Devices: [], Ulimits: null, Sysctls: null });
  });

  test("--privileged: every capability of the caller, no seccomp, no masks, all devices", () => {
    const { spec, seccompProgram } = computeSecurity({ ...base, privileged: true }, status);
    expect(spec.capabilities!.bounding).toBe("000001fffeffffff");
    expect(seccompProgram).toBeNull();
    expect(spec.seccompProfile).toBeUndefined();
    expect([spec.maskedPaths, spec.readonlyPaths]).toEqual([[], []]);
    expect(spec.hostDevices).toBe(true);
    expect(spec.deviceRules.map(formatRule)).toEqual(["a *:* rwm"]);
  });

  test("unconfined seccomp, no-new-privileges, systempaths, devices, ulimits, sysctls", () => {
    const { spec, seccompProgram, hostConfig } = computeSecurity({
      ...base, securityOpt: ["seccomp=unconfined", "no-new-privileges", "systempaths=unconfined"],
      devices: ["/dev/zero:/dev/z:rw"], ulimits: ["core=0"], sysctls: ["net.ipv4.ip_forward=1"],
    }, status);
    expect(seccompProgram).toBeNull();
    expect(spec.noNewPrivileges).toBe(true);
    expect(spec.maskedPaths).toEqual([]);
    expect(spec.devices).toMatchObject([{ path: "/dev/z", type: "c", major: 1, minor: 5 }]);
    expect(spec.deviceRules.at(-1)).toEqual({ allow: true, type: "c", major: 1, minor: 5, access: "rw" });
    expect(hostConfig).toEqual({
      Devices: [{ PathOnHost: "/dev/zero", PathInContainer: "/dev/z", CgroupPermissions: "rw" }],
      Ulimits: [{ Name: "core", Soft: 0, Hard: 0 }],
      Sysctls: { "net.ipv4.ip_forward": "1" },
    });
  });
});

describe("where the device rules go", () => {
  const { deviceCgroupTarget } = require("../../src/container/security-module");
  test("the v1 devices hierarchy, else a program on the cgroup2 directory", () => {
    const hybrid = { mode: "hybrid", mounts: { memory: "/sys/fs/cgroup/memory", devices: "/sys/fs/cgroup/devices", "": "/sys/fs/cgroup/unified" }, path: "mydocker/abc" };
    expect(deviceCgroupTarget(hybrid)).toEqual({ v1: "/sys/fs/cgroup/devices/mydocker/abc" });
    expect(deviceCgroupTarget({ mode: "v1", mounts: { "cpu,devices": "/cg/x" }, path: "p" })).toEqual({ v1: "/cg/x/p" });
    expect(deviceCgroupTarget({ mode: "v2", mounts: { "": "/sys/fs/cgroup" }, path: "mydocker/abc" })).toEqual({ v2: "/sys/fs/cgroup/mydocker/abc" });
    expect(deviceCgroupTarget({ mode: "hybrid", mounts: { memory: "/m", "": "/u" }, path: "p" })).toEqual({ v2: "/u/p" });
    expect(deviceCgroupTarget(undefined)).toEqual({});
  });
});

describe("seccomp program cache", () => {
  const { cacheBytes, cachePath, readCached } = require("../../src/security/seccomp/cache");
  test("off outside a compiled mydocker; the file format round-trips", () => {
    expect(cachePath("/tmp", null, "00000000a80425fb")).toBeNull();
    const dir = mkdtempSync(`${tmpdir()}/sccache-`);
    try {
      const program = new Uint8Array(16).map((_, i) => i);
      require("node:fs").writeFileSync(`${dir}/x.bpf`, cacheBytes({ program, flags: 2 }));
      expect(readCached(`${dir}/x.bpf`)).toEqual({ program, flags: 2 });
      expect(readCached(`${dir}/missing.bpf`)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
