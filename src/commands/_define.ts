// How a verb is declared: citty's defineCommand shape (meta, args, run) plus what Docker's flag
// grammar needs and citty's parser lacks: repeatable flags, hidden aliases, and flags that stop
// at the first positional (`run IMAGE ls -la`: -la belongs to the container's command).

import type { CommandMeta } from "citty";

export interface Flag {
  type: "string" | "boolean" | "positional";
  description?: string;
  /** Short letters and other long names, e.g. ["m"] or ["net"]. */
  alias?: string | string[];
  default?: string | boolean;
  valueHint?: string;
  required?: boolean;
  /** Repeatable (-e A -e B): parsed to string[]. */
  multiple?: boolean;
  /** Accepted but not listed in --help (the seed's old spellings). */
  hidden?: boolean;
}

export type Flags = Record<string, Flag>;

/** What the CLI knows before a verb runs: the global flags. Passed down, never global state. */
export interface Globals {
  root: string;
  debug: boolean;
  /** Absolute path of this mydocker executable (the monitor calls it back for cleanup). */
  exe: string;
  /** --insecure-registry: registries reached over plain HTTP or unverified TLS (loopback always is). */
  insecureRegistries?: string[];
}

export interface ParsedArgs {
  /** Positionals in order. */
  _: string[];
  [flag: string]: string | boolean | string[] | undefined;
}

export interface VerbContext {
  args: ParsedArgs;
  globals: Globals;
}

export interface Verb {
  meta: CommandMeta & { usage?: string; hidden?: boolean };
  args?: Flags;
  /** How many positionals the verb takes (Docker's "requires at least/exactly N argument(s)"). */
  positionals?: { min?: number; max?: number };
  /** Docker's SetInterspersed(false): flags end at the first positional. */
  stopAtFirstPositional?: boolean;
  /** Sub-verbs (`network create`), loaded lazily so a verb pays only for its own imports. */
  subCommands?: Record<string, () => Promise<{ default: Verb }>>;
  /** Returns the process exit status (0 when undefined). */
  run?: (ctx: VerbContext) => Promise<number | void> | number | void;
}

/** The identity, for types: a verb's meta keeps citty's CommandMeta shape. citty itself is not
 *  loaded at run time (its module costs every invocation, and our own parser does the work). */
export function defineVerb(verb: Verb): Verb {
  return verb;
}

// Typed accessors for parsed flags (they live beside CreateOptions, whose `raw` modules read too).
export { bool, list, str } from "../container/options";

/** Docker's wording for a wrong number of positionals, or null when the count is fine. */
export function positionalsError(path: string, n: number, rule: { min?: number; max?: number } | undefined): string | null {
  if (!rule) return null;
  const min = rule.min ?? 0, max = rule.max ?? Infinity;
  if (n >= min && n <= max) return null;
  const s = (k: number) => `${k} argument${k === 1 ? "" : "s"}`;
  if (max === 0) return `"mydocker ${path}" accepts no arguments.\nSee 'mydocker ${path} --help'.`;
  const what = min === max ? `exactly ${s(min)}`
    : max === Infinity ? `at least ${s(min)}`
    : min === 0 ? `at most ${s(max)}`
    : `at least ${min} and at most ${s(max)}`;
  return `"mydocker ${path}" requires ${what}.\nSee 'mydocker ${path} --help'.`;
}
