// The verb table. Each verb lives in its own file and is imported only when invoked, so
// `mydocker ps` does not pay for the tar code of `import`.

import type { Verb } from "./_define";

type Loader = () => Promise<{ default: Verb }>;

export const VERBS: Record<string, Loader> = {
  run: () => import("./run"),
  ps: () => import("./ps"),
  rm: () => import("./rm"),
  inspect: () => import("./inspect"),
  images: () => import("./images"),
  import: () => import("./import"),
  rmi: () => import("./rmi"),
  version: () => import("./version"),
  create: () => import("./create"),
  start: () => import("./start"),
  stop: () => import("./stop"),
  restart: () => import("./restart"),
  kill: () => import("./kill"),
  wait: () => import("./wait"),
  logs: () => import("./logs"),
  top: () => import("./top"),
  rename: () => import("./rename"),
  container: () => import("./container"),
  network: () => import("./network"),
  port: () => import("./port"),
  // hidden verbs the shim and the container's first process call back into
  _init: () => import("./_init"),
  _cleanup: () => import("./_cleanup"),
  _prestart: () => import("./_prestart"),
  "_network-gc": () => import("./_network-gc"),
};

/** Docker's management-command spellings that map onto a top-level verb. */
export const ALIASES: Record<string, string[]> = {
  "container run": ["run"],
  "container ls": ["ps"],
  "container list": ["ps"],
  "container ps": ["ps"],
  "container rm": ["rm"],
  "container inspect": ["inspect"],
  "container create": ["create"],
  "container start": ["start"],
  "container stop": ["stop"],
  "container restart": ["restart"],
  "container kill": ["kill"],
  "container wait": ["wait"],
  "container logs": ["logs"],
  "container top": ["top"],
  "container rename": ["rename"],
  "image ls": ["images"],
  "image list": ["images"],
  "image import": ["import"],
  "image rm": ["rmi"],
  "container port": ["port"],
};
