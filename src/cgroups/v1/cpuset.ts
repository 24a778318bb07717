// v1 cpuset: cpuset.cpus and cpuset.mems. A new v1 cpuset cgroup starts with both empty and
// refuses every task ("no space left on device", the book's bug) until they are set, so each
// level from the hierarchy root down is given its parent's values when it has none.

import { readLine } from "../files";
import type { V1Controller } from "./controller";

export const cpuset: V1Controller = {
  name: "cpuset",
  init(fs, mountpoint, relPath) {
    let parent = mountpoint;
    for (const segment of relPath.split("/")) {
      const dir = `${parent}/${segment}`;
      for (const file of ["cpuset.cpus", "cpuset.mems"]) {
        if (readLine(fs, `${dir}/${file}`) === "") fs.write(`${dir}/${file}`, readLine(fs, `${parent}/${file}`));
      }
      parent = dir;
    }
  },
  set(fs, dir, r) {
    // mems first: a task may not be left with CPUs but no memory node
    if (r.cpusetMems) fs.write(`${dir}/cpuset.mems`, r.cpusetMems);
    if (r.cpusetCpus) fs.write(`${dir}/cpuset.cpus`, r.cpusetCpus);
  },
};
