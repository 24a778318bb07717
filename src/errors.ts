// The error vocabulary of mydocker. Code throws these at the site of failure; only src/main.ts
// prints them (one line, lowercase, naming the object and the operation) and picks the exit code.

/** Exit codes of the Docker CLI contract. */
export const EXIT_MYDOCKER_FAILED = 125;
export const EXIT_CANNOT_INVOKE = 126;
export const EXIT_NOT_FOUND = 127;

export class MydockerError extends Error {
  /** Process exit status when this error ends the CLI. */
  exitCode = EXIT_MYDOCKER_FAILED;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A libc call failed; message reads "mount overlay on /x: EINVAL (invalid argument)". */
export class SyscallError extends MydockerError {
  constructor(
    readonly syscall: string,
    readonly errno: number,
    readonly errnoName: string,
    readonly detail: string,
    readonly path?: string,
  ) {
    super(`${syscall}${path ? " " + path : ""}: ${errnoName} (${detail})`);
  }
}

/** Bad flag, malformed value, missing argument. */
export class InvalidInputError extends MydockerError {}

/** No such container, image, network or volume. */
export class NotFoundError extends MydockerError {}

/** Name in use, container running, image in use. */
export class ConflictError extends MydockerError {}

/** The host lacks something (root, overlayfs, iptables). */
export class HostError extends MydockerError {}

/** The container's own command could not be run: exit 126 or 127 like Docker. */
export class ContainerCommandError extends MydockerError {
  constructor(message: string, code: number) {
    super(message);
    this.exitCode = code;
  }
}

/** Carries a plain exit status out of a command (the container's own code) without a message. */
export class ExitStatus extends Error {
  constructor(readonly code: number) {
    super(`exit status ${code}`);
  }
}
