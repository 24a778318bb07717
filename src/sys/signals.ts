// Signal names and numbers (Linux x86_64/aarch64), for `kill -s`, StopSignal and 128+N exits.

const SIGNALS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
  SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19,
  TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28,
  IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

export const SIGKILL = 9, SIGTERM = 15, SIGINT = 2, SIGHUP = 1, SIGQUIT = 3, SIGWINCH = 28;

/** Parses "TERM", "SIGTERM", "sigterm", "15" or "RTMIN+3"; returns null when unknown. */
export function parseSignal(input: string): number | null {
  const s = input.trim().toUpperCase().replace(/^SIG/, "");
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n >= 1 && n <= 64 ? n : null;
  }
  if (s in SIGNALS) return SIGNALS[s];
  const rt = /^RTMIN(?:\+(\d+))?$/.exec(s);
  if (rt) { const n = 34 + Number(rt[1] ?? 0); return n <= 64 ? n : null; }
  const rtmax = /^RTMAX(?:-(\d+))?$/.exec(s);
  if (rtmax) { const n = 64 - Number(rtmax[1] ?? 0); return n >= 34 ? n : null; }
  return null;
}

export function signalName(n: number): string {
  for (const [name, num] of Object.entries(SIGNALS)) if (num === n) return "SIG" + name;
  return `SIG${n}`;
}
