// The executable's entry. Everything is the CLI (main.ts) but for the container's init, which
// the monitor starts as `mydocker --root ROOT _init ID` inside the new namespaces: its start-up
// lies on the path of every container start, so it goes straight to container/init.ts without
// loading the CLI's modules (flag parser, help, verb table, logging).

const argv = process.argv.slice(2);
if (argv.length === 4 && argv[0] === "--root" && argv[2] === "_init") {
  const { runInit } = await import("./container/init");
  await runInit(argv[1], argv[3]);
} else {
  await import("./main");
}
