// The user's terminal while a CLI is attached to a -t container (run -it, attach, exec -it): raw
// mode, window sizes forwarded as "resize ROWS COLS" lines, and the terminal restored on every
// way out — a normal return, a thrown error, process.exit. Signals that would end the CLI
// (INT TERM HUP QUIT) are proxied to the container while attached, so they end it through the
// normal path; only SIGKILL leaves a raw terminal behind, as with any program.

import { InvalidInputError } from "../errors";
import { isatty } from "../sys/process";
import { makeRaw, windowSize, type WindowSize } from "../sys/tty";

/** The user's window size: stdout's terminal, else stdin's. */
export function userWindowSize(): WindowSize | null {
  return windowSize(1) ?? windowSize(0);
}

/** Docker's check: attaching stdin to a pty needs a terminal on our side. Exits 1, as Docker. */
export function assertInputIsTerminal(tty: boolean, stdin: boolean): void {
  if (tty && stdin && !isatty(0)) {
    const e = new InvalidInputError("the input device is not a TTY");
    e.exitCode = 1;
    throw e;
  }
}

export class TerminalSession {
  private restore?: () => void;
  private winch?: () => void;
  private readonly onExit = () => this.end();

  /** Raw mode on stdin when it is a terminal and the user's keys go to the container. */
  begin(stdinAttached: boolean): this {
    if (stdinAttached && isatty(0)) {
      this.restore = makeRaw(0);
      process.on("exit", this.onExit);
    }
    return this;
  }

  /** Forwards the window size now and at every SIGWINCH. */
  forwardSize(send: (size: WindowSize) => void): void {
    this.winch = () => {
      const size = userWindowSize();
      if (size) send(size);
    };
    process.on("SIGWINCH", this.winch);
    this.winch();
  }

  end(): void {
    this.restore?.();
    this.restore = undefined;
    if (this.winch) process.off("SIGWINCH", this.winch);
    this.winch = undefined;
    process.off("exit", this.onExit);
  }
}
