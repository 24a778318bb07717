// `mydocker exec [OPTIONS] CONTAINER COMMAND [ARG...]`

import { execInContainer } from "../container/exec";
import { bool, defineVerb, list, str } from "./_define";

export default defineVerb({
  meta: { name: "exec", description: "Execute a command in a running container", usage: "[OPTIONS] CONTAINER COMMAND [ARG...]" },
  positionals: { min: 2 },
  args: {
    detach: { type: "boolean", alias: "d", description: "Detached mode: run command in the background" },
    env: { type: "string", alias: "e", multiple: true, description: "Set environment variables" },
    "env-file": { type: "string", multiple: true, description: "Read in a file of environment variables" },
    interactive: { type: "boolean", alias: "i", description: "Keep STDIN open even if not attached" },
    privileged: { type: "boolean", description: "Give extended privileges to the command" },
    tty: { type: "boolean", alias: "t", description: "Allocate a pseudo-TTY" },
    user: { type: "string", alias: "u", description: "Username or UID (format: <name|uid>[:<group|gid>])" },
    workdir: { type: "string", alias: "w", description: "Working directory inside the container" },
  },
  stopAtFirstPositional: true,
  run({ args, globals }) {
    const [container, ...command] = args._;
    return execInContainer(globals, {
      container, command,
      detach: bool(args, "detach"),
      interactive: bool(args, "interactive"),
      tty: bool(args, "tty"),
      env: list(args, "env"),
      envFiles: list(args, "env-file"),
      workdir: str(args, "workdir"),
      user: str(args, "user"),
      privileged: bool(args, "privileged"),
    });
  },
});
