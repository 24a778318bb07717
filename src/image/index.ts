// The image module's door: the store, references, import.
export { ImageStore, hostArchitecture, type Image, type ImageConfig, type ContainerSettings } from "./store";
export { parseReference, familiarName, familiarString, splitTagKey } from "./reference";
export { importImage } from "./import";
export { applyChanges } from "./changes";
