// Docker's --sig-proxy: signals sent to a foreground CLI go to the container's process. The
// handlers are installed before the container can run (or print "ready"), so a signal that
// arrives while it starts is queued and delivered once the pid is known, never lost or fatal.

import { kill } from "../sys/process";

const PROXIED: [NodeJS.Signals, number][] = [
  ["SIGINT", 2], ["SIGTERM", 15], ["SIGHUP", 1], ["SIGQUIT", 3], ["SIGUSR1", 10], ["SIGUSR2", 12],
];

export class SignalProxy {
  private target = 0;
  private pending: number[] = [];
  private handlers: [NodeJS.Signals, () => void][] = [];

  constructor() {
    for (const [name, num] of PROXIED) {
      const h = () => this.deliver(num);
      process.on(name, h);
      this.handlers.push([name, h]);
    }
  }

  private deliver(sig: number): void {
    if (this.target) kill(this.target, sig);
    else this.pending.push(sig);
  }

  setTarget(pid: number): void {
    this.target = pid;
    for (const s of this.pending.splice(0)) kill(pid, s);
  }

  stop(): void {
    for (const [name, h] of this.handlers) process.off(name, h);
    this.handlers = [];
  }
}
