// `run`/`create --pull missing|always|never`: finds the image, pulling it first when the policy
// says so. Light on purpose (run's hot path imports it); the registry code loads only for a pull.

import type { Globals } from "../commands/_define";
import { InvalidInputError, NotFoundError } from "../errors";
import { err } from "../output";
import type { Image, ImageStore } from "./store";

export type PullPolicy = "missing" | "always" | "never";

export function parsePullPolicy(v: unknown): PullPolicy {
  if (v === undefined || v === "" || v === "missing") return "missing";
  if (v === "always" || v === "never") return v;
  throw new InvalidInputError(`invalid pull option: '${String(v)}': must be one of "always", "missing" or "never"`);
}

/** The image a container will run, pulled per the policy; raw holds the --pull and --platform values. */
export async function imageForRun(globals: Globals, store: ImageStore, name: string, raw: Record<string, unknown>): Promise<Image> {
  const policy = parsePullPolicy(raw.pull);
  const platform = typeof raw.platform === "string" && raw.platform !== "" ? raw.platform : undefined;
  if (platform) (await import("./registry/manifest")).parsePlatform(platform);
  const local = policy === "always" ? undefined : store.find(name);
  if (local) return local;
  const { parseReference, familiarString } = await import("./reference");
  const shown = familiarString(parseReference(name));
  if (policy === "never") throw new NotFoundError(`Unable to find image '${shown}' locally`);
  if (policy === "missing") err(`Unable to find image '${shown}' locally\n`);
  // as `pull` does: the manifest request goes out before the rest of the pull's code loads
  const { startPull } = await import("./pull-start");
  const start = startPull(name, globals.insecureRegistries);
  const { pullWithOutput } = await import("./pull-output");
  const r = await pullWithOutput(globals, name, { platform, statusLine: true, start });
  return store.get(r.id);
}
