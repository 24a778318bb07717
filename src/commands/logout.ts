// `mydocker logout [SERVER]`: forgets the stored credentials for a registry (Docker Hub by default).

import { out } from "../output";
import { defineVerb } from "./_define";
import { serverDomain } from "./login";

export default defineVerb({
  meta: { name: "logout", description: "Log out from a registry", usage: "[SERVER]" },
  positionals: { max: 1 },
  args: {},
  async run({ args }) {
    const { authKey } = await import("../image/registry/auth");
    const { eraseCredentials } = await import("../image/registry/credential-store");
    const domain = serverDomain(args._[0]);
    const shown = domain === "docker.io" ? authKey(domain) : domain;
    if (!eraseCredentials(domain)) out(`Not logged in to ${shown}\n`);
    else out(`Removing login credentials for ${shown}\n`);
  },
});
