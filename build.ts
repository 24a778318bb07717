// Builds dist/mydocker: compiles the C shim (static, so it runs in any rootfs and on any host
// without a compiler) and embeds it into one executable made by `bun build --compile`.
//
//   bun build.ts            build everything
//   bun build.ts --shim     only the shim (for quick C iteration)

import { $ } from "bun";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";

const root = import.meta.dir;
mkdirSync(`${root}/build`, { recursive: true });
mkdirSync(`${root}/dist`, { recursive: true });

const sources = readdirSync(`${root}/cshim`).filter((f) => f.endsWith(".c")).map((f) => `${root}/cshim/${f}`);
// musl gives a ~80 kB static shim with a tiny resident set (the monitor's RSS is a product
// figure); glibc's static libc works too, only bigger.
const cc = Bun.which("musl-gcc") ?? Bun.which("gcc") ?? Bun.which("cc");
if (!cc) throw new Error("build: no C compiler found (install musl-tools or gcc)");
const shim = `${root}/build/mydocker-shim`;
await $`${cc} -static -Os -s -Wall -Wextra -Werror -std=gnu11 -o ${shim} ${sources}`;
console.error(`build: shim ${statSync(shim).size} bytes (${cc.split("/").pop()})`);
if (process.argv.includes("--shim")) process.exit(0);

const out = `${root}/dist/mydocker`;
// --bytecode: the bundle is pre-parsed, which cuts every invocation from ~17 ms to ~6 ms.
// --splitting (ESM): each verb's modules are their own chunk, loaded when the verb is. In one
// chunk every module's top-level functions are instantiated at start-up, used or not; on this
// kind of VM (page faults are dear) that was ~13 ms of a 26 ms `--version`.
// --compile-jit-policy: the JIT starts 1000 times more reluctant to compile; long work asks for
// the normal policy back (src/sys/jit.ts). Short commands ran faster without the compiling.
await $`${process.execPath} build --compile --splitting --format=esm --minify --bytecode --sourcemap=none --compile-jit-policy=1000 ${root}/src/entry.ts --outfile ${out}`.quiet();
if (!existsSync(out)) throw new Error("build: bun build produced no dist/mydocker");
console.error(`build: ${out} ${(statSync(out).size / 1048576).toFixed(1)} MiB`);
