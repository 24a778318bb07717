// v1 blkio: the I/O weight (CFQ's blkio.weight, or BFQ's blkio.bfq.weight on kernels without
// CFQ) and bytes read/written, counted at the throttle layer so every device and scheduler shows.

import type { CgroupFs } from "../files";
import type { V1Controller } from "./controller";

/** Sums the Read and Write lines ("8:0 Read 4096") of a blkio io_service_bytes file. */
export function sumServiceBytes(text: string): { read: number; write: number } {
  let read = 0, write = 0;
  for (const line of text.split("\n")) {
    const [dev, op, value] = line.split(" ");
    if (!dev?.includes(":")) continue;
    if (op === "Read") read += Number(value);
    else if (op === "Write") write += Number(value);
  }
  return { read, write };
}

function weightFile(fs: CgroupFs, dir: string): string {
  return fs.exists(`${dir}/blkio.weight`) ? `${dir}/blkio.weight` : `${dir}/blkio.bfq.weight`;
}

export const blkio: V1Controller = {
  name: "blkio",
  set(fs, dir, r) {
    if (r.blkioWeight) fs.write(weightFile(fs, dir), String(r.blkioWeight));
  },
  stats(fs, dir, s) {
    const { read, write } = sumServiceBytes(fs.readOptional(`${dir}/blkio.throttle.io_service_bytes_recursive`) ?? "");
    s.blockRead = read;
    s.blockWrite = write;
  },
};
