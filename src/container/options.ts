// What a user asked for on `run`/`create`, already parsed from flags but not yet validated
// against the host or the image. create.ts turns it into a ContainerConfig.

export interface CreateOptions {
  image: string;
  command: string[];          // COMMAND ARG... after IMAGE
  name?: string;
  entrypoint?: string;        // --entrypoint ("" clears the image's)
  env: string[];              // -e
  envFiles: string[];         // --env-file
  workdir?: string;
  user?: string;
  hostname?: string;
  domainname?: string;
  network?: string;           // --network/--net
  autoRemove: boolean;        // --rm
  detach: boolean;
  interactive: boolean;       // -i
  tty: boolean;               // -t
  restart?: string;           // --restart
  labels: string[];
  logOpts: string[];          // --log-opt max-size=…
  logDriver?: string;
  readOnly: boolean;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  init: boolean;
  stopSignal?: string;
  stopTimeout?: string;
  /** Flags owned by other modules (cgroups, network, volumes) keep their raw values here. */
  raw: Record<string, string | boolean | string[] | undefined>;
}

type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** Typed accessors for parsed flag values (a verb's args, or CreateOptions.raw in a module). */
export function str(args: FlagValues, name: string): string | undefined {
  const v = args[name];
  return typeof v === "string" ? v : undefined;
}

export function list(args: FlagValues, name: string): string[] {
  const v = args[name];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

export function bool(args: FlagValues, name: string): boolean {
  return args[name] === true;
}
