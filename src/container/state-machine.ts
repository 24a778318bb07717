// The container state machine: which operation each state accepts, in one table.
//
//   created ──start──▶ running ──exit──▶ exited ──start──▶ running
//                        │  ▲                │
//                  exit+policy│restart       rm
//                        ▼  │                ▼
//                     restarting          (gone)
//   running ──pause──▶ paused ──unpause──▶ running   (stop, kill, rm -f: thawed after the signal)
// rm -f works from every state; `dead` is a record whose cleanup failed.

import { ConflictError } from "../errors";
import type { Status } from "./record";

export type Operation = "start" | "stop" | "kill" | "remove" | "forceRemove" | "exec" | "attach" | "commit" | "restart" | "wait" | "update" | "pause" | "unpause";

const ALLOWED: Record<Operation, Status[]> = {
  start: ["created", "exited"],
  stop: ["running", "restarting", "created", "exited"],
  kill: ["running", "restarting", "paused"],
  remove: ["created", "exited", "dead"],
  forceRemove: ["created", "running", "restarting", "exited", "dead", "removing", "paused"],
  exec: ["running"],
  attach: ["running"],
  commit: ["created", "running", "exited", "paused"],
  restart: ["created", "running", "restarting", "exited"],
  wait: ["created", "running", "restarting", "exited", "dead", "paused"],
  update: ["created", "running", "exited", "paused", "restarting"],
  pause: ["running"],
  unpause: ["paused"],
};

export function can(op: Operation, status: Status): boolean {
  return ALLOWED[op].includes(status);
}

const REASONS: Partial<Record<Operation, (name: string, status: Status) => string>> = {
  remove: (n, s) => `cannot remove container "${n}": container is ${s}: stop the container before removing or force remove`,
  exec: (n, s) => s === "paused" ? `container ${n} is paused, unpause the container first` : `container ${n} is not running${s === "restarting" ? " (restarting)" : ""}`,
  kill: (n) => `cannot kill container: ${n}: container is not running`,
  start: (n, s) => s === "paused" ? `cannot start a paused container ${n}, try unpause instead` : `container ${n} is already ${s}`,
  attach: (n, s) => s === "paused" ? `you cannot attach to a paused container, unpause it first: ${n}` : `you cannot attach to a stopped container, start it first: ${n}`,
  pause: (n, s) => s === "paused" ? `container ${n} is already paused` : s === "restarting" ? `container ${n} is restarting, wait until the container is running` : `container ${n} is not running`,
  unpause: (n) => `container ${n} is not paused`,
};

export function assertCan(op: Operation, status: Status, name: string): void {
  if (can(op, status)) return;
  const reason = REASONS[op]?.(name, status) ?? `cannot ${op} container ${name} in state ${status}`;
  throw new ConflictError(reason);
}
