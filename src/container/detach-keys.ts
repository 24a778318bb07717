// Docker's --detach-keys grammar: a comma-separated list of single characters or "ctrl-X"
// (X in a-z @ [ \ ] ^ _). The default, ctrl-p,ctrl-q, is what `run -it` and `attach` honour.

import { InvalidInputError } from "../errors";

export const DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q";

const CTRL_SPECIAL: Record<string, number> = { "@": 0, "[": 27, "\\": 28, "]": 29, "^": 30, _: 31 };

/** The key sequence as bytes; throws InvalidInputError on a key Docker would refuse. */
export function parseDetachKeys(spec: string): number[] {
  const out: number[] = [];
  for (const key of spec.split(",")) {
    if (key.length === 1) { out.push(key.charCodeAt(0)); continue; }
    const m = /^ctrl-(.)$/.exec(key);
    const c = m?.[1];
    if (c && c >= "a" && c <= "z") out.push(c.charCodeAt(0) - 96);
    else if (c !== undefined && c in CTRL_SPECIAL) out.push(CTRL_SPECIAL[c]);
    else throw new InvalidInputError(`invalid detach keys (${spec}) provided: unknown character: '${key}'`);
  }
  if (out.length === 0 || out.length > 16) throw new InvalidInputError(`invalid detach keys (${spec}) provided`);
  return out;
}

/** The form the monitor takes on argv and on attach.sock: "16,17". */
export function detachKeysArg(spec: string | undefined): string {
  return parseDetachKeys(spec ?? DEFAULT_DETACH_KEYS).join(",");
}
