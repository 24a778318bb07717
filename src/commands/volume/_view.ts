// The Docker shape of a volume: anonymous ones carry Docker's com.docker.volume.anonymous label.

import type { Volume } from "../../storage/volumes";

export function volumeView(v: Volume): Record<string, unknown> {
  const labels = v.Anonymous ? { ...(v.Labels ?? {}), "com.docker.volume.anonymous": "" } : v.Labels;
  return { CreatedAt: v.CreatedAt, Driver: v.Driver, Labels: labels, Mountpoint: v.Mountpoint, Name: v.Name, Options: v.Options, Scope: v.Scope };
}
