// The verb table. Each verb lives in its own file and is imported only when invoked, so
// `mydocker ps` does not pay for the tar code of `import`.

import type { Verb } from "./_define";

type Loader = () => Promise<{ default: Verb }>;

export const VERBS: Record<string, Loader> = {
  run: () => import("./run"),
  ps: () => import("./ps"),
  rm: () => import("./rm"),
  exec: () => import("./exec"),
  attach: () => import("./attach"),
  inspect: () => import("./inspect"),
  images: () => import("./images"),
  import: () => import("./import"),
  rmi: () => import("./rmi"),
  version: () => import("./version"),
  // hidden verbs the shim and the container's first process call back into
  _init: () => import("./_init"),
  _cleanup: () => import("./_cleanup"),
  _prestart: () => import("./_prestart"),
};

/** Docker's management-command spellings that map onto a top-level verb. */
export const ALIASES: Record<string, string[]> = {
  "container run": ["run"],
  "container ls": ["ps"],
  "container list": ["ps"],
  "container ps": ["ps"],
  "container rm": ["rm"],
  "container exec": ["exec"],
  "container attach": ["attach"],
  "container inspect": ["inspect"],
  "image ls": ["images"],
  "image list": ["images"],
  "image import": ["import"],
  "image rm": ["rmi"],
};
