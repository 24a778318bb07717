// The cgroups module's part in a container's life (see modules.ts):
//   configure  parse and check the resource flags, fill HostConfig (Memory, NanoCpus, …)
//   prepare    where the container's cgroup will be: the cgroup.procs files _init joins right
//              before execve (Runtime.cgroupProcs: also what `exec` joins), the file the monitor
//              reads OOM kills from (DIR/oom-file), and the cgroups that neither charge nor
//              restrict the runtime's start-up (Extensions.cgroupEarlyProcs)
//   setup      make the cgroup in every hierarchy and write its limits (while init boots)
//   attach     place the new process at once in the early cgroups
//   release    remove the cgroup and the `mydocker` parents it leaves empty
// The cgroup is reopened later (stats, update, release) from Extensions.cgroup, not re-derived.

import {
  cgroupRecord, emptyResourceConfig, hostLayout, hostSupport, normalizeCgroupParent, openCgroup,
  parseResourceFlags, RESOURCE_FLAG_NAMES, toResources, verifyResources, type CgroupRecord, type ResourceConfig,
  type ResourceFlagValues,
} from "../cgroups";
import { rmSync, writeFileSync } from "node:fs";
import { err } from "../output";
import type { ContainerModule } from "./modules";
import type { ContainerConfig, HostConfig } from "./record";

/** The parent of every container's cgroup unless --cgroup-parent says otherwise. */
export const DEFAULT_CGROUP_PARENT = "mydocker";

/** What prepare records: where the cgroup is, and which parents release may remove when empty. */
export interface ContainerCgroup extends CgroupRecord {
  prune: string[];
}

export function containerCgroup(config: ContainerConfig): ContainerCgroup | undefined {
  return config.Extensions.cgroup as ContainerCgroup | undefined;
}

/** The resource fields of a HostConfig. */
export function resourceConfigOf(hc: HostConfig): ResourceConfig {
  const rc = emptyResourceConfig();
  for (const k of Object.keys(rc) as (keyof ResourceConfig)[]) (rc as any)[k] = hc[k] ?? rc[k];
  return rc;
}

/** The resource flags among parsed args, by long name. */
export function resourceFlagValues(raw: Record<string, unknown>): ResourceFlagValues {
  const out: Record<string, string> = {};
  for (const name of RESOURCE_FLAG_NAMES) if (typeof raw[name] === "string") out[name] = raw[name] as string;
  return out as ResourceFlagValues;
}

/** Where a container's cgroup goes (--cgroup-parent as given, or mydocker's own parent). */
export function plannedCgroup(parentFlag: string, id: string): { record: CgroupRecord; prune: string[] } {
  const parent = normalizeCgroupParent(parentFlag) || DEFAULT_CGROUP_PARENT;
  return { record: cgroupRecord(hostLayout(), `${parent}/${id}`), prune: parent === DEFAULT_CGROUP_PARENT ? [DEFAULT_CGROUP_PARENT] : [] };
}

export function printWarnings(warnings: string[]): void {
  for (const w of warnings) err(`WARNING: ${w}\n`);
}

export const cgroupModule: ContainerModule = {
  name: "cgroups",

  configure(opts, config) {
    const rc = { ...emptyResourceConfig(), ...parseResourceFlags(resourceFlagValues(opts.raw)) };
    const parent = typeof opts.raw["cgroup-parent"] === "string" ? opts.raw["cgroup-parent"] : "";
    normalizeCgroupParent(parent);
    const warnings = verifyResources(rc, hostSupport());
    Object.assign(config.HostConfig, rc);
    config.HostConfig.CgroupParent = parent;
    printWarnings(warnings);
  },

  prepare(config, ctx) {
    const { record, prune } = plannedCgroup(config.HostConfig.CgroupParent, config.Id);
    const cgroup = openCgroup(record);
    config.Extensions.cgroup = { ...record, prune } satisfies ContainerCgroup;
    config.Runtime.cgroupProcs = cgroup.procsFiles();
    // attach places the new process in these at once, while init is still starting: the
    // kernel's first-migration wait (an RCU grace period, up to ~10 ms here) then overlaps init's
    // start-up. Controllers with a limit are joined by init right before execve, so the
    // runtime's own start-up is neither charged to nor stopped by them; devices always wait.
    const h = config.HostConfig;
    const unlimited = new Set<string>();
    if (!h.Memory && !h.MemoryReservation && (!h.MemorySwap || h.MemorySwap === -1)) unlimited.add("memory");
    if (!h.PidsLimit || h.PidsLimit < 0) unlimited.add("pids");
    if (!h.CpuQuota && !h.NanoCpus) unlimited.add("cpu");
    config.Extensions.cgroupEarlyProcs = cgroup.earlyProcsFiles(unlimited);
    // the monitor reads it when the container exits (and before a restart), not at its spawn:
    // `run` spawns it before this path is worked out (early-start.ts)
    const oomFile = cgroup.oomFile();
    const file = `${ctx.store.containerDir(config.Id)}/oom-file`;
    if (oomFile) writeFileSync(file, oomFile);
    else rmSync(file, { force: true });
  },

  setup(config) {
    const rec = containerCgroup(config)!;
    const cgroup = openCgroup(rec);
    try {
      for (const rel of cgroup.create()) if (!rec.prune.includes(rel)) rec.prune.push(rel);
      cgroup.set(toResources(resourceConfigOf(config.HostConfig)));
    } catch (e) {
      try { cgroup.destroy(rec.prune); } catch { /* the first error is the one to report */ }
      throw e;
    }
  },

  attach(config, pid) {
    // best effort: init joins every cgroup itself before execve and reports what fails
    for (const f of (config.Extensions.cgroupEarlyProcs as string[] | undefined) ?? []) {
      try { writeFileSync(f, String(pid)); } catch { /* init reports it */ }
    }
  },

  release(config) {
    const rec = containerCgroup(config);
    if (rec) openCgroup(rec).destroy(rec.prune);
  },
};
