// v1 cpuacct: CPU time used by the cgroup (cpuacct.usage, ns). Mounted alone on some hosts and
// together with cpu on others; either way the manager hands it the right directory.

import { readNumber } from "../files";
import type { V1Controller } from "./controller";

export const cpuacct: V1Controller = {
  name: "cpuacct",
  stats(fs, dir, s) {
    s.cpuUsageNs = readNumber(fs, `${dir}/cpuacct.usage`) ?? 0;
  },
};
