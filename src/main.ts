// mydocker's entry point: global flags, verb dispatch, and the only place that prints an error
// and chooses the exit code (125 for mydocker's own failures, the container's code otherwise).

import { ALIASES, VERBS } from "./commands";
import type { Globals, Verb } from "./commands/_define";
import { parseFlags } from "./commands/_flags";
import { renderHelp } from "./commands/_help";
import { ExitStatus, HostError, InvalidInputError, MydockerError } from "./errors";
import { configureLog } from "./log";
import { VERSION } from "./version";
import { out, err } from "./output";

const USAGE = `
Usage:  mydocker [OPTIONS] COMMAND

A daemonless, Docker-compatible container engine

Options:
      --root string        Root of all state (default "/var/lib/mydocker", env MYDOCKER_ROOT)
  -l, --log-level string   Set the logging level ("debug"|"info"|"warn"|"error") (default "warn")
  -D, --debug              Enable debug output
  -v, --version            Print version information and quit

Commands:
  run       Create and run a new container from an image
  ps        List containers
  rm        Remove one or more containers
  exec      Execute a command in a running container
  attach    Attach local standard input, output, and error streams to a running container
  inspect   Return low-level information on containers
  images    List images
  import    Import the contents from a tarball to create a filesystem image
  rmi       Remove one or more images
  version   Show the mydocker version information

Run 'mydocker COMMAND --help' for more information on a command.
`;

function parseGlobals(argv: string[]): { globals: Globals; rest: string[]; logLevel: string } {
  const globals: Globals = {
    root: process.env.MYDOCKER_ROOT || "/var/lib/mydocker",
    debug: false,
    exe: process.execPath,
  };
  let logLevel = "warn";
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    const value = (flag: string) => {
      if (a.includes("=")) return a.slice(a.indexOf("=") + 1);
      if (i + 1 >= argv.length) throw new InvalidInputError(`flag needs an argument: ${flag}`);
      return argv[++i];
    };
    if (a === "--root" || a.startsWith("--root=")) globals.root = value("--root");
    else if (a === "-l" || a === "--log-level" || a.startsWith("--log-level=")) logLevel = value("--log-level");
    else if (a === "-D" || a === "--debug") { globals.debug = true; logLevel = "debug"; }
    else if (a === "-v" || a === "--version") return { globals, rest: ["version"], logLevel };
    else if (a === "--help" || a === "-h") return { globals, rest: [], logLevel };
    else if (a.startsWith("-")) throw new InvalidInputError(`unknown flag: ${a}\nSee 'mydocker --help'.`);
    else break;
  }
  if (!globals.root.startsWith("/")) globals.root = `${process.cwd()}/${globals.root}`;
  return { globals, rest: argv.slice(i), logLevel };
}

async function resolveVerb(rest: string[]): Promise<{ verb: Verb; path: string; argv: string[] } | null> {
  if (rest.length === 0) return null;
  const two = `${rest[0]} ${rest[1] ?? ""}`;
  if (ALIASES[two]) rest = [...ALIASES[two], ...rest.slice(2)];
  const load = VERBS[rest[0]];
  if (!load) throw new InvalidInputError(`'${rest[0]}' is not a mydocker command.\nSee 'mydocker --help'`);
  let verb = (await load()).default;
  let path = rest[0];
  let argv = rest.slice(1);
  while (verb.subCommands && argv.length > 0 && !argv[0].startsWith("-")) {
    const sub = verb.subCommands[argv[0]];
    if (!sub) throw new InvalidInputError(`unknown command "${argv[0]}" for "mydocker ${path}"`);
    path = `${path} ${argv[0]}`;
    verb = (await sub()).default;
    argv = argv.slice(1);
  }
  return { verb, path, argv };
}

async function main(argv: string[]): Promise<number> {
  const { globals, rest, logLevel } = parseGlobals(argv);
  configureLog(logLevel);
  const resolved = await resolveVerb(rest);
  if (!resolved) {
    out(USAGE);
    return 0;
  }
  const { verb, path, argv: verbArgv } = resolved;
  const args = parseFlags(verbArgv, verb.args ?? {}, !!verb.stopAtFirstPositional, path);
  if (args.help || !verb.run) {
    out(renderHelp(path, verb));
    return verb.run ? 0 : 0;
  }
  if (path !== "version" && process.getuid?.() !== 0) throw new HostError("mydocker needs root");
  const code = await verb.run({ args, globals });
  return typeof code === "number" ? code : 0;
}

function report(failure: unknown): number {
  if (failure instanceof ExitStatus) return failure.code;
  if (failure instanceof MydockerError) {
    err(`mydocker: ${failure.message}\n`);
    return failure.exitCode;
  }
  const e = failure as NodeJS.ErrnoException;
  // node:fs errors already name the syscall and path: "ENOENT: no such file or directory, open '/x'"
  err(`mydocker: ${e?.message ?? String(failure)}\n`);
  if (process.env.MYDOCKER_DEBUG_STACK) err(`${e?.stack}\n`);
  return 125;
}

// A compiled binary sees [bun, /$bunfs/root/main, ...args]; `bun src/main.ts` sees [bun, main.ts, ...args].
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (failure) => process.exit(report(failure)),
);

export { VERSION };
