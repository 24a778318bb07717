// Renaming claims the new name first (O_EXCL, so a race with `run --name` has one winner), then
// rewrites the record under its lock, then frees the old name.

import type { Globals } from "../commands/_define";
import { InvalidInputError } from "../errors";
import { loadModules } from "./modules";
import { validateName } from "./names";
import { ContainerStore } from "./store";

export async function renameContainer(globals: Globals, ref: string, newName: string): Promise<void> {
  const store = new ContainerStore(globals.root);
  const id = store.resolve(ref);
  const name = validateName(newName);
  const modules = await loadModules();
  await store.lockedAsync(id, async () => {
    const config = store.readConfig(id);
    if (config.Name === name) throw new InvalidInputError(`Renaming a container with the same name as its current name`);
    store.claimName(id, name);
    const old = config.Name;
    config.Name = name;
    try {
      store.writeConfig(config);
    } catch (e) {
      store.releaseName(name, id);
      throw e;
    }
    store.releaseName(old, id);
    // network peers know it by name (hosts files, endpoint records)
    for (const m of modules) await m.rename?.(config, { globals, store });
  });
}
