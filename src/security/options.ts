// `--security-opt` values, with Docker's spellings: KEY=VALUE or the older KEY:VALUE.
//   seccomp=unconfined | builtin | PROFILE.json     no-new-privileges[=true|false]
//   systempaths=unconfined (no masked or read-only /proc and /sys paths)
//   apparmor=unconfined, label=disable: accepted (mydocker applies neither AppArmor nor SELinux)

import { InvalidInputError } from "../errors";

export interface SecurityOptions {
  /** "" = Docker's default profile; "unconfined"; or a profile file's path. */
  seccomp: string;
  noNewPrivileges: boolean;
  unmaskSystemPaths: boolean;
}

export function parseSecurityOpts(values: string[]): SecurityOptions {
  const out: SecurityOptions = { seccomp: "", noNewPrivileges: false, unmaskSystemPaths: false };
  for (const raw of values) {
    const opt = raw.trim();
    if (opt === "no-new-privileges") { out.noNewPrivileges = true; continue; }
    const m = /^([a-z-]+)[=:](.*)$/.exec(opt);
    if (!m) throw new InvalidInputError(`invalid --security-opt: "${raw}"`);
    const [, key, value] = m;
    switch (key) {
      case "seccomp":
        if (value === "") throw new InvalidInputError(`invalid --security-opt: "${raw}": seccomp needs "unconfined" or a profile file`);
        out.seccomp = value === "builtin" ? "" : value;
        break;
      case "no-new-privileges":
        if (!["true", "false"].includes(value)) throw new InvalidInputError(`invalid --security-opt: "${raw}": no-new-privileges takes true or false`);
        out.noNewPrivileges = value === "true";
        break;
      case "systempaths":
        if (value !== "unconfined") throw new InvalidInputError(`invalid --security-opt: "${raw}": systempaths takes only "unconfined"`);
        out.unmaskSystemPaths = true;
        break;
      case "apparmor":
        if (value !== "unconfined") throw new InvalidInputError(`--security-opt ${raw}: AppArmor profiles are not supported by mydocker`);
        break;
      case "label":
        if (value !== "disable") throw new InvalidInputError(`--security-opt ${raw}: SELinux labels are not supported by mydocker`);
        break;
      default:
        throw new InvalidInputError(`invalid --security-opt: "${raw}"`);
    }
  }
  return out;
}
