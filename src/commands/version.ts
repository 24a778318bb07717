// `mydocker version` / `--version`: Docker prints "Docker version X, build Y".

import { defineVerb } from "./_define";
import { VERSION } from "../version";
import { out } from "../output";

export default defineVerb({
  meta: { name: "version", description: "Show the mydocker version information" },
  args: { format: { type: "string", alias: ["f"], description: "Format the output (json)" } },
  run({ args }) {
    if (args.format === "json") out(JSON.stringify({ Version: VERSION, Os: "linux", Arch: process.arch === "x64" ? "amd64" : process.arch }) + "\n");
    else out(`mydocker version ${VERSION}\n`);
  },
});
