// `tag SOURCE TARGET`: points TARGET (name[:tag]) at SOURCE's image; the previous holder of the
// tag, if any, becomes dangling.

import { InvalidInputError } from "../errors";
import { familiarString, parseReference } from "./reference";
import type { ImageStore } from "./store";

export function tagImage(store: ImageStore, source: string, target: string): string {
  const ref = parseReference(target);
  if (ref.digest) throw new InvalidInputError(`refusing to create a tag with a digest reference: ${target}`);
  return store.locked(() => {
    const img = store.get(source);
    store.setTag(familiarString(ref), img.id);
    return img.id;
  });
}
