// The flags of `run` and `create`, grouped by the module that gives them meaning. Each group
// lives here so `run --help` lists them in one place; the module reads its values from
// CreateOptions.raw in its `configure` hook.

import type { CreateOptions } from "../container/options";
import { bool, list, str, type Flags, type ParsedArgs } from "./_define";
import { pullFlags } from "./_flags-pull";
import { securityFlags } from "./_flags-security";
import { storageFlags } from "./_flags-storage";
import { resourceFlags } from "./_flags-resources";
import { networkFlags } from "./_flags-network";

export const coreFlags: Flags = {
  detach: { type: "boolean", alias: "d", description: "Run container in background and print container ID" },
  interactive: { type: "boolean", alias: "i", description: "Keep STDIN open even if not attached" },
  tty: { type: "boolean", alias: "t", description: "Allocate a pseudo-TTY" },
  "detach-keys": { type: "string", description: "Override the key sequence for detaching a container" },
  name: { type: "string", description: "Assign a name to the container" },
  rm: { type: "boolean", description: "Automatically remove the container when it exits" },
  env: { type: "string", alias: "e", multiple: true, description: "Set environment variables" },
  "env-file": { type: "string", multiple: true, description: "Read in a file of environment variables" },
  workdir: { type: "string", alias: "w", description: "Working directory inside the container" },
  user: { type: "string", alias: "u", description: "Username or UID (format: <name|uid>[:<group|gid>])" },
  hostname: { type: "string", alias: "h", description: "Container host name" },
  domainname: { type: "string", description: "Container NIS domain name" },
  entrypoint: { type: "string", description: "Overwrite the default ENTRYPOINT of the image" },
  label: { type: "string", alias: "l", multiple: true, description: "Set meta data on a container" },
  restart: { type: "string", description: "Restart policy to apply when a container exits", default: "no" },
  "log-driver": { type: "string", description: "Logging driver for the container (json-file)" },
  "log-opt": { type: "string", multiple: true, description: "Log driver options (max-size, max-file)" },
  "stop-signal": { type: "string", description: "Signal to stop the container" },
  "stop-timeout": { type: "string", description: "Timeout (in seconds) to stop a container" },
  network: { type: "string", alias: ["net"], description: "Connect a container to a network (none)" },
  init: { type: "boolean", description: "Run an init inside the container that forwards signals and reaps processes" },
};

export const runFlags: Flags = {
  ...coreFlags,
  ...pullFlags,
  ...storageFlags,
  ...resourceFlags,
  ...networkFlags,
  ...securityFlags,
};

export function toCreateOptions(args: ParsedArgs): CreateOptions {
  const [image, ...command] = args._;
  return {
    image,
    command,
    name: str(args, "name"),
    entrypoint: str(args, "entrypoint"),
    env: list(args, "env"),
    envFiles: list(args, "env-file"),
    workdir: str(args, "workdir"),
    user: str(args, "user"),
    hostname: str(args, "hostname"),
    domainname: str(args, "domainname"),
    network: str(args, "network"),
    autoRemove: bool(args, "rm"),
    detach: bool(args, "detach"),
    interactive: bool(args, "interactive"),
    tty: bool(args, "tty"),
    restart: str(args, "restart"),
    labels: list(args, "label"),
    logOpts: list(args, "log-opt"),
    logDriver: str(args, "log-driver"),
    readOnly: bool(args, "read-only"),
    privileged: bool(args, "privileged"),
    capAdd: list(args, "cap-add"),
    capDrop: list(args, "cap-drop"),
    securityOpt: list(args, "security-opt"),
    init: bool(args, "init"),
    stopSignal: str(args, "stop-signal"),
    stopTimeout: str(args, "stop-timeout"),
    raw: args,
  };
}
