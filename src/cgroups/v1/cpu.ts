// v1 cpu: cpu.shares (relative weight) and the CFS bandwidth pair cpu.cfs_period_us /
// cpu.cfs_quota_us.

import type { V1Controller } from "./controller";

export const cpu: V1Controller = {
  name: "cpu",
  set(fs, dir, r) {
    if (r.cpuShares) fs.write(`${dir}/cpu.shares`, String(r.cpuShares));
    // the period first: the kernel checks a quota against the period in force
    if (r.cpuPeriod) fs.write(`${dir}/cpu.cfs_period_us`, String(r.cpuPeriod));
    if (r.cpuQuota) fs.write(`${dir}/cpu.cfs_quota_us`, String(r.cpuQuota));
  },
};
