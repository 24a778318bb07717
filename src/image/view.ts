// Docker-shaped views of images: the `image inspect` object and the `images` row.

import { repoDigestsOf } from "./repo-digests";
import type { Image, ImageStore } from "./store";

export function inspectImage(store: ImageStore, img: Image): Record<string, unknown> {
  const c = img.config;
  return {
    Id: img.id,
    RepoTags: img.tags,
    RepoDigests: repoDigestsOf(store.dir, img.id),
    Parent: "",
    Comment: c.history?.[c.history.length - 1]?.comment ?? "",
    Created: c.created ?? "",
    Author: c.author ?? "",
    Config: {
      Hostname: "", Domainname: "", User: c.config?.User ?? "", Env: c.config?.Env ?? null,
      Cmd: c.config?.Cmd ?? null, Entrypoint: c.config?.Entrypoint ?? null, WorkingDir: c.config?.WorkingDir ?? "",
      Labels: c.config?.Labels ?? null, ExposedPorts: c.config?.ExposedPorts, Volumes: c.config?.Volumes ?? null,
      StopSignal: c.config?.StopSignal,
    },
    Architecture: c.architecture,
    Os: c.os,
    Size: store.size(img),
    GraphDriver: { Data: { LowerDir: store.lowerDirs(img).join(":") }, Name: "overlay2" },
    RootFS: { Type: "layers", Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: "0001-01-01T00:00:00Z" },
  };
}
