// `mydocker attach [OPTIONS] CONTAINER`

import { attachContainer } from "../container/attach-client";
import { bool, defineVerb, str } from "./_define";

export default defineVerb({
  meta: { name: "attach", description: "Attach local standard input, output, and error streams to a running container", usage: "[OPTIONS] CONTAINER" },
  positionals: { min: 1, max: 1 },
  args: {
    "detach-keys": { type: "string", description: "Override the key sequence for detaching a container" },
    "no-stdin": { type: "boolean", description: "Do not attach STDIN" },
    "sig-proxy": { type: "boolean", default: true, description: "Proxy all received signals to the process" },
  },
  run({ args, globals }) {
    return attachContainer(globals, {
      container: args._[0],
      noStdin: bool(args, "no-stdin"),
      sigProxy: bool(args, "sig-proxy"),
      detachKeys: str(args, "detach-keys"),
    });
  },
});
