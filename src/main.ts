// mydocker's entry point: global flags, verb dispatch, and the only place that prints an error
// and chooses the exit code (125 for mydocker's own failures, the container's code otherwise).

import { ALIASES, VERBS } from "./commands";
import { positionalsError, type Globals, type Verb } from "./commands/_define";
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
      --insecure-registry list  Registry reached over HTTP or unverified TLS (loopback always is)
  -v, --version            Print version information and quit

Common Commands:
  run       Create and run a new container from an image
  ps        List containers
  exec      Execute a command in a running container
  images    List images
  import    Import the contents from a tarball to create a filesystem image
  pull      Download an image from a registry
  push      Upload an image to a registry

Management Commands:
  container Manage containers
  image     Manage images
  network   Manage networks
  system    Manage mydocker
  volume    Manage volumes

Commands:
  attach    Attach local standard input, output, and error streams to a running container
  commit    Create a new image from a container's changes
  cp        Copy files/folders between a container and the local filesystem
  create    Create a new container
  diff      Inspect changes to files or directories on a container's filesystem
  export    Export a container's filesystem as a tar archive
  history   Show the history of an image
  info      Display system-wide information
  inspect   Return low-level information on containers and images
  kill      Kill one or more running containers
  load      Load an image from a tar archive or STDIN
  login     Log in to a registry
  logout    Log out from a registry
  logs      Fetch the logs of a container
  pause     Pause all processes within one or more containers
  port      List port mappings or a specific mapping for the container
  rename    Rename a container
  restart   Restart one or more containers
  rm        Remove one or more containers
  rmi       Remove one or more images
  save      Save one or more images to a tar archive (streamed to STDOUT by default)
  start     Start one or more stopped containers
  stats     Display a live stream of container(s) resource usage statistics
  stop      Stop one or more running containers
  tag       Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
  top       Display the running processes of a container
  unpause   Unpause all processes within one or more containers
  update    Update configuration of one or more containers
  version   Show the mydocker version information
  wait      Block until one or more containers stop, then print their exit codes

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
    else if (a === "--insecure-registry" || a.startsWith("--insecure-registry=")) (globals.insecureRegistries ??= []).push(value("--insecure-registry"));
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
  stackTraces = logLevel === "debug";
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
  const wrongCount = positionalsError(path, args._.length, verb.positionals);
  if (wrongCount) throw new InvalidInputError(wrongCount);
  if (path !== "version" && process.getuid?.() !== 0) throw new HostError("mydocker needs root");
  const code = await verb.run({ args, globals });
  return typeof code === "number" ? code : 0;
}

/** -D / --log-level debug, once parsed: errors then print their stack too. */
let stackTraces = false;

function report(failure: unknown, debug: boolean): number {
  if (failure instanceof ExitStatus) return failure.code;
  if (failure instanceof MydockerError) {
    err(`mydocker: ${failure.message}\n`);
    if (debug) err(`${failure.stack}\n`);
    return failure.exitCode;
  }
  const e = failure as NodeJS.ErrnoException;
  // node:fs errors already name the syscall and path: "ENOENT: no such file or directory, open '/x'"
  err(`mydocker: ${e?.message ?? String(failure)}\n`);
  if (debug) err(`${e?.stack}\n`);
  return 125;
}

// A compiled binary sees [bun, /$bunfs/root/main, ...args]; `bun src/main.ts` sees [bun, main.ts, ...args].
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (failure) => process.exit(report(failure, stackTraces)),
);

export { VERSION };
