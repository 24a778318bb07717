import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { DEFAULT_CAPABILITIES } from "../../src/security/capabilities";
import { buildSeccompFilter, containerFilter } from "../../src/security/seccomp";
import { compileFilter } from "../../src/security/seccomp/compile";
import { DEFAULT_PROFILE } from "../../src/security/seccomp/default-profile";
import { resolveProfile, type SeccompProfile } from "../../src/security/seccomp/profile";
import { AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, RET, X32_SYSCALL_BIT, type SeccompOp } from "../../src/security/seccomp/profile";
import { I386, X32, X86_64, type SyscallTable } from "../../src/security/seccomp/syscalls-x86";
import * as interp from "./bpf-interp";
import { runFilter } from "./bpf-interp";

const ALLOW = RET.ALLOW, EPERM = RET.ERRNO | 1, ENOSYS = RET.ERRNO | 38;
const nr = (name: string, t: SyscallTable = X86_64) => {
  const n = t.get(name);
  if (n === undefined) throw new Error(`no syscall ${name}`);
  return n;
};

describe("syscall tables", () => {
  const dir = "/usr/include/x86_64-linux-gnu/asm";
  const headers: [string, SyscallTable][] = [["unistd_64.h", X86_64], ["unistd_32.h", I386], ["unistd_x32.h", X32]];
  for (const [file, table] of headers) {
    test.skipIf(!existsSync(`${dir}/${file}`))(`${file} agrees with the built-in table`, () => {
      let seen = 0;
      for (const line of readFileSync(`${dir}/${file}`, "utf8").split("\n")) {
        const m = /^#define __NR_(\w+) \(?(?:__X32_SYSCALL_BIT \+ )?(\d+)\)?/.exec(line);
        if (!m) continue;
        expect([m[1], table.get(m[1])]).toEqual([m[1], Number(m[2])]);
        seen++;
      }
      expect(seen).toBeGreaterThan(300);
    });
  }

  test("a few well-known numbers", () => {
    expect([nr("read"), nr("execve"), nr("clone3"), nr("mseal")]).toEqual([0, 59, 435, 462]);
    expect([nr("read", I386), nr("socketcall", I386)]).toEqual([3, 102]);
    expect(nr("rt_sigaction", X32)).toBe(512);
  });
});

describe("Docker's default profile", () => {
  const caps = new Set<string>(DEFAULT_CAPABILITIES);
  const prog = buildSeccompFilter("", caps)!.insns;
  const run = (name: string, args: bigint[] = [], arch = AUDIT_ARCH_X86_64) => runFilter(prog, { nr: nr(name), arch, args });

  test("fits the kernel's limit and decides in a few steps", () => {
    expect(prog.length).toBeLessThan(1200); // three ABIs; the kernel takes 4096
    let worst = 0;
    for (let n = 0; n < 480; n++) {
      runFilter(prog, { nr: n, arch: AUDIT_ARCH_X86_64, args: [17n] });
      worst = Math.max(worst, interp.lastSteps);
    }
    expect(worst).toBeLessThanOrEqual(40);
  });

  test("ordinary calls are allowed, privileged ones fail with EPERM", () => {
    for (const c of ["read", "write", "openat", "execve", "exit_group", "futex", "mmap", "capset", "prctl", "setresuid", "close_range", "ptrace", "arch_prctl"])
      expect([c, run(c)]).toEqual([c, ALLOW]);
    for (const c of ["mount", "umount2", "unshare", "setns", "init_module", "finit_module", "delete_module", "kexec_load", "reboot", "syslog", "bpf", "pivot_root", "swapon", "keyctl", "add_key", "open_by_handle_at", "iopl", "perf_event_open", "userfaultfd", "settimeofday", "acct", "sethostname"])
      expect([c, run(c)]).toEqual([c, EPERM]);
  });

  test("clone without namespace flags only; clone3 gives ENOSYS so libc falls back to clone", () => {
    const SIGCHLD = 17n, CLONE_THREAD_FLAGS = 0x3d0f00n;
    expect(run("clone", [SIGCHLD])).toBe(ALLOW);
    expect(run("clone", [CLONE_THREAD_FLAGS])).toBe(ALLOW);
    expect(run("clone", [0x10000000n | SIGCHLD])).toBe(EPERM); // CLONE_NEWUSER
    expect(run("clone", [0x20000n])).toBe(EPERM); // CLONE_NEWNS
    expect(run("clone", [0x1_0000_0000n | SIGCHLD])).toBe(ALLOW); // high word is not a flag
    expect(run("clone3")).toBe(ENOSYS);
  });

  test("personality and socket only with safe arguments", () => {
    for (const v of [0n, 8n, 0x20000n, 0x20008n, 0xffffffffn]) expect(run("personality", [v])).toBe(ALLOW);
    for (const v of [1n, 0x0400000n /* ADDR_NO_RANDOMIZE */, 0x1_0000_0000n]) expect(run("personality", [v])).toBe(EPERM);
    for (const f of [1n, 2n, 10n, 16n, 17n, 37n, 39n, 41n, 45n]) expect([f, run("socket", [f])]).toEqual([f, ALLOW]);
    expect(run("socket", [38n])).toBe(EPERM);
    expect(run("socket", [40n])).toBe(EPERM); // AF_VSOCK
  });

  test("numbers newer than the profile get ENOSYS; other ABIs are filtered by their own numbers", () => {
    expect(runFilter(prog, { nr: 470, arch: AUDIT_ARCH_X86_64 })).toBe(ENOSYS);
    expect(runFilter(prog, { nr: 0x7fffffff, arch: AUDIT_ARCH_X86_64 })).toBe(ENOSYS);
    expect(runFilter(prog, { nr: nr("open_tree_attr"), arch: AUDIT_ARCH_X86_64 })).toBe(ENOSYS);
    expect(runFilter(prog, { nr: nr("read", X32) | X32_SYSCALL_BIT, arch: AUDIT_ARCH_X86_64 })).toBe(ALLOW);
    expect(runFilter(prog, { nr: nr("rt_sigaction", X32) | X32_SYSCALL_BIT, arch: AUDIT_ARCH_X86_64 })).toBe(ALLOW);
    expect(runFilter(prog, { nr: nr("mount", X32) | X32_SYSCALL_BIT, arch: AUDIT_ARCH_X86_64 })).toBe(EPERM);
    expect(runFilter(prog, { nr: nr("socketcall", I386), arch: AUDIT_ARCH_I386 })).toBe(ALLOW);
    expect(runFilter(prog, { nr: nr("mount", I386), arch: AUDIT_ARCH_I386 })).toBe(EPERM);
    expect(runFilter(prog, { nr: nr("clone", I386), arch: AUDIT_ARCH_I386, args: [0x10000000n] })).toBe(EPERM);
    expect(runFilter(prog, { nr: nr("clone", I386), arch: AUDIT_ARCH_I386, args: [17n] })).toBe(ALLOW);
    expect(runFilter(prog, { nr: 0, arch: 0xc00000b7 /* aarch64 */ })).toBe(RET.KILL_PROCESS);
  });

  test("every name of the allow list that exists on x86_64 is allowed, and nothing else below the top", () => {
    const allowed = new Set<number>();
    for (let n = 0; n <= 466; n++) if (runFilter(prog, { nr: n, arch: AUDIT_ARCH_X86_64, args: [17n] }) === ALLOW) allowed.add(n);
    for (const c of ["accept", "brk", "cachestat", "fchmodat2", "futex_wake", "listmount", "mseal", "removexattrat", "uretprobe", "map_shadow_stack"])
      expect([c, allowed.has(nr(c))]).toEqual([c, true]);
    expect(allowed.size).toBeGreaterThan(300);
    expect(allowed.size).toBeLessThan(340);
  });

  test("capabilities lift their calls", () => {
    const admin = buildSeccompFilter("", new Set([...DEFAULT_CAPABILITIES, "CAP_SYS_ADMIN"]))!.insns;
    const r = (name: string, args: bigint[] = []) => runFilter(admin, { nr: nr(name), arch: AUDIT_ARCH_X86_64, args });
    expect(r("mount")).toBe(ALLOW);
    expect(r("unshare")).toBe(ALLOW);
    expect(r("clone", [0x10000000n])).toBe(ALLOW);
    expect(r("clone3")).toBe(ALLOW);
    expect(r("init_module")).toBe(EPERM);
    const mod = buildSeccompFilter("", new Set([...DEFAULT_CAPABILITIES, "CAP_SYS_MODULE"]))!.insns;
    expect(runFilter(mod, { nr: nr("finit_module"), arch: AUDIT_ARCH_X86_64 })).toBe(ALLOW);
  });

  test("unconfined means no filter", () => {
    expect(buildSeccompFilter("unconfined", caps)).toBeNull();
  });
});

describe("argument comparisons match 64-bit unsigned semantics", () => {
  const ops: [SeccompOp, (a: bigint, v: bigint, v2: bigint) => boolean][] = [
    ["SCMP_CMP_EQ", (a, v) => a === v], ["SCMP_CMP_NE", (a, v) => a !== v],
    ["SCMP_CMP_LT", (a, v) => a < v], ["SCMP_CMP_LE", (a, v) => a <= v],
    ["SCMP_CMP_GT", (a, v) => a > v], ["SCMP_CMP_GE", (a, v) => a >= v],
    ["SCMP_CMP_MASKED_EQ", (a, v, v2) => (a & v) === v2],
  ];
  const interesting = [0n, 1n, 7n, 0xffffffffn, 0x1_0000_0000n, 0x1_0000_0007n, 0x7_0000_0000n, 0x7_ffff_ffffn, 2n ** 52n];
  for (const [op, truth] of ops) {
    test(op, () => {
      for (const v of interesting) {
        const v2 = op === "SCMP_CMP_MASKED_EQ" ? v & 0x5_0000_0005n : 0n;
        const prof: SeccompProfile = {
          defaultAction: "SCMP_ACT_ERRNO",
          syscalls: [{ names: ["read"], action: "SCMP_ACT_ALLOW", args: [{ index: 3, value: Number(v), valueTwo: Number(v2), op }] }],
        };
        const prog = compileFilter(resolveProfile(prof, { caps: new Set() })!).insns;
        for (const a of [...interesting, v, v + 1n, v === 0n ? 0n : v - 1n, 0xffff_ffff_ffff_ffffn]) {
          const got = runFilter(prog, { nr: 0, arch: AUDIT_ARCH_X86_64, args: [9n, 9n, 9n, a] });
          expect([op, v, a, got]).toEqual([op, v, a, truth(a, v, v2) ? ALLOW : EPERM]);
        }
      }
    });
  }

  test("several rules: the first whose checks all hold decides; several checks must all hold", () => {
    const prof: SeccompProfile = {
      defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [
        { names: ["write"], action: "SCMP_ACT_ERRNO", errnoRet: 9, args: [{ index: 0, value: 1, op: "SCMP_CMP_EQ" }, { index: 2, value: 100, op: "SCMP_CMP_GT" }] },
        { names: ["write"], action: "SCMP_ACT_KILL_PROCESS", args: [{ index: 0, value: 2, op: "SCMP_CMP_EQ" }] },
        { names: ["mkdir", "rmdir"], action: "SCMP_ACT_ERRNO" },
      ],
    };
    const prog = compileFilter(resolveProfile(prof, { caps: new Set() })!).insns;
    const w = (fd: bigint, n: bigint) => runFilter(prog, { nr: nr("write"), arch: AUDIT_ARCH_X86_64, args: [fd, 0n, n] });
    expect(w(1n, 101n)).toBe(RET.ERRNO | 9);
    expect(w(1n, 100n)).toBe(ALLOW);
    expect(w(2n, 0n)).toBe(RET.KILL_PROCESS);
    expect(w(3n, 500n)).toBe(ALLOW);
    expect(runFilter(prog, { nr: nr("rmdir"), arch: AUDIT_ARCH_X86_64 })).toBe(EPERM);
    // an allow-by-default profile has no ENOSYS stub
    expect(runFilter(prog, { nr: 999, arch: AUDIT_ARCH_X86_64 })).toBe(ALLOW);
    // without x32/i386 in the profile, those ABIs are killed
    expect(runFilter(prog, { nr: 3, arch: AUDIT_ARCH_I386 })).toBe(RET.KILL_PROCESS);
    expect(runFilter(prog, { nr: X32_SYSCALL_BIT, arch: AUDIT_ARCH_X86_64 })).toBe(RET.KILL_PROCESS);
  });
});

describe("profile files", () => {
  const dir = mkdtempSync(`${tmpdir()}/seccomp-`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: string) => { writeFileSync(`${dir}/${name}`, body); return `${dir}/${name}`; };

  test("bad files fail with a message naming the problem", () => {
    expect(() => buildSeccompFilter(`${dir}/missing.json`, new Set())).toThrow(/opening seccomp profile .*missing.json.* no such file/);
    expect(() => buildSeccompFilter(write("bad.json", "{"), new Set())).toThrow(/decoding seccomp profile/);
    expect(() => buildSeccompFilter(write("act.json", '{"defaultAction":"SCMP_ACT_NOPE"}'), new Set())).toThrow(/unknown defaultAction/);
    expect(() => buildSeccompFilter(write("notify.json", '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_NOTIFY"}]}'), new Set())).toThrow(/NOTIFY is not supported/);
    expect(() => buildSeccompFilter(write("both.json", '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"read","names":["write"],"action":"SCMP_ACT_ERRNO"}]}'), new Set())).toThrow(/both 'name' and 'names'/);
    expect(() => buildSeccompFilter(write("idx.json", '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}'), new Set())).toThrow(/index 6/);
  });

  test("Docker's own default.json, read from a file, compiles to the same program as the built-in", () => {
    const path = write("default.json", JSON.stringify(DEFAULT_PROFILE));
    const caps = new Set<string>(DEFAULT_CAPABILITIES);
    expect(buildSeccompFilter(path, caps)!.program).toEqual(buildSeccompFilter("", caps)!.program);
  });

  test("an empty profile means no filter, unknown names are skipped, flags are carried", () => {
    expect(buildSeccompFilter(write("empty.json", "{}"), new Set())).toBeNull();
    const f = buildSeccompFilter(write("flags.json", '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_LOG"],"syscalls":[{"names":["no_such_call","mkdir"],"action":"SCMP_ACT_ERRNO"}]}'), new Set())!;
    expect(f.flags).toBe(2);
    expect(runFilter(f.insns, { nr: nr("mkdir"), arch: AUDIT_ARCH_X86_64 })).toBe(EPERM);
  });
});
