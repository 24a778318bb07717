// Renaming claims the new name first (O_EXCL, so a race with `run --name` has one winner), then
// rewrites the record under its lock, then frees the old name.

import type { Globals } from "../commands/_define";
import { InvalidInputError } from "../errors";
import { validateName } from "./names";
import { ContainerStore } from "./store";

export function renameContainer(globals: Globals, ref: string, newName: string): void {
  const store = new ContainerStore(globals.root);
  const id = store.resolve(ref);
  const name = validateName(newName);
  store.locked(id, () => {
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
  });
}
