// `mydocker inspect [-f FORMAT] [--type container|image] NAME|ID...`: a JSON array, Docker's fields.

import { ContainerStore } from "../container/store";
import { observe } from "../container/status";
import { inspectContainer } from "../container/view";
import { InvalidInputError, NotFoundError } from "../errors";
import { ImageStore } from "../image/store";
import { inspectImage } from "../image/view";
import { defineVerb, str } from "./_define";
import { printInspected } from "./_format";

export default defineVerb({
  meta: { name: "inspect", description: "Return low-level information on containers and images", usage: "[OPTIONS] NAME|ID [NAME|ID...]" },
  positionals: { min: 1 },
  args: {
    format: { type: "string", alias: "f", description: "Format output using a custom template" },
    type: { type: "string", description: "Only inspect objects of the given type (container, image)" },
    size: { type: "boolean", alias: "s", description: "Display total file sizes if the type is container" },
  },
  run({ args, globals }) {
    const type = str(args, "type");
    if (type && !["container", "image"].includes(type)) throw new InvalidInputError(`"${type}" is not a valid value for --type`);
    const containers = new ContainerStore(globals.root);
    const images = new ImageStore(globals.root);
    return printInspected(args._, str(args, "format"), (ref) => {
      if (type !== "image") {
        try {
          const id = containers.resolve(ref);
          const state = observe(containers, id);
          if (state) return inspectContainer({ config: containers.readConfig(id), state }, globals.root);
        } catch (e) {
          if (!(e instanceof NotFoundError) || type === "container") throw e;
        }
      }
      const img = images.find(ref);
      if (!img) throw new NotFoundError(`No such object: ${ref}`);
      return inspectImage(images, img);
    });
  },
});
