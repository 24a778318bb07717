// v1 pids: pids.max ("max" = unlimited) and the count of tasks, pids.current.

import { readNumber } from "../files";
import type { V1Controller } from "./controller";

export const pids: V1Controller = {
  name: "pids",
  set(fs, dir, r) {
    if (r.pidsLimit) fs.write(`${dir}/pids.max`, r.pidsLimit > 0 ? String(r.pidsLimit) : "max");
  },
  stats(fs, dir, s) {
    s.pids = readNumber(fs, `${dir}/pids.current`) ?? s.pids;
  },
};
