// The network flags of `run` and `create` (read by src/container/network-module.ts).

import type { Flags } from "./_define";

export const networkFlags: Flags = {
  network: { type: "string", alias: ["net"], description: "Connect a container to a network (bridge, NAME, none, host, container:NAME|ID)" },
  "network-alias": { type: "string", multiple: true, description: "Add network-scoped alias for the container" },
  ip: { type: "string", description: "IPv4 address (e.g., 172.30.100.104)" },
  "mac-address": { type: "string", description: "Container MAC address (e.g., 92:d0:c6:0a:29:33)" },
  publish: { type: "string", alias: "p", multiple: true, description: "Publish a container's port(s) to the host" },
  "publish-all": { type: "boolean", alias: "P", description: "Publish all exposed ports to random ports" },
  expose: { type: "string", multiple: true, description: "Expose a port or a range of ports" },
  dns: { type: "string", multiple: true, description: "Set custom DNS servers" },
  "dns-search": { type: "string", multiple: true, description: "Set custom DNS search domains" },
  "dns-option": { type: "string", alias: ["dns-opt"], multiple: true, description: "Set DNS options" },
  "add-host": { type: "string", multiple: true, description: "Add a custom host-to-IP mapping (host:ip)" },
};
